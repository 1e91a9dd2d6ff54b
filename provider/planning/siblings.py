"""Several stacks on one Altcraft account: no campaign is managed by two of them.

Teams split one account across stacks (one per team or Altcraft group, each with its own
campaigns file) and deploy them in parallel. Two stacks that both manage a campaign flip it on
every deploy, each calling the other's change drift. The stack config `altcraft:siblingStacks`
lists the other stacks on the account, fully qualified (`org/project/stack`, as `pulumi stack ls`
and stack references spell them); each stack's output `campaigns.ids` says which campaigns it
manages, as compact ranges ("18-25,30"). The program reads every sibling's last deployment
through the engine (provider.engine.checkpoint, whatever backend holds it) and fails before any call
to Altcraft when an entry of its file is already a sibling's.

The same list can be given to every stack of the account: a stack skips its own name.
No I/O here: `read_stack` is given (provider.engine.checkpoint.stack_resources in the program).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from provider.campaigns.loader import CampaignSpec, Problem
from provider.errors import SiblingError
from provider.planning.record import campaigns_in
from provider.settings import SIBLING_STACKS

SIBLING_STACKS_KEY = SIBLING_STACKS.key
STACK_TYPE = "pulumi:pulumi:Stack"
# The stack output that names the campaigns a stack manages, and its key for the id ranges.
SUMMARY_OUTPUT, IDS_KEY = "campaigns", "ids"


def sibling_stacks(raw: str | None, this_stack: str) -> list[str]:
    """The stacks named by the setting (a JSON list, or names separated by commas), without this one."""
    if raw is None or not raw.strip():
        return []
    text = raw.strip()
    try:
        names = json.loads(text) if text.startswith("[") else [part.strip() for part in text.split(",")]
    except ValueError as error:
        raise SiblingError(f"{SIBLING_STACKS_KEY} is not a list: {error}") from None
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise SiblingError(f"{SIBLING_STACKS_KEY} must be a list of stack names, got {raw!r}")
    for name in names:
        if len(name.split("/")) != 3 or not all(name.split("/")):
            raise SiblingError(
                f"{SIBLING_STACKS_KEY}: {name!r} is not a fully qualified stack name: write org/project/stack "
                "as `pulumi stack ls --all` shows it (a local file backend's org is `organization`)"
            )
    return [name for name in dict.fromkeys(names) if name != this_stack]


def id_ranges(ids: Iterable[int]) -> str:
    """18, 19, 20, 21, 30 -> "18-21,30": a stack output that stays one line for any number of campaigns."""
    parts: list[str] = []
    ordered = sorted(set(ids))
    start = previous = None
    for campaign_id in [*ordered, None]:
        if start is not None and (campaign_id is None or campaign_id != previous + 1):
            parts.append(str(start) if start == previous else f"{start}-{previous}")
            start = None
        if campaign_id is not None:
            start = campaign_id if start is None else start
            previous = campaign_id
    return ",".join(parts)


def parse_id_ranges(text: str) -> set[int]:
    """The inverse of id_ranges; raises ValueError on anything else."""
    ids: set[int] = set()
    for part in filter(None, text.split(",")):
        first, _, last = part.partition("-")
        ids.update(range(int(first), int(last or first) + 1))
    return ids


def claimed_by(stack: str, resources: Mapping[str, Any]) -> set[int]:
    """The campaigns a sibling manages, from its last deployment ({urn: {"type", "outputs"}}).

    Its stack output when it has one; else (deployed by a version before the output existed) its
    campaign records.
    """
    for resource in resources.values():
        if resource.get("type") == STACK_TYPE:
            summary = (resource.get("outputs") or {}).get(SUMMARY_OUTPUT)
            if isinstance(summary, Mapping) and isinstance(summary.get(IDS_KEY), str):
                try:
                    return parse_id_ranges(summary[IDS_KEY])
                except ValueError:
                    raise SiblingError(f"stack {stack}: its output campaigns.ids is not a list of id ranges") from None
    return set(campaigns_in(resources))


def claims(siblings: list[str], read_stack: Callable[[str], Mapping[str, Any]]) -> dict[int, str]:
    """{campaign id: the sibling that manages it}, read through the engine, one stack at a time."""
    owners: dict[int, str] = {}
    for stack in siblings:
        try:
            resources = read_stack(stack)
        except Exception as error:  # the engine's words (no such stack, no access): ours around them
            raise SiblingError(
                f"{SIBLING_STACKS_KEY} names stack {stack}, which cannot be read ({error}). Check the name "
                "(org/project/stack) and that this backend and its credentials reach it"
            ) from None
        for campaign_id in claimed_by(stack, resources):
            owners.setdefault(campaign_id, stack)
    return owners


def conflicts(specs: list[CampaignSpec], owners: Mapping[int, str], this_stack: str) -> list[Problem]:
    """An entry of this stack's file that a sibling already manages."""
    return [
        Problem(
            spec.line,
            f"campaign {spec.id}",
            f"is also managed by stack {owners[spec.id]} ({SIBLING_STACKS_KEY}). Two stacks would flip it on every "
            f"deploy, each calling the other's change drift: keep the entry in one of the two stacks' files "
            f"(this one is {this_stack})",
        )
        for spec in specs
        if spec.id in owners
    ]
