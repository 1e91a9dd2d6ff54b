"""Guard rails for Altcraft campaigns, as a Pulumi policy pack (CrossGuard).

    pulumi preview --policy-pack policies/        (and pulumi up --policy-pack policies/)

- campaigns-need-a-name-guard (mandatory): in a stack whose name starts with `prod`, every campaign
  entry has a `name` guard, so a mistyped id cannot switch off some other campaign. The program
  enforces the same rule first, for the whole file (`altcraft:requireNameGuards`): a resource
  policy fails only its own resource, and under `up --skip-preview` the others' calls are sent.
- deactivate-at-most-a-tenth (advisory): a single update deactivates at most 10% of the managed
  campaigns; more is reported as a warning for the reviewer.

Campaigns are recognised by their resource type token. What a policy sees in a preview: a
campaign's inputs (`campaign_id`, `active`, `expected_name`, ...), among them `plan`, the exact calls
the run's review gave the campaign (provider.planning.plan: one line of a closed grammar), and for
campaigns the update will change, outputs that are not known yet (no live `state`).
"""

from __future__ import annotations

import re
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

# The pack runs in its own virtualenv without the provider, so it keeps its own copy of the type
# token (provider.planning.record.CAMPAIGN_TYPE; tests/unit/test_provider.py checks they agree).
CAMPAIGN_TYPE = "pulumi-python:dynamic/altcraft:Campaign"
PRODUCTION_PREFIX = "prod"
MAX_DEACTIVATED_SHARE = 0.10
# The `plan` input's grammar (provider.planning.plan._PLAN_INPUT; tests/unit/test_provider.py checks
# that this copy reads what the provider writes): the calls, the states, the cause, the version, the id.
PLAN_INPUT = re.compile(
    r"(?P<calls>[a-z]+(?:, [a-z]+)*): (?P<start>[a-z]+) -> (?P<end>[a-z]+) \((?P<cause>[a-z]+)\) plan/1 [0-9a-f]{16}"
)


def stack_of(urn: str) -> str:
    """urn:pulumi:<stack>::<project>::<type>::<name> -> <stack>."""
    return urn.split("::", 1)[0].rsplit(":", 1)[-1]


def campaign_label(props: Any) -> str:
    campaign_id = props.get("campaign_id")
    return f"campaign {int(campaign_id)}" if isinstance(campaign_id, int | float) else "a campaign"


def require_name_guard(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != CAMPAIGN_TYPE or not stack_of(args.urn).startswith(PRODUCTION_PREFIX):
        return
    if not args.props.get("expected_name"):
        report_violation(
            f"{campaign_label(args.props)} has no name guard. In a production stack every entry of the campaigns "
            "file needs `name:` (the campaign's name in Altcraft), so that a mistyped id fails instead of "
            "switching off another campaign."
        )


def limit_deactivations(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    campaigns = [r for r in args.resources if r.resource_type == CAMPAIGN_TYPE]
    deactivating = [r for r in campaigns if being_deactivated(r.props)]
    if campaigns and len(deactivating) > MAX_DEACTIVATED_SHARE * len(campaigns):
        shown = ", ".join(campaign_label(r.props) for r in deactivating[:10])
        more = f" and {len(deactivating) - 10} more" if len(deactivating) > 10 else ""
        report_violation(
            f"this update turns off {len(deactivating)} of {len(campaigns)} managed campaigns, "
            f"more than {MAX_DEACTIVATED_SHARE:.0%}: {shown}{more}. Is that what the pull request means to do?"
        )


def being_deactivated(props: Any) -> bool:
    """The run's review gave it a deactivation: read from its `plan` input, the calls that are sent."""
    plan = props.get("plan")
    match = PLAN_INPUT.fullmatch(plan) if isinstance(plan, str) else None
    return match is not None and "deactivate" in match["calls"].split(", ")


PolicyPack(
    name="altcraft-campaigns",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=[
        ResourceValidationPolicy(
            name="campaigns-need-a-name-guard",
            description="In a stack whose name starts with `prod`, every campaign has a name guard.",
            enforcement_level=EnforcementLevel.MANDATORY,
            validate=require_name_guard,
        ),
        StackValidationPolicy(
            name="deactivate-at-most-a-tenth",
            description="A single update deactivates at most 10% of the managed campaigns.",
            enforcement_level=EnforcementLevel.ADVISORY,
            validate=limit_deactivations,
        ),
    ],
)
