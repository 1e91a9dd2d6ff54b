"""The review's lines: how the preview describes each call, and how the summary reads it back.

One line per campaign `pulumi up` would change, with its cause, written by the program's log:

    campaign 18 Black Friday: inactive -> active (adopt)
    campaign 19 Cyber Monday: inactive -> waiting (change) [from 2026-11-30T00:00:00+03:00, until ...]
    campaign 21 Spring: active -> waiting (change, 2 calls): stops now, starts 2026-12-15T10:00:00+03:00 [from ...]
    campaign 30 Summer 2025: inactive -> completed (change, irreversible)
    campaign 23 Welcome series: active -> inactive (drift: changed in Altcraft by j.smith at 2026-11-28 10:02:31 UTC)
    campaign 40 Flash sale: inactive, drift kept (the file says active: true; changed in Altcraft by unknown at unknown)
    windows read at 2026-11-27T09:00:00Z (Altcraft's clock)

These lines are for people. Nothing reads them back: the summary, adopt-drift and bots read the
run's review record (`provider.planning.review_record`), the same objects as data. No I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from provider.altcraft.model import LiveCampaign
from provider.campaigns.schedule import KEYS as TIME_KEYS
from provider.campaigns.schedule import Schedule, format_time
from provider.planning.reconcile import Cause

# Who changed a drifted campaign in Altcraft, and when: "changed in Altcraft by j.smith at 2026-11-28
# 10:02:31 UTC", with UNKNOWN for what Altcraft did not say (its `updated_user`, `updatetime`).
UNKNOWN = "unknown"
_AT_FORMAT = "%Y-%m-%d %H:%M:%S UTC"
# The phrase's pattern, for every line that carries it (here, and the ledger's in planning.record).
EDIT_PATTERN = rf"changed in Altcraft by (?P<by>.+?) at (?P<at>\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d UTC|{UNKNOWN})"


@dataclass(frozen=True)
class Edit:
    """Who last changed a campaign in Altcraft, and when, as Altcraft says (None: it does not say)."""

    by: str | None = None
    at: datetime | None = None

    @classmethod
    def of(cls, live: LiveCampaign) -> Edit:
        """From the campaign as the listing showed it (its `updated_user`, `updatetime`), to the second."""
        at = live.changed_at.astimezone(UTC).replace(microsecond=0) if live.changed_at is not None else None
        return cls(live.changed_by, at)

    def text(self) -> str:
        at = self.at.astimezone(UTC).strftime(_AT_FORMAT) if self.at is not None else UNKNOWN
        return f"changed in Altcraft by {one_line(self.by) if self.by else UNKNOWN} at {at}"

    @classmethod
    def from_match(cls, by: str | None, at: str | None) -> Edit | None:
        if by is None:
            return None
        moment = None if at in (None, UNKNOWN) else datetime.strptime(at, _AT_FORMAT).replace(tzinfo=UTC)
        return cls(None if by == UNKNOWN else by, moment)

    @property
    def at_text(self) -> str | None:
        """`at` in RFC 3339 (the summary's JSON), None when unknown."""
        return format_time(self.at.astimezone(UTC)) if self.at is not None else None


# How a schedule reads in a line: "[from 2026-11-27T00:00:00+03:00, until ..., completes ...]".
WINDOW_WORDS = dict(zip(TIME_KEYS, ("from", "until", "completes"), strict=True))


@dataclass(frozen=True)
class PlannedChange:
    """What `pulumi up` would send for one campaign, with the live facts and the reason."""

    campaign_id: int
    name: str  # the live name
    before: str  # live state now
    after: str  # state once the calls are done
    cause: Cause
    # The calls in order, by Altcraft's names, exactly as the review planned them (and as
    # altcraft:maxChanges and a freeze judge them); left out, the one call that reaches `after`.
    methods: tuple[str, ...] = ()
    schedule: Schedule = field(default_factory=Schedule)  # the entry's window and completion date
    edit: Edit | None = None  # drift: who changed it in Altcraft, and when

    def __post_init__(self) -> None:
        if not self.methods:
            single = {"completed": "completed", "inactive": "deactivate"}.get(self.after, "activate")
            object.__setattr__(self, "methods", (single,))

    @property
    def calls(self) -> int:
        return len(self.methods)

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
    def stops_now(self) -> str | None:
        """When a running campaign is stopped now to wait for its window: when it starts again."""
        if self.before == "active" and self.after == "waiting" and self.schedule.active_from is not None:
            return format_time(self.schedule.active_from)
        return None

    def line(self) -> str:
        cause = f"{self.cause}: {self.edit.text()}" if self.edit is not None else self.cause
        notes = [cause, *(["irreversible"] if self.irreversible else [])]
        notes += [f"{self.calls} calls"] if self.calls > 1 else []
        text = f"{who(self.campaign_id, self.name)}: {self.before} -> {self.after} ({', '.join(notes)})"
        if self.stops_now:
            text += f": stops now, starts {self.stops_now}"
        dates = [f"{WINDOW_WORDS[key]} {value}" for key, value in self.schedule.as_text().items()]
        return f"{text} [{', '.join(dates)}]" if dates else text


def who(campaign_id: int, name: str) -> str:
    """The start of every line: `campaign 18 Black Friday`, the name on one line whatever it holds."""
    return f"campaign {campaign_id} {one_line(name)}" if name else f"campaign {campaign_id}"


@dataclass(frozen=True)
class Kept:
    """A campaign changed in Altcraft outside the file that `drift: keep` leaves as it is."""

    campaign_id: int
    name: str  # the live name
    state: str  # live state, which stays
    wanted: bool  # what the file (unchanged since the last deploy) says
    edit: Edit | None = None  # who changed it in Altcraft, and when

    def line(self) -> str:
        wanted = "true" if self.wanted else "false"
        edit = f"; {self.edit.text()}" if self.edit is not None else ""
        return f"{who(self.campaign_id, self.name)}: {self.state}, drift kept (the file says active: {wanted}{edit})"


def clock_moment(now: datetime) -> str:
    """The moment a run read the windows at, to the second (RFC 3339)."""
    return format_time(now.replace(microsecond=0))


def clock_line(now: datetime) -> str:
    """The moment a run read the windows at; the summary shows it beside them."""
    return f"windows read at {clock_moment(now)} (Altcraft's clock)"


def one_line(text: str) -> str:
    """`text` on one line: control characters (newlines, ANSI escapes, ...) shown as escapes."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii") for char in text)
