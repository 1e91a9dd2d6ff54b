"""The whole campaigns file against live Altcraft and the last deployment: what `pulumi up` will do.

The program runs this in every preview and every up, before it registers a single resource, so a
problem with any entry (an unknown id, a name guard that does not match, `active: true` on a
completed campaign) stops the run before any write, new and managed entries alike, and every call
`pulumi up` would send is described in one line with its cause:

    campaign 18 Black Friday: inactive -> active (adopt)
    campaign 19 Cyber Monday: inactive -> waiting (change) [from 2026-11-30T00:00:00+03:00, until ...]
    campaign 21 Spring: active -> waiting (change, 2 calls): stops now, starts 2026-12-15T10:00:00+03:00 [from ...]
    campaign 30 Summer 2025: inactive -> completed (change, irreversible)

Windows are read at `now`, Altcraft's own clock, so a preview run days after the pull request
says what `pulumi up` would do then. The lines' format, and the summary's reading of it, is
`provider.planning.lines`'s.
No I/O here: `lookup` reads live campaigns (the program's one listing), `deployed` is what the last
deployment recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from provider.altcraft.model import LiveCampaign
from provider.campaigns.loader import CampaignSpec, Problem
from provider.campaigns.schedule import Schedule, format_time, target
from provider.errors import CampaignError, MalformedResponse, NotFound
from provider.planning.lines import Edit, Kept, PlannedChange, who
from provider.planning.reconcile import (
    Cause,
    Desired,
    Steps,
    cause_of,
    drift_kept,
    plan,
    plan_removal,
)
from provider.planning.record import Deployed
from provider.settings import MAX_CHANGES


@dataclass(frozen=True)
class Review:
    changes: list[PlannedChange]  # sorted by campaign id
    problems: list[Problem]  # each with the file line of its entry
    kept: list[Kept] = field(default_factory=list)  # drift left as it is (drift: keep), sorted by id
    desired: list[Desired] = field(default_factory=list)  # each entry's target for this run, file order
    notes: list[str] = field(default_factory=list)  # worth a reviewer's look, not a failure
    now: datetime | None = None  # the moment windows were read at (Altcraft's clock)
    # Campaigns waiting for dates set in Altcraft (`active: scheduled`): what happens at launch.
    launches: list[str] = field(default_factory=list)

    @property
    def calls(self) -> int:
        return sum(change.calls for change in self.changes)


def desired_now(spec: CampaignSpec, deployed: Deployed | None, now: datetime) -> Desired:
    """The entry as this run must apply it: its window read at `now` (Altcraft's clock)."""
    # A plain `active: false` also cancels a window an earlier deploy of this entry scheduled.
    cancel_waiting = deployed is not None and deployed.scheduled
    wanted = target(spec.active, spec.completed, spec.schedule, now, cancel_waiting, spec.scheduled_in_altcraft)
    return Desired.from_spec(spec, wanted)


def review_campaigns(
    specs: Iterable[CampaignSpec],
    lookup: Callable[[int], LiveCampaign],
    deployed: Mapping[int, Deployed],
    clock: Callable[[], datetime],
    removed_at: int | None = None,
) -> Review:
    """Every write `pulumi up` would send now and every entry it could not honour.

    `removed_at`: the file line a problem with a removed entry points to (the campaigns list's).

    `lookup` raises NotFound for an id Altcraft does not have; any other failure to read Altcraft
    (a rejected token, an outage) propagates: it is not a problem of one entry. `clock` is read
    once, after the first lookup: the client then knows Altcraft's clock.
    """
    changes: list[PlannedChange] = []
    problems: list[Problem] = []
    kept: list[Kept] = []
    desired_all: list[Desired] = []
    notes: list[str] = []
    launches: list[str] = []
    in_file: set[int] = set()
    now: datetime | None = None
    for spec in specs:
        in_file.add(spec.id)
        last = deployed.get(spec.id)
        before = last.intent if last else None
        unclear = last is not None and last.intent is None
        try:
            live = lookup(spec.id)
            now = now or clock()
            desired = desired_now(spec, last, now)
            desired_all.append(desired)
            steps = plan(desired, live, before)
        except NotFound:
            message = f"campaign {spec.id} does not exist in Altcraft (check the id in the campaigns file)"
            problems.append(Problem(spec.line, None, message))
            continue
        except (CampaignError, MalformedResponse) as error:
            problems.append(Problem(spec.line, None, str(error)))
            continue
        if before != desired.intent and spec.schedule.ended(now):
            notes.append(ended_note(who(live.id, live.name), spec.schedule, now))
        if live.state == "waiting" and desired.target == "altcraft":
            launches.append(f"{who(live.id, live.name)}: {LAUNCH_ON_ALTCRAFT_DATES}")
        elif live.state == "waiting" and desired.target == "off":
            notes.append(f"{who(live.id, live.name)}: {STOPPED_AT_LAUNCH}")
        if unclear:  # never the reason for a call: what the file asked before cannot be told
            if steps is not None:
                notes.append(f"{who(live.id, live.name)}: {UNCLEAR_RECORD.format(state=live.state)}")
        elif steps is not None:
            changes.append(_planned(live, steps, cause_of(desired.intent, before), desired.schedule))
        elif drift_kept(desired, live, before):
            kept.append(Kept(live.id, live.name, live.state, spec.active, Edit.of(live)))
    for campaign_id in sorted(deployed.keys() - in_file):
        record = deployed[campaign_id]
        try:
            live = lookup(campaign_id)
        except NotFound:
            live = None  # gone from Altcraft: removing the entry sends nothing
        if record.protect:  # before the engine refuses the delete, with the way out and a line
            problems.append(Problem(removed_at, None, protected_removal(campaign_id, live.name if live else "")))
            continue
        if live is None:
            continue
        steps = plan_removal(record.on_remove, live, scheduled=record.scheduled)
        if steps is not None:
            changes.append(_planned(live, steps, "remove", Schedule()))
    changes.sort(key=lambda change: change.campaign_id)
    return Review(changes, problems, kept, desired_all, notes, now or clock(), launches)


def protected_removal(campaign_id: int, name: str) -> str:
    """Why a protected campaign cannot leave the file in one step, and the two steps that retire it."""
    return (
        f"{who(campaign_id, name)} is no longer in the file, but it is protected (`protect: true` at the last "
        "deploy), so it cannot be released. To retire it: first put the entry back with `protect: false` and "
        "deploy that; then remove the entry. Nothing was sent"
    )


UNCLEAR_RECORD = (
    "its record in the stack's state does not say for sure what the file asked at the last deploy (a record "
    "edited by hand or half rewritten), so this run cannot tell the file's change from a change in Altcraft: it "
    "is left as it is ({state}) and nothing is sent for it. The up records what the file asks now; the next run "
    "decides from that"
)
LAUNCH_ON_ALTCRAFT_DATES = (
    "waiting for the dates set in Altcraft (active: scheduled): Altcraft starts it then, and no deploy stops it "
    "until the file says otherwise"
)
STOPPED_AT_LAUNCH = (
    "waiting (scheduled in Altcraft), but the file says active: false, so the first `pulumi up` after Altcraft "
    "starts it will stop it. To let it launch on its dates, write active: scheduled"
)


def _planned(live: LiveCampaign, steps: Steps, cause: Cause, schedule: Schedule) -> PlannedChange:
    # The line shows the entry's whole window (the reason for a call that follows the clock), and for
    # drift who changed the campaign in Altcraft, and when.
    edit = Edit.of(live) if cause == "drift" else None
    methods = tuple(call.method for call in steps.calls)
    return PlannedChange(live.id, live.name, live.state, steps.after, cause, methods, schedule, edit)


def ended_note(who: str, schedule: Schedule, now: datetime, clock: str = "this run") -> str:
    """A window already over when the entry asks for it: most often a year typed wrong. The preview
    says it for a changed entry; `altcraft-campaigns check` for every entry, by this machine's clock."""
    ended = min(t for t in (schedule.active_until, schedule.complete_at) if t is not None)
    after = "completed" if schedule.complete_at is not None and schedule.complete_at <= now else "inactive"
    return (
        f"{who}: its window ended at {format_time(ended)}, before {clock} ({format_time(now)}); the entry now "
        f"means {after}. Is the year right?"
    )


def over_limit(changes: list[PlannedChange], limit: int, source: str, shown: int = 10) -> str | None:
    """Why a run that would send more than `limit` calls must not start (None when it may; 0: no limit)."""
    count = sum(change.calls for change in changes)
    if not limit or count <= limit:
        return None
    lines = [f"this run would send {count} calls to Altcraft, more than the limit of {limit} ({source}):"]
    lines += [f"  {change.line()}" for change in changes[:shown]]
    if len(changes) > shown:
        lines.append(f"  ... and {len(changes) - shown} more")
    lines.append(
        f"Nothing was sent. If this is intended, allow it for one run: {MAX_CHANGES.env}={count} pulumi up "
        f"(or change {MAX_CHANGES.key} for the stack; 0 means no limit)."
    )
    return "\n".join(lines)
