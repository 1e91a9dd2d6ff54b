"""A `Summary` as the pull-request comment: GitHub Markdown that tells the truth at any size.

The first line is the verdict: the preview failed and why, else the calls `pulumi up` sends (with
a warning first when the change releases most of the managed campaigns). Then one section per
kind of row, each headed with its count, its first rows in a table and the rest collapsed in a
`<details>` block, as many as fit. The whole comment stays under `MAX_COMMENT` characters
(GitHub refuses a comment over 65,536) and every line under `text.MAX_LINE`; rows that do not
fit are counted, their ids listed as ranges, and the reader is pointed to the full list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from provider.campaigns.schedule import KEYS as TIME_KEYS
from provider.cli.chart import gantt
from provider.cli.summary import Row, Summary
from provider.cli.text import MAX_LINE, code_block, code_span, cut
from provider.planning.lines import UNKNOWN, WINDOW_WORDS
from provider.planning.siblings import id_ranges

# Room to spare under GitHub's 65,536, for the stack's title the workflow adds above it.
MAX_COMMENT = 60_000
FIRST_ROWS = 20  # rows of each section shown before its collapsed block
MAX_ERRORS_CHARS = 12_000  # the failure's text, cut beyond (the preview's log has it whole)
MAX_NOTES = 20
MAX_NAMED = 10  # campaigns named in a one-line banner ("Irreversible: ... completes A, B and 3 more")
HEADLINE_REASON_CHARS = 200
DEFAULT_FULL_LIST = "`altcraft-campaigns summary --format json` over the same preview"

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
RELEASE_NOTE = (
    "They stay in Altcraft as they are, and no deploy manages them any more: nobody reviews their next change. "
    "An emptied or cut campaigns file does this. If the pull request does not mean it, restore the entries."
)


@dataclass
class _Section:
    """A titled table: its fixed lines, then rows (the first shown, the rest collapsed as they fit)."""

    title: str
    intro: list[str]
    header: list[str]
    rows: list[tuple[int, str]]  # (campaign id, the table row)
    shown: int = 0  # rows that fit in the comment, decided by _fit
    after: list[str] = field(default_factory=list)  # lines after the table (the chart)

    def lines(self, full_list: str) -> list[str]:
        out = [f"#### {self.title}", "", *self.intro]
        head, rest = self.rows[: min(self.shown, FIRST_ROWS)], self.rows[min(self.shown, FIRST_ROWS) : self.shown]
        if head:
            out += [*self.header, *(row for _id, row in head), ""]
        if rest:
            out += [f"<details><summary>{len(rest)} more</summary>", "", *self.header, *(row for _id, row in rest)]
            out += ["", "</details>", ""]
        missing = self.rows[self.shown :]
        if missing:
            ids = cut(id_ranges(campaign_id for campaign_id, _row in missing), MAX_LINE - 200)
            out += [f"{len(missing)} more, not shown to keep the comment within GitHub's limit: ids {ids}. "
                    f"The full list: {full_list}.", ""]  # fmt: skip
        return [*out, *self.after]

    def fixed_size(self, full_list: str) -> int:
        """The section's size with no row shown (the header and the 'more' lines counted)."""
        return len("\n".join(self.lines(full_list))) + len("\n".join(self.header)) * 2 + 200


def to_markdown(summary: Summary, full_list: str = DEFAULT_FULL_LIST) -> str:
    calls = [r for r in summary.rows if r.change != "none"]
    windows = any(r.schedule for r in calls)
    top = _verdict(summary, calls, windows)
    sections = _sections(summary.rows, windows)
    if windows:  # after the tables of calls, the last of them
        chart = ["#### Windows", "", *gantt(calls, summary.read_at), ""]
        with_calls = [section for section in sections if section.rows[0][0] in {r.campaign_id for r in calls}]
        (with_calls[-1].after if with_calls else top).extend(chart)
    bottom = _notes(summary.notes)
    _fit(sections, MAX_COMMENT - len("\n".join(top + bottom)) - 100, full_list)
    out = [*top, *(line for section in sections for line in section.lines(full_list)), *bottom]
    return "\n".join(out).rstrip("\n") + "\n"


