"""What to do to make one live campaign match its desired state. No I/O.

The rules: the file's entry becomes a target for this run (`provider.campaigns.schedule.target`: active,
waiting for a window, inactive, off or completed), and `satisfies` says which live states meet it:
`active` and `waiting` and `completed` need exactly that state; `off` (a plain `active: false`)
takes any state but `active` (a `waiting` someone scheduled in the web UI is left alone);
`inactive` takes neither `active` nor `waiting` (a window this tool scheduled is cancelled);
`altcraft` (`active: scheduled`) takes every state: the dates set in Altcraft decide, and this tool
cannot see them, so it sends nothing.
`completed` and `deleted` are terminal: nothing can activate them again.

`scampaigns/completed` is irreversible, so it is sent only for `completed: true`: the reviewed file
asking for completion now. A `complete_at` is a date Altcraft carries out itself; once it has
passed without Altcraft completing the campaign (a mistyped year, or dates cancelled in the web
UI), the entry cannot be honoured without a guess, and the run fails naming it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from provider.altcraft.model import LiveCampaign
from provider.campaigns.names import difference, same_name
from provider.campaigns.options import DEFAULT_DRIFT, DEFAULT_ON_REMOVE
from provider.campaigns.schedule import Schedule, Target, format_time, timeless_target
from provider.errors import CampaignError

if TYPE_CHECKING:
    from provider.campaigns.loader import CampaignSpec

Method = Literal["activate", "deactivate", "completed"]
# Why `pulumi up` would send a call: a new entry (adopt), an entry the file changed since the last
# deploy (change), a campaign changed in Altcraft outside the file (drift), a removed entry (remove).
Cause = Literal["adopt", "change", "drift", "remove"]
CAUSES: tuple[Cause, ...] = ("adopt", "change", "drift", "remove")
# Targets a call cannot reach on a completed or deleted campaign.
_NEEDS_LIFE = ("active", "waiting")


@dataclass(frozen=True)
class Intent:
    """What the file declares for one campaign; a deployment records it to tell change from drift."""

    active: bool
    schedule: Schedule = field(default_factory=Schedule)
    completed: bool = False
    scheduled_in_altcraft: bool = False  # `active: scheduled`


@dataclass(frozen=True)
class Desired:
    campaign_id: int
    active: bool
    expected_name: str | None = None
    on_remove: str = DEFAULT_ON_REMOVE
    drift: str = DEFAULT_DRIFT  # revert | keep: what up does with a change made outside the file
    protect: bool = False  # Pulumi's protect; recorded so that the review knows a removal will be refused
    schedule: Schedule = field(default_factory=Schedule)
    completed: bool = False
    scheduled_in_altcraft: bool = False  # `active: scheduled`: the dates set in Altcraft decide
    # What this run asks for (`provider.campaigns.schedule.target`, the window read at a time).
    # Left out, it follows from `active`, `completed` and `scheduled_in_altcraft` alone.
    target: Target = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.target is None:
            untimed = timeless_target(self.active, self.completed, self.scheduled_in_altcraft)
            object.__setattr__(self, "target", untimed)

    @property
    def intent(self) -> Intent:
        return Intent(self.active, self.schedule, self.completed, self.scheduled_in_altcraft)

    @classmethod
    def from_spec(cls, spec: CampaignSpec, target: Target | None = None) -> Desired:
        return cls(
            spec.id,
            spec.active,
            expected_name=spec.name,
            on_remove=spec.on_remove,
            drift=spec.drift,
            protect=spec.protect,
            schedule=spec.schedule,
            completed=spec.completed,
            scheduled_in_altcraft=spec.scheduled_in_altcraft,
            target=target,
        )


@dataclass(frozen=True)
class Call:
    """One call to Altcraft. `schedule` holds the dates an activation sends (none: activate now);
    `settled` are the states that show it landed (empty: the state cannot tell, e.g. new dates)."""

    method: Method
    schedule: Schedule = field(default_factory=Schedule)
    settled: tuple[str, ...] = ()


@dataclass(frozen=True)
class Steps:
    """What converging one campaign takes: the calls in order and the state they leave it in."""

    calls: tuple[Call, ...]
    after: str

    @property
    def accepted(self) -> tuple[str, ...]:
        # A window that opens while `up` runs: Altcraft activates at once instead of waiting.
        return ("waiting", "active") if self.after == "waiting" else (self.after,)


def describe(campaign: LiveCampaign) -> str:
    return f"campaign {campaign.id} ({campaign.name})"


def check_name(desired: Desired, live: LiveCampaign) -> None:
    """The name guard (provider.campaigns.names decides what counts as the same name)."""
    if desired.expected_name is None or same_name(desired.expected_name, live.name):
        return
    alike = difference(desired.expected_name, live.name)
    shown = f" (they only look alike: {alike})" if alike else ""
    raise CampaignError(
        f"campaign {desired.campaign_id}: the campaigns file expects the name {desired.expected_name!r}, "
        f"but in Altcraft it is {live.name!r}{shown}. Is the id a typo? Fix the id, or the name if the campaign "
        "was renamed. Nothing was changed."
    )


def satisfies(state: str, target: Target) -> bool:
    """Whether a live state meets this run's target (see the module's docstring)."""
    if target == "altcraft":
        return True
    if target == "off":
        return state != "active"
    if target == "inactive":
        return state not in ("active", "waiting")
    return state == target


def plan(desired: Desired, live: LiveCampaign, deployed: Intent | None = None) -> Steps | None:
    """The calls that converge `live` to `desired`, or None when none is due.

    `deployed` is what the file declared at the last deploy (None: a new entry). With
    `drift: keep`, a campaign changed outside the file is left as it is until the file changes.
    """
    check_name(desired, live)
    target = desired.target
    check_reachable(target, live)
    if drift_kept(desired, live, deployed):
        return None
    if target == "completed" and not desired.completed and live.state != "completed":
        raise CampaignError(_passed_completion(desired, live, deployed))
    # New dates (or dates dropped from the file) need a new activation even where the state is right.
    resend = target in _NEEDS_LIFE and dates_held(target, desired.schedule) != dates_held(
        target, deployed.schedule if deployed else Schedule()
    )
    if satisfies(live.state, target) and not resend:
        return None
    return steps_for(target, desired.schedule, live.state)


def check_reachable(target: Target, live: LiveCampaign) -> None:
    """A target no call can reach from a completed or deleted campaign is refused, never sent."""
    if target in _NEEDS_LIFE and live.terminal:
        raise CampaignError(
            f"{describe(live)} is {live.state} in Altcraft and cannot be activated: "
            "completion is irreversible. Set `active: false` for it, or remove it from the campaigns file. "
            "No activate call was sent."
        )
    if target == "completed" and live.state == "deleted":
        raise CampaignError(
            f"{describe(live)} is deleted in Altcraft and cannot be completed. Remove it from the campaigns "
            "file. No call was sent."
        )


def dates_held(target: Target, schedule: Schedule) -> Schedule:
    """The dates Altcraft must hold for a campaign at `target`: a running campaign's start has
    passed and no longer matters (sending it again would be a call that changes nothing)."""
    if target == "active":
        return Schedule(active_until=schedule.active_until, complete_at=schedule.complete_at)
    return schedule


def _passed_completion(desired: Desired, live: LiveCampaign, deployed: Intent | None) -> str:
    when = format_time(desired.schedule.complete_at) if desired.schedule.complete_at else "its complete_at"
    if deployed is None or deployed.schedule.complete_at != desired.schedule.complete_at:
        why = (
            f"complete_at {when} has already passed, so it can no longer be scheduled: is the year right? "
            "A complete_at only schedules a completion for Altcraft to carry out later; it never completes a "
            "campaign now. Fix the date, or write `completed: true` (and remove the window) to complete it now"
        )
    else:
        why = (
            f"complete_at {when} has passed but Altcraft has not completed it (it is {live.state}: its dates "
            "were cancelled, e.g. by a change in the web UI). This tool does not complete a campaign on a "
            "date alone: write `completed: true` (and remove the window) to complete it now, or remove "
            "complete_at to keep it"
        )
    return f"{describe(live)}: {why}. Nothing was sent."


def steps_for(target: Target, schedule: Schedule, state: str) -> Steps:
    if target == "completed":
        return Steps((Call("completed", settled=("completed",)),), "completed")
    if target in ("inactive", "off"):
        return Steps((Call("deactivate", settled=("inactive",)),), "inactive")
    if target == "active":  # now, with the dates still ahead (an empty activate_date means now)
        dates = Schedule(active_until=schedule.active_until, complete_at=schedule.complete_at)
        return Steps((Call("activate", dates, () if state == "active" else ("active",)),), "active")
    # waiting: an active campaign must stop now, then wait for its window (documented transitions
    # only: whether an activation with a future date stops a running campaign is not documented).
    first = (Call("deactivate", settled=("inactive",)),) if state == "active" else ()
    settled = () if state == "waiting" else ("waiting", "active")
    return Steps((*first, Call("activate", schedule, settled)), "waiting")


def drift_kept(desired: Desired, live: LiveCampaign, deployed: Intent | None) -> bool:
    """True when `drift: keep` holds back a call: Altcraft differs, but the file has not changed since."""
    return (
        desired.drift == "keep"
        and deployed is not None
        and deployed == desired.intent
        and not satisfies(live.state, desired.target)
    )


def plan_removal(on_remove: str, live: LiveCampaign, scheduled: bool = False) -> Steps | None:
    """What removing the entry does: `retain` leaves the campaign alone, `deactivate` turns it off
    (and cancels a window this tool scheduled: `scheduled`)."""
    if on_remove != "deactivate":
        return None
    if live.active or (scheduled and live.state == "waiting"):
        return steps_for("inactive", Schedule(), live.state)
    return None


def cause_of(intent: Intent, deployed: Intent | None) -> Cause:
    """Why a call is needed for an entry in the file. `deployed` is what the file declared at the
    last deploy (None: the entry is new). The file changed since then, or Altcraft did."""
    if deployed is None:
        return "adopt"
    return "change" if deployed != intent else "drift"
