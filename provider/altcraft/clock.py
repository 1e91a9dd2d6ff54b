"""Whose time decides a window: Altcraft's clock, trusted only while this machine's agrees. No I/O.

Windows and `complete_at` decide what `pulumi up` sends, so the moment they are read at must not be
a guess. Altcraft flips campaigns by its own clock, which a run sees only in the `Date` header of
its answers; a proxy or CDN in front of Altcraft can send a stale or wrong one, and a CI runner's
clock can be wrong too. The rule (`trusted_now`): a run in which any decision depends on the time
reads Altcraft's clock, and fails before any call when

- Altcraft's clock and this machine's differ by more than the allowed skew
  (`altcraft:maxClockSkewSeconds`, default 300; ALTCRAFT_MAX_CLOCK_SKEW_SECONDS for one run);
- the answers of one run disagree with each other by more than that;
- no answer carried a readable `Date` (missing or malformed): never a silent fall-back to either clock.

A run that decides nothing by the time (no entry with a window or completion date) does not check.
`ClockWatch` collects what the answers said; the client feeds it, the program applies the rule.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from provider.errors import ClockError

# A Date header has whole seconds: an answer is taken to be from the middle of its second.
_HALF_SECOND = timedelta(milliseconds=500)
# How much of an unreadable header a message quotes.
_QUOTED_CHARS = 60


def machine_now() -> datetime:
    """This machine's clock, in UTC."""
    return datetime.fromtimestamp(time.time(), UTC)


@dataclass(frozen=True)
class ClockReading:
    """What the answers of one run said about Altcraft's clock, relative to this machine's."""

    answers: int = 0  # answers seen
    lowest: timedelta | None = None  # smallest (Altcraft's clock - ours) over the answers with a Date
    highest: timedelta | None = None
    latest: timedelta | None = None  # from the last answer with a readable Date
    missing: int = 0  # answers without a Date header
    unreadable: str | None = None  # the first Date header that is not an HTTP date, shortened


class ClockWatch:
    """Collects the `Date` of every answer; shared by the threads of one process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reading = ClockReading()

    def observe(self, header: str | None, received_at: datetime | None = None) -> None:
        received_at = received_at or machine_now()
        server = _parse_http_date(header)
        with self._lock:
            old = self._reading
            if server is None:
                missing = old.missing + (header is None)
                bad = old.unreadable if header is None or old.unreadable is not None else _shorten(header)
                self._reading = ClockReading(old.answers + 1, old.lowest, old.highest, old.latest, missing, bad)
                return
            offset = server + _HALF_SECOND - received_at
            lowest = offset if old.lowest is None else min(old.lowest, offset)
            highest = offset if old.highest is None else max(old.highest, offset)
            self._reading = ClockReading(old.answers + 1, lowest, highest, offset, old.missing, old.unreadable)

    def reading(self) -> ClockReading:
        with self._lock:
            return self._reading

    def altcraft_now(self) -> datetime:
        """Altcraft's time by its last readable Date, else this machine's (for runs that decide nothing by it)."""
        return machine_now() + (self.reading().latest or timedelta(0))


def trusted_now(reading: ClockReading, max_skew: timedelta, setting: str, url: str) -> datetime:
    """Altcraft's time, when the rule in this module's docstring allows trusting it; else ClockError."""
    ours = machine_now()
    if reading.missing or reading.unreadable is not None or reading.latest is None:
        what = (
            f"with a Date header that is not an HTTP date ({reading.unreadable!r})"
            if reading.unreadable is not None
            else "without a Date header"
        )
        raise ClockError(
            f"Altcraft at {url} answered {what}, so its clock cannot be checked against this machine's "
            f"({_at(ours)}). Windows and completion dates are read by Altcraft's clock, and neither clock alone "
            "is trusted. A proxy in front of Altcraft may drop or rewrite the header"
        )
    assert reading.lowest is not None and reading.highest is not None
    spread = reading.highest - reading.lowest
    if spread > max_skew:
        raise ClockError(
            f"Altcraft's answers in this run disagree about the time by {duration(spread)} (Date headers from "
            f"{url} between {_at(ours + reading.lowest)} and {_at(ours + reading.highest)}), more than {setting} "
            f"allows ({_seconds(max_skew)}). A cache or proxy in front of Altcraft may send stale Date headers"
        )
    for offset in (reading.lowest, reading.highest):
        if abs(offset) > max_skew:
            raise ClockError(
                f"Altcraft's clock (the Date header of its answers from {url}: {_at(ours + offset)}) is "
                f"{_signed(offset)} from this machine's clock ({_at(ours)}), more than {setting} allows "
                f"({_seconds(max_skew)}). Windows and completion dates decide what `pulumi up` sends, so a wrong "
                "clock would start, stop or complete campaigns at the wrong time. Fix whichever clock is wrong "
                "(a proxy or CDN in front of Altcraft may send a stale Date)"
            )
    return ours + reading.latest


def _parse_http_date(header: str | None) -> datetime | None:
    if not header:
        return None
    try:
        moment = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return moment if moment.tzinfo is not None else None


def _shorten(text: str) -> str:
    printable = "".join(char if char.isprintable() else "?" for char in text)
    return printable if len(printable) <= _QUOTED_CHARS else printable[:_QUOTED_CHARS] + "..."


def _at(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _seconds(span: timedelta) -> str:
    return f"{span.total_seconds():,.0f} s"


def _signed(offset: timedelta) -> str:
    return ("ahead by " if offset > timedelta(0) else "behind by ") + duration(abs(offset))


def relative(offset: timedelta) -> str:
    """How one clock stands to another: `5 d 16 h ahead of`, `42 s behind`."""
    return f"{duration(offset)} {'ahead of' if offset > timedelta(0) else 'behind'}"


def duration(span: timedelta) -> str:
    """A duration in the largest units that say it: `11 d 0 h`, `4 h 0 min`, `7 min 3 s`, `42 s`.

    Rounded to its smaller unit, not cut: a Date header counts whole seconds, so a clock 6 hours
    ahead reads as 5 h 59 min 59.6 s, which is "6 h 0 min", not "5 h 59 min".
    """
    seconds = round(abs(span).total_seconds())
    if seconds >= 86_400:
        hours = round(seconds / 3_600)
        return f"{hours // 24} d {hours % 24} h"
    if seconds >= 3_600:
        minutes = round(seconds / 60)
        return f"{minutes // 60} h {minutes % 60} min"
    if seconds >= 60:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds} s"