def _verdict(summary: Summary, calls: list[Row], windows: bool) -> list[str]:
    """The headline, then what a reviewer must not miss: the failure, a mass release, stops, completions."""
    drift = [r for r in calls if r.cause == "drift"]
    releasing = _releasing_most(summary)
    top = [f"### Altcraft campaigns: {_headline(summary, calls, drift, releasing)}", ""]
    if summary.failed:
        top += ["**The preview failed, so `pulumi up` sends nothing.** Why:", "", *_errors(summary.errors), ""]
        if summary.rows:
            top += [f"What the preview reviewed before it failed: {_calls_text(calls, drift)}.", ""]
    if summary.break_glass is not None:
        reason = code_span(summary.break_glass, MAX_LINE - 100, in_table=False)
        top += [f"**Break-glass:** this run passes a change freeze, with the reason {reason}.", ""]
    if not summary.failed and summary.risk_line is not None:  # which approval `pulumi up` waits for
        risk = summary.risk
        reasons = "; ".join(risk.reasons)
        top += [f"**Risk: {risk.level}** ({code_span(reasons, MAX_LINE - 100, in_table=False)}).", ""]
    if releasing:
        released = len(summary.released)
        top += [f"**Releases {released} of the {summary.managed} managed campaigns.** {RELEASE_NOTE}", ""]
    stopping = [r for r in calls if r.stops_now]
    if stopping:
        names = _names([f"{campaign_cell(r)} (starts {r.stops_now})" for r in stopping])
        top += [f"**Stops now:** `pulumi up` stops {names} until its window opens.", ""]
    irreversible = [r for r in calls if r.irreversible]
    if irreversible:
        names = _names([campaign_cell(r) for r in irreversible])
        top += [f"**Irreversible:** `pulumi up` completes {names}. A completed campaign never runs again.", ""]
    if summary.read_at and windows:
        top += [f"Windows read at {summary.read_at} (Altcraft's clock): what `pulumi up` would do then.", ""]
    return top


def _sections(rows: list[Row], windows: bool) -> list[_Section]:
    """One section per kind of row, the calls first: the file's own, drift, kept drift, no call."""
    own = [r for r in rows if r.change != "none" and r.cause != "drift"]
    drift = [r for r in rows if r.change != "none" and r.cause == "drift"]
    kept = [r for r in rows if r.change == "none" and r.cause == "drift"]
    quiet = [r for r in rows if r.change == "none" and r.cause != "drift"]
    calls_header = ["Campaign", "Change", "From", "To"]
    sections = [
        _Section(
            f"From the campaigns file: {_count(own)}",
            [],
            _table([*calls_header, "Why"], windows),
            [
                (r.campaign_id, _cells([campaign_cell(r), _change(r), r.before, r.after, WHY[r.cause]], r, windows))
                for r in own
            ],
        ),
        _Section(
            f"Drift: changed in Altcraft outside the campaigns file: {_count(drift)}",
            [DRIFT_NOTE, ""],
            _table([*calls_header, "Changed in Altcraft by"], windows),
            [
                (r.campaign_id, _cells([campaign_cell(r), _change(r), r.before, r.after, _editor(r)], r, windows))
                for r in drift
            ],
        ),
        _Section(
            f"Drift kept: changed in Altcraft outside the campaigns file, left as it is: {_count(kept)}",
            [KEPT_NOTE, ""],
            ["| Campaign | State in Altcraft | The file says | Changed in Altcraft by |", "|---|---|---|---|"],
            [
                (
                    r.campaign_id,
                    f"| {campaign_cell(r)} | {r.before} | {_file_says(r)} | {_editor(r)} |",
                )
                for r in kept
            ],
        ),
        _Section(
            f"No call to Altcraft: {_count(quiet)}",
            [_by_reason(quiet), ""],
            ["| Campaign | State in Altcraft | Why no call |", "|---|---|---|"],
            [(r.campaign_id, f"| {campaign_cell(r)} | {r.before or ''} | {r.no_call or r.cause} |") for r in quiet],
        ),
    ]
    return [section for section in sections if section.rows]


def _notes(notes: list[str]) -> list[str]:
    if not notes:
        return []
    shown = [f"- {code_span(note, MAX_LINE - 20, in_table=False)}" for note in notes[:MAX_NOTES]]
    more = len(notes) - MAX_NOTES
    return ["#### Notes", "", *shown, *([f"- and {more} more (see the preview's log)"] if more > 0 else []), ""]


