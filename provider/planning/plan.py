"""The plan is data: the calls this run's review decided for one campaign, as its resource carries them. No I/O.

The review (`provider.planning.review`) decides every call of a run, once. The program hands each
campaign that has calls a `CampaignPlan` as the input PLAN_KEY of its resource (none where there
are none, so an account in sync carries no byte of it); the provider sends exactly those calls,
and only while its own reading of Altcraft still shows the state the review saw (`start`):
compare-and-set against the review's reading, not a second opinion. `pulumi up --plan` then pins
the calls themselves, since they are an input the engine compares.

The input is one line of a closed grammar (`CampaignPlan.to_input`; every part an enumerated word
or hex digits, no name or other free text), versioned:

    calls    Altcraft's methods, in order ("deactivate", "activate", "completed")
    from     the live state the review saw
    to       the state the calls leave the campaign in
    cause    adopt, change, drift or remove: why the review planned them
    v        PLAN_VERSION
    id       what tells this plan from every other (`plan_id`): a hash of the campaign, the
             calls, the states and the cause, chained to the id of the plan carried out before
             it (the record's `applied`). A preview and the `pulumi up --plan` after it make the
             same id; a plan carried out changes `applied`, so the next one, even with the same
             calls, has a new id (the provider tells a plan it carried out from a new one by it)

An activation's dates are not repeated here: they are the entry's own dates (the resource's
inputs), held as `to` needs them (`provider.planning.reconcile.steps_for` rebuilds the exact
requests, and refuses a plan whose calls it would not make).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from provider.altcraft.model import STATES
from provider.campaigns.schedule import Schedule, Target
from provider.planning.lines import PlannedChange
from provider.planning.reconcile import CAUSES, Steps, steps_for

PLAN_KEY = "plan"
PLAN_VERSION = 1
METHODS = ("activate", "deactivate", "completed")
# The states a plan's calls can leave a campaign in, and the target that asks for each.
_TARGET_OF_END = {"active": "active", "waiting": "waiting", "inactive": "inactive", "completed": "completed"}
# The most calls one campaign's plan holds (an active campaign moved back to waiting takes two).
MAX_CALLS = 2


_PLAN_ID = r"[0-9a-f]{16}"
_PLAN_INPUT = re.compile(
    rf"(?P<calls>(?:{'|'.join(METHODS)})(?:, (?:{'|'.join(METHODS)}))*): (?P<start>{'|'.join(STATES)}) -> "
    rf"(?P<end>{'|'.join(_TARGET_OF_END)}) \((?P<cause>{'|'.join(CAUSES)})\) plan/{PLAN_VERSION} (?P<id>{_PLAN_ID})"
)


def plan_id(campaign_id: int, start: str, calls: tuple[str, ...], end: str, cause: str, after: str | None) -> str:
    """The id of a plan: 16 hex digits of SHA-256 over what it does and the plan before it (`after`)."""
    canonical = json.dumps([PLAN_VERSION, campaign_id, start, list(calls), end, cause, after or ""])
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def review_id(done_at: datetime) -> str:
    """One run's review, for its record: `2026-11-28T09:00:00Z.5f1c9a2e` (its moment, and 32 random bits)."""
    return f"{done_at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}.{secrets.token_hex(4)}"


class PlanMismatch(ValueError):
    """A plan whose calls this version would not make from its start to its end."""


@dataclass(frozen=True)
class CampaignPlan:
    id: str  # `plan_id`
    start: str  # the live state the review saw
    calls: tuple[str, ...]  # Altcraft's methods, in order
    end: str  # the state the calls leave the campaign in
    cause: str  # adopt, change, drift, remove

    def to_input(self) -> str:
        """`deactivate, activate: active -> waiting (change) plan/1 5f1c9a2e0b7d4c13`: one line in
        `pulumi preview --diff`, and a closed grammar (`_PLAN_INPUT`) with no free text in it."""
        return f"{', '.join(self.calls)}: {self.start} -> {self.end} ({self.cause}) plan/{PLAN_VERSION} {self.id}"

    @classmethod
    def of(cls, value: Any) -> CampaignPlan | None:
        """The plan an input holds; None for anything that is not exactly one (never a guess)."""
        match = _PLAN_INPUT.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            return None
        calls = tuple(match["calls"].split(", "))
        if len(calls) > MAX_CALLS:
            return None
        return cls(match["id"], match["start"], calls, match["end"], match["cause"])

    @classmethod
    def of_change(cls, change: PlannedChange, after: str | None) -> CampaignPlan:
        """The plan of one change the review listed, exactly as it listed it; `after`: the id of
        the plan the campaign's record says was carried out last (None: none)."""
        start, calls, end, cause = change.before, change.methods, change.after, change.cause
        return cls(plan_id(change.campaign_id, start, calls, end, cause, after), start, calls, end, cause)

    @property
    def target(self) -> Target:
        return _TARGET_OF_END[self.end]  # type: ignore[return-value]

    def steps(self, schedule: Schedule) -> Steps:
        """The exact requests, with the entry's dates; PlanMismatch if they are not the listed calls."""
        steps = steps_for(self.target, schedule, self.start)
        if tuple(call.method for call in steps.calls) != self.calls:
            raise PlanMismatch(
                f"the plan lists {', '.join(self.calls)} from {self.start} to {self.end}, which this version "
                f"plans as {', '.join(call.method for call in steps.calls)}"
            )
        return steps


def plan_of(props: Mapping[str, Any]) -> CampaignPlan | None:
    """The plan a resource's inputs carry, None where they carry none (or none that can be read)."""
    return CampaignPlan.of(props.get(PLAN_KEY)) if PLAN_KEY in props else None
