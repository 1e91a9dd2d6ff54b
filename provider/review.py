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
says what `pulumi up` would do then. That line is the contract between the preview and
`python -m provider summary`, which reads it back from `pulumi preview --json`; `Write.line` and
`Write.parse` are its only writer and reader.
No I/O here: `lookup` reads live campaigns (the program's one listing), `deployed` is what the last
deployment recorded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from provider.client import STATES, Campaign, MalformedResponse, NotFound
from provider.reconcile import (
    CAUSES,
    DEFAULT_ON_REMOVE,
    CampaignError,
    Cause,
    Desired,
    Intent,
    Steps,
    cause_of,
    drift_kept,
    plan,
    plan_removal,
)
from provider.schedule import KEYS as TIME_KEYS
from provider.schedule import Schedule, TimeError, format_time, target
from provider.spec import CampaignSpec, Problem


@dataclass(frozen=True)
class Deployed:
    """What the last deployment recorded for one campaign."""

    campaign_id: int
    intent: Intent  # what the campaigns file declared then
    on_remove: str = DEFAULT_ON_REMOVE
    protect: bool = False  # Pulumi refuses to delete it: removing the entry sends nothing


# How a schedule reads in a line: "[from 2026-11-27T00:00:00+03:00, until ..., completes ...]".
WINDOW_WORDS = dict(zip(TIME_KEYS, ("from", "until", "completes"), strict=True))


@dataclass(frozen=True)
class Write:
    """What `pulumi up` would send for one campaign, with the live facts and the reason."""

    campaign_id: int
    name: str  # the live name
    before: str  # live state now
    after: str  # state once the calls are done
    cause: Cause
    calls: int = 1  # how many calls (an active campaign moved back to waiting takes two)
    schedule: Schedule = field(default_factory=Schedule)  # the entry's window and completion date

    @property
    def change(self) -> str:
        """activate, deactivate, schedule, reschedule (new dates, same state) or complete."""
        if self.after == "completed":
            return "complete"
        if self.before == self.after:
            return "reschedule"
        return {"active": "activate", "waiting": "schedule"}.get(self.after, "deactivate")

    @property
    def irreversible(self) -> bool:
        return self.after == "completed"

    @property
    def methods(self) -> tuple[str, ...]:
        """The calls in order, by Altcraft's names, as altcraft:maxChanges counts them."""
        if self.after == "completed":
            return ("completed",)
        if self.after == "inactive":
            return ("deactivate",)
        return ("deactivate", "activate") if self.calls > 1 else ("activate",)

    @property
    def stops_now(self) -> str | None:
        """When a running campaign is stopped now to wait for its window: when it starts again."""
        if self.before == "active" and self.after == "waiting" and self.schedule.active_from is not None:
            return format_time(self.schedule.active_from)
        return None

    def line(self) -> str:
        notes = [self.cause, *(["irreversible"] if self.irreversible else [])]
        notes += [f"{self.calls} calls"] if self.calls > 1 else []
        text = f"{who(self.campaign_id, self.name)}: {self.before} -> {self.after} ({', '.join(notes)})"
        if self.stops_now:
            text += f": stops now, starts {self.stops_now}"
        dates = [f"{WINDOW_WORDS[key]} {value}" for key, value in self.schedule.as_text().items()]
        return f"{text} [{', '.join(dates)}]" if dates else text

    @classmethod
    def parse(cls, text: str) -> Write | None:
        """A line written by `line()`, or None for any other text."""
        match = _LINE.fullmatch(text.strip())
        if match is None:
            return None
        dates: dict[str, str] = {}
        for part in match["dates"].split(", ") if match["dates"] else []:
            word, _, value = part.partition(" ")
            key = next((key for key, known in WINDOW_WORDS.items() if known == word), None)
            if key is None:
                return None
            dates[key] = value
        try:
            schedule = Schedule.from_text(dates)
        except TimeError:
            return None
        calls = int(match["calls"]) if match["calls"] else 1
        name = match["name"] or ""
        return cls(int(match["id"]), name, match["before"], match["after"], match["cause"], calls, schedule)  # type: ignore[arg-type]


def who(campaign_id: int, name: str) -> str:
    """The start of every line: `campaign 18 Black Friday`, the name on one line whatever it holds."""
    return f"campaign {campaign_id} {printable(name)}" if name else f"campaign {campaign_id}"


_WHO = r"campaign (?P<id>\d+)(?: (?P<name>.*))?: "
_STATE = "|".join(STATES)
_LINE = re.compile(
    rf"{_WHO}(?P<before>{_STATE}) -> (?P<after>{_STATE}) \((?P<cause>{'|'.join(CAUSES)})"
    r"(?:, irreversible)?(?:, (?P<calls>\d+) calls)?\)(?:: stops now, starts \S+)?(?: \[(?P<dates>[^\[\]]+)\])?"
)


@dataclass(frozen=True)
class Kept:
    """A campaign changed in Altcraft outside the file that `drift: keep` leaves as it is."""

    campaign_id: int
    name: str  # the live name
    state: str  # live state, which stays
    wanted: bool  # what the file (unchanged since the last deploy) says

    def line(self) -> str:
        wanted = "true" if self.wanted else "false"
        return f"{who(self.campaign_id, self.name)}: {self.state}, drift kept (the file says active: {wanted})"

    @classmethod
    def parse(cls, text: str) -> Kept | None:
        match = _KEPT.fullmatch(text.strip())
        if match is None:
            return None
        return cls(int(match["id"]), match["name"] or "", match["state"], match["wanted"] == "true")


_KEPT = re.compile(
    rf"{_WHO}(?P<state>{_STATE}), drift kept "
    r"\(the file says active: (?P<wanted>true|false)\)"
)


@dataclass(frozen=True)
class Review:
    writes: list[Write]  # sorted by campaign id
    problems: list[Problem]  # each with the file line of its entry
    kept: list[Kept] = field(default_factory=list)  # drift left as it is (drift: keep), sorted by id
    desired: list[Desired] = field(default_factory=list)  # each entry's target for this run, file order
    notes: list[str] = field(default_factory=list)  # worth a reviewer's look, not a failure
    now: datetime | None = None  # the moment windows were read at (Altcraft's clock)
    # Campaigns waiting for dates set in Altcraft (`active: scheduled`): what happens at launch.
    launches: list[str] = field(default_factory=list)

    @property
    def calls(self) -> int:
        return sum(write.calls for write in self.writes)


def desired_now(spec: CampaignSpec, deployed: Deployed | None, now: datetime) -> Desired:
    """The entry as this run must apply it: its window read at `now` (Altcraft's clock)."""
    # A plain `active: false` also cancels a window an earlier deploy of this entry scheduled.
    cancel_waiting = deployed is not None and bool(deployed.intent.schedule)
    wanted = target(spec.active, spec.completed, spec.schedule, now, cancel_waiting, spec.scheduled_in_altcraft)
    return Desired.from_spec(spec, wanted)


def review(
    specs: Iterable[CampaignSpec],
    lookup: Callable[[int], Campaign],
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
    writes: list[Write] = []
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
        if live.state == "waiting" and desired.wanted == "altcraft":
            launches.append(f"{who(live.id, live.name)}: {LAUNCH_ON_ALTCRAFT_DATES}")
        elif live.state == "waiting" and desired.wanted == "off":
            notes.append(f"{who(live.id, live.name)}: {STOPPED_AT_LAUNCH}")
        if steps is not None:
            writes.append(_write(live, steps, cause_of(desired.intent, before), desired.schedule))
        elif drift_kept(desired, live, before):
            kept.append(Kept(live.id, live.name, live.state, spec.active))
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
        steps = plan_removal(record.on_remove, live, scheduled=bool(record.intent.schedule))
        if steps is not None:
            writes.append(_write(live, steps, "remove", Schedule()))
    writes.sort(key=lambda w: w.campaign_id)
    return Review(writes, problems, kept, desired_all, notes, now or clock(), launches)


def protected_removal(campaign_id: int, name: str) -> str:
    """Why a protected campaign cannot leave the file in one step, and the two steps that retire it."""
    return (
        f"{who(campaign_id, name)} is no longer in the file, but it is protected (`protect: true` at the last "
        "deploy), so it cannot be released. To retire it: first put the entry back with `protect: false` and "
        "deploy that; then remove the entry. Nothing was sent"
    )


LAUNCH_ON_ALTCRAFT_DATES = (
    "waiting for the dates set in Altcraft (active: scheduled): Altcraft starts it then, and no deploy stops it "
    "until the file says otherwise"
)
STOPPED_AT_LAUNCH = (
    "waiting (scheduled in Altcraft), but the file says active: false, so the first `pulumi up` after Altcraft "
    "starts it will stop it. To let it launch on its dates, write active: scheduled"
)


def _write(live: Campaign, steps: Steps, cause: Cause, schedule: Schedule) -> Write:
    # The line shows the entry's whole window (the reason for a call that follows the clock).
    return Write(live.id, live.name, live.state, steps.after, cause, len(steps.calls), schedule)


_CLOCK = re.compile(r"windows read at (?P<now>\S+) \(Altcraft's clock\)")


def clock_line(now: datetime) -> str:
    """The moment a run read the windows at; the summary shows it beside them."""
    return f"windows read at {format_time(now.replace(microsecond=0))} (Altcraft's clock)"


def parse_clock_line(text: str) -> str | None:
    match = _CLOCK.fullmatch(text.strip())
    return match["now"] if match else None


def ended_note(who: str, schedule: Schedule, now: datetime, clock: str = "this run") -> str:
    """A window already over when the entry asks for it: most often a year typed wrong. The preview
    says it for a changed entry; `altcraft-campaigns check` for every entry, by this machine's clock."""
    ended = min(t for t in (schedule.active_until, schedule.complete_at) if t is not None)
    after = "completed" if schedule.complete_at is not None and schedule.complete_at <= now else "inactive"
    return (
        f"{who}: its window ended at {format_time(ended)}, before {clock} ({format_time(now)}); the entry now "
        f"means {after}. Is the year right?"
    )


def printable(text: str) -> str:
    """`text` on one line: control characters (newlines, ANSI escapes, ...) shown as escapes."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii") for char in text)


def over_limit(writes: list[Write], limit: int, source: str, shown: int = 10) -> str | None:
    """Why a run that would send more than `limit` calls must not start (None when it may; 0: no limit)."""
    count = sum(write.calls for write in writes)
    if not limit or count <= limit:
        return None
    lines = [f"this run would send {count} calls to Altcraft, more than the limit of {limit} ({source}):"]
    lines += [f"  {write.line()}" for write in writes[:shown]]
    if len(writes) > shown:
        lines.append(f"  ... and {len(writes) - shown} more")
    lines.append(
        f"Nothing was sent. If this is intended, allow it for one run: ALTCRAFT_MAX_CHANGES={count} pulumi up "
        "(or change altcraft:maxChanges for the stack; 0 means no limit)."
    )
    return "\n".join(lines)
