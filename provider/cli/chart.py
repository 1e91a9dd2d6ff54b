"""The windows of a review as a Mermaid gantt chart, which GitHub draws in the comment.

A chart has one time axis, so it shows every time in one offset: the one most of the charted
times were written in (the first of them on a tie). Written without an offset, Mermaid shows
times as they are in every reader's browser instead of converting them to the reader's time
zone. When the file used several offsets, the title says which one the chart uses and how many
windows were converted to it; the table beside the chart keeps each time as written.

Names reach the chart only through `_section_title`: letters, digits, spaces and a little
punctuation, so a campaign name cannot be read as Mermaid syntax.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta, timezone, tzinfo

from provider.campaigns.schedule import KEYS as TIME_KEYS
from provider.campaigns.schedule import Schedule, TimeError, format_time, parse_time
from provider.cli.summary import Row
from provider.cli.text import without_invisible

# Past this many windows a chart is unreadable (and long): the first ones are drawn, the title says so.
MAX_CHARTED = 30
SECTION_NAME_CHARS = 60


def gantt(rows: list[Row], read_at: str | None, limit: int = MAX_CHARTED) -> list[str]:
    """The chart's lines, fenced as ```mermaid; [] when no row has a window."""
    charted = [(r, _schedule(r.schedule)) for r in rows if r.schedule]
    if not charted:
        return []
    offsets = Counter(_offset(schedule) for _row, schedule in charted)
    offset = offsets.most_common(1)[0][0]  # most_common keeps first-seen order on a tie
    zone = timezone(offset)
    title = f"Windows (times in UTC{'' if offset == timedelta(0) else _offset_text(zone)})"
    converted = sum(n for other, n in offsets.items() if other != offset)
    if converted:
        title += f", {converted} window{'s' if converted > 1 else ''} written in another offset converted to it"
    if len(charted) > limit:
        title += f", the first {limit} of {len(charted)} windows"
    out = ["```mermaid", "gantt", f"    title {title}", "    dateFormat YYYY-MM-DD HH:mm:ss"]
    out += ["    axisFormat %d %b %H:%M", "    todayMarker off"]
    if read_at:
        out += ["    section this preview", f"    read the windows :milestone, {_at(read_at, zone)}, 0d"]
    for row, schedule in charted[:limit]:
        out.append(f"    section {_section_title(row)}")
        start, end, complete = schedule.active_from, schedule.active_until, schedule.complete_at
        if start and end:
            out.append(f"    active :{_at(start, zone)}, {_at(end, zone)}")
        elif start:
            out.append(f"    activates :milestone, {_at(start, zone)}, 0d")
        elif end:
            out.append(f"    deactivates :milestone, {_at(end, zone)}, 0d")
        if complete:
            out.append(f"    completes :milestone, {_at(complete, zone)}, 0d")
    return [*out, "```"]


def _schedule(text: dict[str, str] | None) -> Schedule:
    try:
        return Schedule.from_text(text or {})
    except TimeError:
        return Schedule()


def _offset(schedule: Schedule) -> timedelta:
    """The offset a window was written in (its first time's)."""
    moment = next(getattr(schedule, key) for key in TIME_KEYS if getattr(schedule, key) is not None)
    return moment.utcoffset() or timedelta(0)


def _offset_text(zone: tzinfo) -> str:
    return format_time(datetime(2000, 1, 1, tzinfo=zone))[19:]


def _at(moment: datetime | str, zone: tzinfo) -> str:
    if isinstance(moment, str):
        try:
            moment = parse_time(moment)
        except TimeError:
            return moment
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def _section_title(row: Row) -> str:
    """A section title Mermaid cannot read as syntax: letters, digits, spaces and a little punctuation."""
    name = re.sub(r"[^\w .,()+-]+", " ", without_invisible(row.name or ""))
    name = " ".join(name.split())[:SECTION_NAME_CHARS]
    return f"{row.campaign_id} {name}".strip()
