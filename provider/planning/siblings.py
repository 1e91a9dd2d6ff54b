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
import re
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


_RANGE = re.compile(r"(?P<first>[0-9]{1,10})(?:-(?P<last>[0-9]{1,10}))?")
MAX_ID = 2**31 - 1
# No stack manages more campaigns than one listing of Altcraft may hold.
MAX_CLAIMED = 1_000_000


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


def parse_id_ranges(text: str) -> list[tuple[int, int]]:
    """The inverse of id_ranges, as ranges (never expanded: a sibling's output is input, and
    "1-2147483647" must not become two billion ids); ValueError for anything else, a reversed
    range, or more ids than a stack can hold."""
    ranges, count = [], 0
    for part in filter(None, text.split(",")):
        match = _RANGE.fullmatch(part)
        if match is None:
            raise ValueError(f"{part!r} is not an id or a range of ids")
        first, last = int(match["first"]), int(match["last"] or match["first"])
        if not 1 <= first <= last <= MAX_ID:
            raise ValueError(f"{part!r} is not a range from a smaller id to a larger one")
        count += last - first + 1
        if count > MAX_CLAIMED:
            raise ValueError(f"it names more than {MAX_CLAIMED:,} campaigns, more than a stack can hold")
        ranges.append((first, last))
    return ranges


def within(ranges: list[tuple[int, int]], ids: Iterable[int]) -> set[int]:
    """Those of `ids` the ranges hold."""
    return {campaign_id for campaign_id in ids if any(first <= campaign_id <= last for first, last in ranges)}


def claimed_by(stack: str, resources: Mapping[str, Any], ids: Iterable[int]) -> set[int]:
    """Those of `ids` a sibling manages, from its last deployment ({urn: {"type", "outputs"}}).

    Its stack output when it has one; else (deployed by a version before the output existed) its
    campaign records.
    """
    for resource in resources.values():
        if resource.get("type") == STACK_TYPE:
            summary = (resource.get("outputs") or {}).get(SUMMARY_OUTPUT)
            if isinstance(summary, Mapping) and isinstance(summary.get(IDS_KEY), str):
                try:
                    return within(parse_id_ranges(summary[IDS_KEY]), ids)
                except ValueError as error:
                    raise SiblingError(
                        f"stack {stack}: its output campaigns.ids is not a list of id ranges ({error}); a stack "
                        "deployed by this tool writes it: check that no one set that output by hand"
                    ) from None
    return set(campaigns_in(resources)) & set(ids)


def claims(siblings: list[str], read_stack: Callable[[str], Mapping[str, Any]], ids: Iterable[int]) -> dict[int, str]:
    """{campaign id: the sibling that manages it}, for `ids` (this stack's file), read through the
    engine, one stack at a time."""
    wanted = set(ids)
    owners: dict[int, str] = {}
    for stack in siblings:
        try:
            resources = read_stack(stack)
        except Exception as error:  # the engine's words (no such stack, no access): ours around them
            raise SiblingError(
                f"{SIBLING_STACKS_KEY} names stack {stack}, which cannot be read ({error}). Check the name "
                "(org/project/stack) and that this backend and its credentials reach it"
            ) from None
        for campaign_id in claimed_by(stack, resources, wanted):
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
