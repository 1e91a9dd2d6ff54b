"""Times in the campaigns file: an activation window and a completion date. No I/O.

A window (`active_from`, `active_until`) and `complete_at` are sent to Altcraft with the
activation (`activate_date`/`start_date`, `deactivate_date`, `completed_date`); Altcraft flips the
campaign itself when each moment comes. At every run the state the file asks for *now* follows
from the window (`target`): before it `waiting`, inside it `active`, after it `inactive`, after
`complete_at` `completed`.

Times are RFC 3339 with an explicit offset (a time without one means a different moment in every
runner's time zone), in the years 2000 to 2100 (`EARLIEST_YEAR`, `LATEST_YEAR`): a date outside them is a
typo nobody meant, and years near 9999 cannot even be converted to UTC. They are compared as
instants, so writing the same moment in another offset changes nothing; they are shown in the
offset the file used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

# What a run asks of a campaign: active now; waiting for its window (scheduled); not running and
# not scheduled by us (inactive); not running, a schedule made outside the file tolerated (off:
# plain `active: false`); left to a schedule set in Altcraft's web UI, whose dates the API does not
# show (altcraft: `active: scheduled`); completed (irreversible).
Target = Literal["active", "waiting", "inactive", "off", "altcraft", "completed"]
TARGETS: tuple[Target, ...] = ("active", "waiting", "inactive", "off", "altcraft", "completed")

# The file's keys, in the order they are shown.
KEYS = ("active_from", "active_until", "complete_at")
# RFC 3339 section 5.6: date, T (or a space), time, optional fraction, Z or a numeric offset.
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})")
_NO_OFFSET = re.compile(r"\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
EXAMPLE = "2026-11-27T00:00:00+03:00"
# The years a time may name (its date as written, before any conversion).
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


class TimeError(ValueError):
    """A time the file cannot use; the message says why and shows the expected form."""


def parse_time(text: str) -> datetime:
    """An RFC 3339 time with an explicit offset, as an aware datetime that keeps that offset."""
    text = text.strip()
    if _NO_OFFSET.fullmatch(text):
        raise TimeError(
            f"{text!r} has no time-zone offset; write the offset the time is meant in, e.g. {EXAMPLE} or "
            "2026-11-26T21:00:00Z"
        )
    if not _RFC3339.fullmatch(text):
        raise TimeError(f"{text!r} is not an RFC 3339 time; write it like {EXAMPLE}")
    try:
        moment = datetime.fromisoformat(_to_python(text))
    except ValueError as error:
        raise TimeError(f"{text!r} is not a valid date and time ({error})") from None
    offset = moment.utcoffset()
    if offset is None or abs(offset) >= timedelta(hours=24):
        raise TimeError(f"{text!r} has an offset out of range")
    # Far from datetime's limits, so every conversion (to UTC, to another offset) stays in range.
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise TimeError(
            f"{text!r} is outside the years {EARLIEST_YEAR} to {LATEST_YEAR} this tool accepts; is the year a typo?"
        )
    return moment


def _to_python(text: str) -> str:
    # fromisoformat wants "T"/"+00:00" and at most six digits of fraction.
    text = text[:10] + "T" + text[11:]
    if text[-1] in "Zz":
        text = text[:-1] + "+00:00"
    match = re.search(r"\.(\d+)", text)
    if match and len(match[1]) > 6:
        text = text[: match.start(1) + 6] + text[match.end(1) :]
    return text


def format_time(moment: datetime) -> str:
    """`moment` in RFC 3339, in its own offset (Z for UTC), without a fraction when it has none."""
    text = moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@dataclass(frozen=True)
class Schedule:
    """The dates an entry asks Altcraft to act on. Aware datetimes compare as instants, so two
    schedules are equal when they name the same moments, whatever offsets they were written in."""

    active_from: datetime | None = None
    active_until: datetime | None = None
    complete_at: datetime | None = None

    def __bool__(self) -> bool:
        return any(getattr(self, key) for key in KEYS)

    def as_text(self) -> dict[str, str]:
        """{key: RFC 3339} for the keys set, as stored in the Pulumi state."""
        return {key: format_time(getattr(self, key)) for key in KEYS if getattr(self, key)}

    @classmethod
    def from_text(cls, values: Mapping[str, Any]) -> Schedule:
        """From stored or parsed text; keys absent or empty are unset."""
        return cls(**{key: parse_time(values[key]) for key in KEYS if isinstance(values.get(key), str) and values[key]})

    def ended(self, now: datetime) -> bool:
        """The window is over (or completion due): the entry can only ask for inactive or completed."""
        return any(moment is not None and moment <= now for moment in (self.active_until, self.complete_at))


def target(
    active: bool,
    completed: bool,
    schedule: Schedule,
    now: datetime,
    cancel_waiting: bool = False,
    scheduled_in_altcraft: bool = False,
) -> Target:
    """What the file asks of the campaign at `now`.

    `cancel_waiting`: a plain `active: false` must also undo a `waiting` that this tool scheduled
    at an earlier deploy (else the campaign would still start when that window opens).
    `scheduled_in_altcraft`: `active: scheduled`, the campaign follows dates set in Altcraft.
    """
    if completed or scheduled_in_altcraft or not active:
        untimed = timeless_target(active, completed, scheduled_in_altcraft)
        return "inactive" if untimed == "off" and cancel_waiting else untimed
    if schedule.complete_at is not None and schedule.complete_at <= now:
        return "completed"
    if schedule.active_until is not None and schedule.active_until <= now:
        return "inactive"
    if schedule.active_from is not None and now < schedule.active_from:
        return "waiting"
    return "active"


def timeless_target(active: bool, completed: bool, scheduled_in_altcraft: bool = False) -> Target:
    """What an entry without a window asks for, whatever the time (`target` without a clock)."""
    if completed:
        return "completed"
    if scheduled_in_altcraft:
        return "altcraft"
    return "active" if active else "off"
