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
from dataclasses import asdict, dataclass
from typing import Any

from provider.deployment import CAMPAIGN_TYPE
from provider.review import Kept, Write, printable

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
    change: str  # activate, deactivate, or none (no call to Altcraft)
    before: str | None  # live state now; None where the preview does not know it
    after: str | None
    cause: str  # adopt, change, drift, remove


@dataclass(frozen=True)
class Summary:
    rows: list[Row]  # sorted by campaign id
    errors: list[str]  # the preview's error messages


def summarize(preview: dict[str, Any]) -> Summary:
    diagnostics = preview.get("diagnostics") or []
    rows: dict[int, Row] = {}  # the preview's lines first; steps without one add a no-call row
    for diagnostic in diagnostics:
        for line in str(diagnostic.get("message", "")).splitlines():
            write, kept = Write.parse(line), Kept.parse(line)
            if write is not None:
                rows[write.campaign_id] = Row(
                    write.campaign_id, write.name or None, write.action, write.before, write.after, write.cause
                )
            elif kept is not None:  # drift, and no call: `drift: keep` leaves it
                name, state = kept.name or None, kept.state
                rows[kept.campaign_id] = Row(kept.campaign_id, name, "none", state, state, "drift")
    for step in preview.get("steps") or []:
        row = _no_call_row(step)
        if row is not None and row.campaign_id not in rows:
            rows[row.campaign_id] = row
    errors = [str(d.get("message", "")).strip() for d in diagnostics if d.get("severity") == "error"]
    return Summary(sorted(rows.values(), key=lambda r: r.campaign_id), errors)


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
    if own:
        out += ["| Campaign | Change | From | To | Why |", "|---|---|---|---|---|"]
        out += [f"| {_name(r)} | {r.change} | {r.before} | {r.after} | {WHY[r.cause]} |" for r in own]
        out.append("")
    if drift:
        out += ["#### Drift: changed in Altcraft outside the campaigns file", "", DRIFT_NOTE, ""]
        out += ["| Campaign | Change | From | To |", "|---|---|---|---|"]
        out += [f"| {_name(r)} | {r.change} | {r.before} | {r.after} |" for r in drift]
        out.append("")
    if kept:
        out += ["#### Drift kept: changed in Altcraft outside the campaigns file, left as it is", "", KEPT_NOTE, ""]
        out += ["| Campaign | State in Altcraft | The file says |", "|---|---|---|"]
        out += [f"| {_name(r)} | {r.before} | active: {'false' if r.before == 'active' else 'true'} |" for r in kept]
        out.append("")
    if quiet:
        out += ["No call to Altcraft for: " + "; ".join(f"{_name(r)} ({_quiet_why(r)})" for r in quiet), ""]
    if summary.errors:
        out += ["#### The preview failed", "", *_code_block(summary.errors), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _headline(calls: list[Row], drift: list[Row]) -> str:
    if not calls:
        return "no calls to Altcraft"
    counts: dict[str, int] = {}
    for row in calls:
        counts[row.change] = counts.get(row.change, 0) + 1
    text = ", ".join(f"{n} {change}" for change, n in sorted(counts.items()))
    if drift:
        text += f"; {len(drift)} of them {'undoes' if len(drift) == 1 else 'undo'} drift"
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
