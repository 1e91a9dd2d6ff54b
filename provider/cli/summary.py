"""`pulumi preview --json` -> what a reviewer needs: campaign, change, from, to, and why.

The calls come from the preview's own lines (`provider.review`: "campaign 18 Black Friday: inactive
-> active (adopt)"), so the table says exactly what the preview said, drift set apart from the pull
request's own changes. Campaign steps that send no call (an entry adopted as it is, an entry
released, a guard edited) are listed too, and the preview's errors, so a failed preview explains
itself in the pull-request comment. Markdown for people, JSON for bots.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from provider.deployment import CAMPAIGN_TYPE
from provider.review import Kept, Write, parse_clock_line, printable
from provider.schedule import KEYS as TIME_KEYS
from provider.schedule import Schedule, TimeError, format_time, parse_time

STEP_CAUSE = {"create": "adopt", "delete": "remove", "update": "change", "replace": "change"}
WHY = {"adopt": "new entry", "change": "changed in the file since the last deploy", "remove": "removed from the file"}
KEPT_NOTE = (
    "These campaigns have `drift: keep`: someone changed them in Altcraft (an emergency stop, say) and "
    "`pulumi up` leaves them as they are. The file's value applies again when a pull request changes the "
    "entry's `active`."
)
DRIFT_NOTE = (
    "Someone changed these campaigns in Altcraft (for example in the web UI) since the last deploy; this pull "
    "request did not. `pulumi up` will put them back to what the campaigns file says. To keep a change instead, "
    "set the campaign's `active` to match in this pull request."
)


@dataclass(frozen=True)
class Row:
    campaign_id: int
    name: str | None
    change: str  # activate, deactivate, schedule, reschedule, complete, or none (no call to Altcraft)
    before: str | None  # live state now; None where the preview does not know it
    after: str | None
    cause: str  # adopt, change, drift, remove
    schedule: dict[str, str] | None = None  # active_from, active_until, complete_at as the file wrote them
    irreversible: bool = False  # completes the campaign now
    calls: list[str] = field(default_factory=list)  # the calls in order: activate, deactivate, completed
    stops_now: str | None = None  # a running campaign stopped now to wait for its window: when it starts


@dataclass(frozen=True)
class Summary:
    rows: list[Row]  # sorted by campaign id
    errors: list[str]  # the preview's error messages
    notes: list[str] = field(default_factory=list)  # the preview's warnings that are not calls
    read_at: str | None = None  # when the preview read the windows (Altcraft's clock)


def summarize(preview: dict[str, Any]) -> Summary:
    diagnostics = preview.get("diagnostics") or []
    rows: dict[int, Row] = {}  # the preview's lines first; steps without one add a no-call row
    notes: list[str] = []
    read_at: str | None = None
    for diagnostic in diagnostics:
        for raw in str(diagnostic.get("message", "")).splitlines():
            line = _SEVERITY.sub("", raw)  # the engine puts "warning: " before a warning's text
            write, kept = Write.parse(line), Kept.parse(line)
            if write is not None:
                rows[write.campaign_id] = _row(write)
            elif kept is not None:  # drift, and no call: `drift: keep` leaves it
                name, state = kept.name or None, kept.state
                rows[kept.campaign_id] = Row(kept.campaign_id, name, "none", state, state, "drift")
            elif parse_clock_line(line):
                read_at = parse_clock_line(line)
            elif diagnostic.get("severity") == "warning" and line.strip():
                notes.append(line.strip())
    for step in preview.get("steps") or []:
        row = _no_call_row(step)
        if row is not None and row.campaign_id not in rows:
            rows[row.campaign_id] = row
    errors = [str(d.get("message", "")).strip() for d in diagnostics if d.get("severity") == "error"]
    return Summary(sorted(rows.values(), key=lambda r: r.campaign_id), errors, notes, read_at)


_SEVERITY = re.compile(r"^\s*(?:warning|error|info): ")


def _row(write: Write) -> Row:
    window, name = write.schedule.as_text() or None, write.name or None
    return Row(
        write.campaign_id,
        name,
        write.change,
        write.before,
        write.after,
        write.cause,
        window,
        write.irreversible,
        list(write.methods),
        write.stops_now,
    )


def _no_call_row(step: dict[str, Any]) -> Row | None:
    """A campaign step the preview printed no call for: it changes what is managed, not Altcraft."""
    cause = STEP_CAUSE.get(step.get("op", ""))
    old, new = step.get("oldState") or {}, step.get("newState") or {}
    if cause is None or CAMPAIGN_TYPE not in (old.get("type"), new.get("type")):
        return None
    outputs, inputs = old.get("outputs") or {}, new.get("inputs") or {}
    campaign_id = _id(outputs.get("campaign_id") or inputs.get("campaign_id"), step.get("urn", ""))
    if campaign_id is None:
        return None
    name = outputs.get("name") or inputs.get("expected_name")
    state = outputs.get("state")  # a new entry's live state is not in the preview's JSON
    return Row(campaign_id, printable(name) if name else None, "none", state, state, cause)


def _id(value: Any, urn: str) -> int | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    tail = urn.rsplit("::campaign-", 1)
    return int(tail[1]) if len(tail) == 2 and tail[1].isdigit() else None


def to_markdown(summary: Summary) -> str:
    calls = [r for r in summary.rows if r.change != "none"]
    drift = [r for r in calls if r.cause == "drift"]
    own = [r for r in calls if r.cause != "drift"]
    kept = [r for r in summary.rows if r.change == "none" and r.cause == "drift"]
    quiet = [r for r in summary.rows if r.change == "none" and r.cause != "drift"]
    out = [f"### Altcraft campaigns: {_headline(calls, drift)}", ""]
    stopping = [r for r in calls if r.stops_now]
    if stopping:
        names = ", ".join(f"{_name(r)} (starts {r.stops_now})" for r in stopping)
        out += [f"**Stops now:** `pulumi up` stops {names} until its window opens.", ""]
    irreversible = [r for r in calls if r.irreversible]
    if irreversible:
        names = ", ".join(_name(r) for r in irreversible)
        out += [f"**Irreversible:** `pulumi up` completes {names}. A completed campaign never runs again.", ""]
    windows = any(r.schedule for r in calls)
    if summary.read_at and windows:
        out += [f"Windows read at {summary.read_at} (Altcraft's clock): what `pulumi up` would do then.", ""]
    if own:
        out += _table(["Campaign", "Change", "From", "To", "Why"], windows)
        out += [_cells([_name(r), _change(r), r.before, r.after, WHY[r.cause]], r, windows) for r in own]
        out.append("")
    if drift:
        out += ["#### Drift: changed in Altcraft outside the campaigns file", "", DRIFT_NOTE, ""]
        out += _table(["Campaign", "Change", "From", "To"], windows)
        out += [_cells([_name(r), _change(r), r.before, r.after], r, windows) for r in drift]
        out.append("")
    if windows:
        out += ["#### Windows", "", *gantt(calls, summary.read_at), ""]
    if kept:
        out += ["#### Drift kept: changed in Altcraft outside the campaigns file, left as it is", "", KEPT_NOTE, ""]
        out += ["| Campaign | State in Altcraft | The file says |", "|---|---|---|"]
        out += [f"| {_name(r)} | {r.before} | active: {'false' if r.before == 'active' else 'true'} |" for r in kept]
        out.append("")
    if quiet:
        out += ["No call to Altcraft for: " + "; ".join(f"{_name(r)} ({_quiet_why(r)})" for r in quiet), ""]
    if summary.notes:
        out += ["#### Notes", "", *(f"- {_visible(note)}" for note in summary.notes), ""]
    if summary.errors:
        out += ["#### The preview failed", "", *_code_block(summary.errors), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _table(headers: list[str], windows: bool) -> list[str]:
    headers = [*headers, "Window"] if windows else headers
    return ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]


def _cells(cells: list[str | None], row: Row, windows: bool) -> str:
    cells = [*cells, _window_text(row.schedule)] if windows else cells
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def _change(row: Row) -> str:
    if row.irreversible:
        return f"**{row.change} (irreversible)**"
    if row.stops_now:
        return f"**stops now**, {row.change} (starts {row.stops_now})"
    return row.change


def _window_text(schedule: dict[str, str] | None) -> str:
    words = {"active_from": "from", "active_until": "until", "complete_at": "completes"}
    return "<br>".join(f"{words[key]} {schedule[key]}" for key in TIME_KEYS if key in schedule) if schedule else ""


def gantt(rows: list[Row], read_at: str | None) -> list[str]:
    """The windows of `rows` as a Mermaid gantt chart (GitHub draws it in the comment).

    Times are shown in the offset the file used (the first charted time's offset; another offset
    is converted to it and the title says so): written without an offset, Mermaid shows them as
    they are in every reader's browser instead of converting to the reader's time zone.
    """
    charted = [(r, _schedule(r.schedule)) for r in rows if r.schedule]
    if not charted:
        return []
    zone = _zone(charted, read_at)
    title = f"Windows (times in UTC{_offset_text(zone)})"
    out = ["```mermaid", "gantt", f"    title {title}", "    dateFormat YYYY-MM-DD HH:mm:ss"]
    out += ["    axisFormat %d %b %H:%M", "    todayMarker off"]
    if read_at:
        out += ["    section this preview", f"    read the windows :milestone, {_at(read_at, zone)}, 0d"]
    for row, schedule in charted:
        out.append(f"    section {_mermaid_text(row)}")
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


def _zone(charted: list[tuple[Row, Schedule]], read_at: str | None) -> tzinfo | None:
    for _row, schedule in charted:
        for key in TIME_KEYS:
            moment = getattr(schedule, key)
            if moment is not None:
                return moment.tzinfo
    return parse_time(read_at).tzinfo if read_at else None


def _offset_text(zone: tzinfo | None) -> str:
    offset = format_time(datetime(2000, 1, 1, tzinfo=zone))[19:] if zone else "Z"
    return "" if offset == "Z" else offset


def _at(moment: datetime | str, zone: tzinfo | None) -> str:
    if isinstance(moment, str):
        try:
            moment = parse_time(moment)
        except TimeError:
            return moment
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def _mermaid_text(row: Row) -> str:
    """A section title Mermaid cannot read as syntax: letters, digits, spaces and a little punctuation."""
    name = re.sub(r"[^\w .,()+-]+", " ", _visible(row.name or ""))
    name = " ".join(name.split())[:60]
    return f"{row.campaign_id} {name}".strip()


def _headline(calls: list[Row], drift: list[Row]) -> str:
    """The calls `pulumi up` sends, counted as altcraft:maxChanges counts them (one per call)."""
    if not calls:
        return "no calls to Altcraft"
    counts: dict[str, int] = {}
    for row in calls:
        for method in row.calls or [row.change]:
            counts[method] = counts.get(method, 0) + 1
    total = sum(counts.values())
    text = f"{total} call{'s' if total > 1 else ''} ("
    text += ", ".join(f"{n} {method}" for method, n in sorted(counts.items())) + ")"
    if len(calls) != total:
        text += f" to {len(calls)} campaign{'s' if len(calls) > 1 else ''}"
    if drift:
        text += f"; {len(drift)} campaign{'s' if len(drift) > 1 else ''} back from drift"
    return text


def _quiet_why(row: Row) -> str:
    return {
        "adopt": "adopted as it is",
        "remove": "no longer managed, left as it is",
        "change": "settings only",
    }.get(row.cause, row.cause)


def to_json(summary: Summary) -> str:
    return json.dumps([asdict(row) for row in summary.rows], indent=2) + "\n"


def _name(row: Row) -> str:
    """The campaign as `18 `name``: a name is shown, never interpreted. Inside a code span, a live
    name's @mention pings nobody and its HTML, links and images do not render."""
    if not row.name:
        return str(row.campaign_id)
    text = _visible(row.name).replace("|", "\\|")  # a table cell ends at a bare |, even in code
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{row.campaign_id} {fence}{pad}{text}{pad}{fence}"


def _visible(text: str) -> str:
    """`text` without control, format (bidi overrides, zero-width) and separator characters."""
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c) not in _INVISIBLE)


_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _code_block(lines: list[str]) -> list[str]:
    text = "\n".join(_visible(line) for line in lines)
    fence = "`" * max(3, max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    return [fence, text, fence]