def _fit(sections: list[_Section], budget: int, full_list: str) -> None:
    """Decide how many rows each section shows: first rows everywhere, then the rest in order."""
    budget -= sum(section.fixed_size(full_list) for section in sections)
    for limit in (FIRST_ROWS, None):
        for section in sections:
            end = len(section.rows) if limit is None else min(limit, len(section.rows))
            while section.shown < end and len(section.rows[section.shown][1]) + 1 <= budget:
                budget -= len(section.rows[section.shown][1]) + 1
                section.shown += 1


def _headline(summary: Summary, calls: list[Row], drift: list[Row], releasing: bool) -> str:
    if summary.failed:
        return f"the preview FAILED: {code_span(_first_reason(summary.errors), HEADLINE_REASON_CHARS, in_table=False)}"
    text = _calls_text(calls, drift)
    if releasing:
        return f"WARNING: releases {len(summary.released)} of {summary.managed} managed campaigns; {text}"
    return text


def _first_reason(errors: list[str]) -> str:
    """The first error's first line; with the line after it when that one only introduces a list
    ("campaigns.yaml: 2 problems, nothing was sent to Altcraft:"), so the headline names a reason."""
    lines = [line.strip() for line in (errors[0] if errors else "see the preview's log").strip().splitlines()]
    return f"{lines[0]} {lines[1]}" if lines[0].endswith(":") and len(lines) > 1 else lines[0]


def _calls_text(calls: list[Row], drift: list[Row]) -> str:
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
        text += f" to {_count(calls)}"
    if drift:
        text += f"; {_count(drift)} back from drift"
    return text


def _releasing_most(summary: Summary) -> bool:
    """More than half of the campaigns the last deploy managed leave management in this change."""
    return bool(summary.managed) and 2 * len(summary.released) > (summary.managed or 0)


def _errors(errors: list[str]) -> list[str]:
    """The errors in a fenced block, line by line up to MAX_ERRORS_CHARS, then how many lines are left."""
    lines = [line for error in errors for line in error.strip().splitlines()]
    kept, size = [], 0
    for line in lines:
        if size + len(line) > MAX_ERRORS_CHARS:
            kept.append(f"... and {len(lines) - len(kept)} more lines (the preview's log has them all)")
            break
        kept.append(line)
        size += len(line) + 1
    return code_block(kept)


def _by_reason(rows: list[Row]) -> str:
    counts: dict[str, int] = {}
    for row in rows:
        why = row.no_call or row.cause
        counts[why] = counts.get(why, 0) + 1
    return "; ".join(f"{n} {why}" for why, n in counts.items()) + "."


def _count(rows: list[Row]) -> str:
    return f"{len(rows)} campaign{'s' if len(rows) != 1 else ''}"


def _names(names: list[str]) -> str:
    more = len(names) - MAX_NAMED
    return ", ".join(names[:MAX_NAMED]) + (f" and {more} more" if more > 0 else "")


def _table(headers: list[str], windows: bool) -> list[str]:
    headers = [*headers, "Window"] if windows else headers
    return ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]


def _cells(cells: list[str | None], row: Row, windows: bool) -> str:
    cells = [*cells, _window_text(row.schedule)] if windows else cells
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def _editor(row: Row) -> str:
    """Who changed a drifted campaign in Altcraft, and when: `j.smith` at 2026-11-28T10:02:31Z."""
    by = code_span(row.changed_by) if row.changed_by else UNKNOWN
    return f"{by} at {row.changed_at or UNKNOWN}"


def _change(row: Row) -> str:
    if row.irreversible:
        return f"**{row.change} (irreversible)**"
    if row.stops_now:
        return f"**stops now**, {row.change} (starts {row.stops_now})"
    return row.change


def _window_text(schedule: dict[str, str] | None) -> str:
    return (
        "<br>".join(f"{WINDOW_WORDS[key]} {schedule[key]}" for key in TIME_KEYS if key in schedule) if schedule else ""
    )


def _file_says(row: Row) -> str:
    """What the review read in the file for a kept drift row (never guessed from the live state)."""
    return "unknown" if row.file_active is None else f"active: {str(row.file_active).lower()}"


def campaign_cell(row: Row) -> str:
    """The campaign as `18 `name``: a name is shown, never interpreted (provider.cli.text)."""
    return f"{row.campaign_id} {code_span(row.name)}" if row.name else str(row.campaign_id)
