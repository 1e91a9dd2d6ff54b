"""The plan is data: the calls this run's review decided for one campaign, as its resource carries them. No I/O.

The review (`provider.planning.review`) decides every call of a run, once. The program hands each
campaign that has calls a `CampaignPlan` as the input PLAN_KEY of its resource (none where there
are none, so an account in sync carries no byte of it); the provider sends exactly those calls,
and only while Altcraft still shows the state the review saw (`start`): compare-and-set against
the review's reading, not a second opinion. `pulumi up --plan` then pins the calls themselves,
since they are an input the engine compares.

The input, versioned:

    v        PLAN_VERSION
    review   the run's review id (`review_id`): when it was done and a random part, so that
             two reviews never carry the same plan (the provider tells a plan it has carried out
             from a new one by it) and the provider knows whether its reading came after it
    from     the live state the review saw
    calls    Altcraft's methods, in order ("deactivate", "activate", "completed")
    to       the state the calls leave the campaign in
    cause    adopt, change, drift or remove: why the review planned them

An activation's dates are not repeated here: they are the entry's own dates (the resource's
inputs), held as `to` needs them (`provider.planning.reconcile.steps_for` rebuilds the exact
requests, and refuses a plan whose calls it would not make).
"""

from __future__ import annotations

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


_REVIEW_ID = re.compile(r"(?P<at>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\.[0-9a-f]{8}")


def review_id(done_at: datetime) -> str:
    """One run's review: `2026-11-28T09:00:00.250Z.5f1c9a2e`: when it was done, by this machine's
    clock (the provider lists Altcraft again if its reading is older), and 32 random bits."""
    at = done_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{done_at.microsecond // 1000:03d}Z"
    return f"{at}.{secrets.token_hex(4)}"


class PlanMismatch(ValueError):
    """A plan whose calls this version would not make from its start to its end."""


@dataclass(frozen=True)
class CampaignPlan:
    review: str  # the review's id (`review_id`)
    start: str  # the live state the review saw
    calls: tuple[str, ...]  # Altcraft's methods, in order
    end: str  # the state the calls leave the campaign in
    cause: str  # adopt, change, drift, remove

    def to_input(self) -> dict[str, Any]:
        return {
            "v": PLAN_VERSION,
            "review": self.review,
            "from": self.start,
            "calls": list(self.calls),
            "to": self.end,
            "cause": self.cause,
        }

    @classmethod
    def of(cls, value: Any) -> CampaignPlan | None:
        """The plan an input holds; None for anything that is not exactly one (never a guess)."""
        if not isinstance(value, Mapping) or set(value) != {"v", "review", "from", "calls", "to", "cause"}:
            return None
        calls = value["calls"]
        valid = (
            value["v"] == PLAN_VERSION
            and isinstance(value["review"], str)
            and _REVIEW_ID.fullmatch(value["review"]) is not None
            and value["from"] in STATES
            and value["to"] in _TARGET_OF_END
            and value["cause"] in CAUSES
            and isinstance(calls, list | tuple)
            and 0 < len(calls) <= MAX_CALLS
            and all(call in METHODS for call in calls)
        )
        if not valid:
            return None
        return cls(value["review"], value["from"], tuple(calls), value["to"], value["cause"])

    @classmethod
    def of_change(cls, review: str, change: PlannedChange) -> CampaignPlan:
        """The plan of one change the review listed, exactly as it listed it."""
        return cls(review, change.before, change.methods, change.after, change.cause)

    @property
    def reviewed_at(self) -> float:
        """When the review was done (epoch seconds, the machine clock of the run that made it)."""
        match = _REVIEW_ID.fullmatch(self.review)
        assert match is not None  # `of` and `review_id` write and read only this form
        return datetime.strptime(match["at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp()

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
