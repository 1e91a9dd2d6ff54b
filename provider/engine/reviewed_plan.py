"""The plan file a `pulumi up --plan` applies, read for the calls it holds (ALTCRAFT_REVIEWED_PLAN).

The engine checks the program's inputs against the plan file, but does not tell the program which
file it applies. The deploy step says it in ALTCRAFT_REVIEWED_PLAN (the same path as `--plan`), and
the program then takes each campaign's calls from that file (`provider.planning.reviewed`). A wrong
or stale file cannot send anything the engine's own `--plan` would not accept: it names the
inputs exactly.

What is read, in the deployment plan `pulumi preview --save-plan` writes ({"manifest", "config",
"resourcePlans"}): `resourcePlans[urn].goal.inputDiff`, whose `adds` or `updates` hold the `plan`
input of each campaign and removal record the preview gave calls to (a plan's id is chained to the
last plan carried out, so a plan input is always added or updated, never unchanged). The file is
this stack's and project's, or it is refused.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from provider.errors import PlanFileError
from provider.inputs import read_json_file
from provider.planning.plan import PLAN_KEY, CampaignPlan
from provider.planning.record import campaign_id_of
from provider.planning.removals import removal_id_of
from provider.settings import REVIEWED_PLAN

REVIEWED_PLAN_ENV = REVIEWED_PLAN.env
# A plan file for 10,000 campaigns with calls is a few MB; anything past this is not one.
MAX_PLAN_BYTES = 256 * 1024 * 1024


def reviewed_plans(path_text: str, stack: str, project: str) -> dict[int, CampaignPlan]:
    """Campaign id -> the calls the plan file gives it (campaigns and removal records alike)."""
    where = f"{path_text} (from {REVIEWED_PLAN_ENV})"
    document = read_json_file(Path(path_text), MAX_PLAN_BYTES, where)
    if not isinstance(document, dict) or not isinstance(document.get("manifest"), dict):
        raise PlanFileError(f"{where} is not a plan `pulumi preview --save-plan` writes (no manifest)")
    resources = document.get("resourcePlans") or {}
    if not isinstance(resources, dict):
        raise PlanFileError(f"{where}: resourcePlans is not an object")
    prefix = f"urn:pulumi:{stack}::{project}::"
    found: dict[int, CampaignPlan] = {}
    for urn, resource in resources.items():
        if not isinstance(urn, str) or not urn.startswith("urn:pulumi:"):
            raise PlanFileError(f"{where}: {urn!r} is not a resource URN")
        if not urn.startswith(prefix):
            theirs = urn.removeprefix("urn:pulumi:").split("::", 2)
            raise PlanFileError(
                f"{where} is the plan of stack {theirs[0]!r}, project {theirs[1] if len(theirs) > 1 else '?'!r}; "
                f"this run is stack {stack!r}, project {project!r}. Nothing was sent"
            )
        campaign_id = campaign_id_of(urn) or removal_id_of(urn)
        if campaign_id is None:
            continue
        value = _planned_input(resource)
        if value is None:
            continue
        parsed = CampaignPlan.of(value)
        if parsed is None:
            raise PlanFileError(f"{where}: the plan of {urn} is not one this version writes. Nothing was sent")
        found[campaign_id] = parsed
    return found


def from_environment(
    stack: str, project: str, environ: Mapping[str, str] = os.environ
) -> dict[int, CampaignPlan] | None:
    """The reviewed plans, or None when the run was not told it applies one."""
    path = environ.get(REVIEWED_PLAN_ENV)
    if path is None:
        return None
    if not path.strip():
        raise PlanFileError(f"{REVIEWED_PLAN_ENV} is set but empty: give it the plan file `pulumi up --plan` applies")
    return reviewed_plans(path, stack, project)


def _planned_input(resource: Any) -> Any:
    goal = resource.get("goal") if isinstance(resource, dict) else None
    diff = goal.get("inputDiff") if isinstance(goal, dict) else None
    if not isinstance(diff, dict):
        return None
    for part in ("adds", "updates"):
        values = diff.get(part)
        if isinstance(values, dict) and PLAN_KEY in values:
            return values[PLAN_KEY]
    return None
