"""A preview -> what a reviewer needs: did it fail and why, then per campaign change, from, to, why.

The calls come from the run's review record (`provider.planning.review_record`), the data the
program logs once per run, never from its human lines: a row says exactly what the run decided,
and no name, editor or reason can change it. Drift is set apart from the pull request's own
changes. Campaign steps that send no call (an entry adopted as it is, an entry released, a guard
edited) are rows too. A preview that failed sends nothing, whatever its error lists; a preview
without a record (an older program) has no call rows and is rated high.

`provider.cli.comment` writes this as Markdown for the pull request; `to_json` as the documented
object for bots (`FORMAT_VERSION`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Literal

from provider.cli.preview_output import GENERIC_FAILURE, STREAMING_ENV, PolicyViolation, PreviewOutput, Step
from provider.errors import UserFacingError
from provider.planning.freezes import Risk
from provider.planning.lines import Edit, Kept, PlannedChange, one_line
from provider.planning.record import CAMPAIGN_TYPE, campaign_id_of, intent_of, name_of, number
from provider.planning.review_record import BadRecord, ReviewRecord

# The JSON output's version: bumped when a field changes meaning or goes; new fields keep it.
FORMAT_VERSION = 1
STEP_CAUSE = {"create": "adopt", "delete": "remove", "update": "change", "replace": "change"}
# Why a campaign step sends no call, by its cause (a change that sends none: see _no_call_row).
NO_CALL = {
    "adopt": "adopted as it is",
    "remove": "released: no longer managed, left as it is in Altcraft",
    "change": "settings only (name guard, on_remove, drift, protect)",
    "drift": "drift kept (drift: keep)",
}
ALREADY_SO = "already as the file now says in Altcraft (by hand, or by an interrupted `pulumi up`)"
UNEXPLAINED = (
    f"{GENERIC_FAILURE}, and `pulumi preview --json` does not say why\n"
    f"(it carries no policy violations): run the preview with {STREAMING_ENV}=1, as the example workflow does, "
    "and pass that output, or read the preview's log"
)
UNFINISHED = "the preview's output ends before the engine's summary: the preview did not finish (see its log)"


@dataclass(frozen=True)
class Row:
    """One campaign in the review; the JSON output's `rows` are these fields."""

    campaign_id: int
    name: str | None  # the live name; None where the preview does not show it
    change: str  # activate, deactivate, schedule, reschedule, complete, or none (no call to Altcraft)
    before: str | None  # live state now; None where the preview does not know it
    after: str | None  # the state once `pulumi up` is done
    cause: str  # adopt (new entry), change (the file changed), drift (Altcraft changed), remove
    schedule: dict[str, str] | None = None  # active_from, active_until, complete_at as the file wrote them
    irreversible: bool = False  # completes the campaign now
    calls: list[str] = field(default_factory=list)  # the calls in order: activate, deactivate, completed
    stops_now: str | None = None  # a running campaign stopped now to wait for its window: when it starts
    no_call: str | None = None  # change none: why no call is needed (adopted as it is, released, ...)
    # Drift: who last changed the campaign in Altcraft (its `updated_user`) and when (RFC 3339); None
    # for other rows, and where Altcraft does not say.
    changed_by: str | None = None
    changed_at: str | None = None
    # Kept drift: what the file asks (`active`), as the review read it; None for other rows.
    file_active: bool | None = None


@dataclass(frozen=True)
class Summary:
    rows: list[Row]  # sorted by campaign id
    errors: list[str]  # why the preview failed: its errors, then mandatory policy violations
    notes: list[str] = field(default_factory=list)  # warnings that are not calls, advisory policies
    read_at: str | None = None  # when the preview read the windows (Altcraft's clock)
    failed: bool = False
    managed: int | None = None  # campaigns managed at the last deploy (the stack's output), if shown
    risk_line: Risk | None = None  # the program's verdict (provider.planning.freezes), if it got that far
    break_glass: str | None = None  # the reason this run passes a freeze, if it does
    stack: str | None = None  # whose preview it is (the review record's), if it says
    project: str | None = None

    @property
    def risk(self) -> Risk:
        """`high` or `normal`, and why. A preview that failed or never said is high: a plan nobody
        could rate gets the stricter approval."""
        if self.failed or self.risk_line is None:
            why = "the preview failed" if self.failed else "the preview carries no review record (an older program?)"
            return Risk("high", (why,))
        return self.risk_line

    @property
    def status(self) -> Literal["ok", "failed"]:
        return "failed" if self.failed else "ok"

    @property
    def released(self) -> list[Row]:
        """Campaigns this change stops managing (with or without a call on the way out)."""
        return [row for row in self.rows if row.cause == "remove"]


def summarize(preview: PreviewOutput) -> Summary:
    record = _record(preview)
    rows: dict[int, Row] = {}  # the record's calls first; steps without one add a no-call row
    if record is not None:
        rows.update((change.campaign_id, _row(change)) for change in record.changes)
        rows.update((kept.campaign_id, _kept_row(kept)) for kept in record.kept if kept.campaign_id not in rows)
    errors = _errors(preview)
    for step in preview.steps:
        if any(step.urn in error for error in errors):
            continue  # the step the engine refused (a protected delete): it will not happen
        row = _no_call_row(step)
        if row is not None and row.campaign_id not in rows:
            rows[row.campaign_id] = row
    notes = list(record.notes) if record is not None else []
    notes += [_violation(v) for v in preview.violations if v.level != "mandatory"]
    return Summary(
        sorted(rows.values(), key=lambda r: r.campaign_id),
        errors,
        notes,
        record.read_at if record is not None else None,
        failed=bool(errors),
        managed=_managed(preview.steps),
        risk_line=record.risk if record is not None else None,
        break_glass=record.break_glass if record is not None else None,
        stack=record.stack if record is not None else None,
        project=record.project if record is not None else None,
    )


def _record(preview: PreviewOutput) -> ReviewRecord | None:
    """The run's review record, from the program's info lines (an error's text is never one)."""
    lines = [
        line
        for diagnostic in preview.diagnostics
        if diagnostic.severity == "info"
        for line in diagnostic.message.splitlines()
    ]
    try:
        return ReviewRecord.find(lines)
    except BadRecord as error:
        raise UserFacingError(f"the preview's review record cannot be read: {error}") from None


def _kept_row(kept: Kept) -> Row:
    """Drift, and no call: `drift: keep` leaves it."""
    by, at = _edit(kept.edit)
    return Row(
        kept.campaign_id, kept.name or None, "none", kept.state, kept.state, "drift", no_call=NO_CALL["drift"],
        changed_by=by, changed_at=at, file_active=kept.wanted,
    )  # fmt: skip


def _errors(preview: PreviewOutput) -> list[str]:
    """Why the preview failed, most specific first; [] when it did not."""
    errors = [d.message.strip() for d in preview.diagnostics if d.severity == "error" and d.message.strip()]
    errors += [_violation(v) for v in preview.violations if v.level == "mandatory"]
    specific = [error for error in errors if error != GENERIC_FAILURE]
    if specific:
        return specific
    if preview.streamed and not preview.finished:
        return [UNFINISHED]
    if errors or preview.engine_failed:
        return [UNEXPLAINED if not preview.streamed else f"{GENERIC_FAILURE} (see its log)"]
    return []


def _violation(violation: PolicyViolation) -> str:
    text = " ".join(violation.message.split())
    return f"policy {violation.policy} ({violation.level}), {violation.resource}: {text}"


def _row(change: PlannedChange) -> Row:
    window, name = change.schedule.as_text() or None, change.name or None
    return Row(
        change.campaign_id,
        name,
        change.change,
        change.before,
        change.after,
        change.cause,
        window,
        change.irreversible,
        list(change.methods),
        change.stops_now,
        changed_by=_edit(change.edit)[0],
        changed_at=_edit(change.edit)[1],
    )


def _edit(edit: Edit | None) -> tuple[str | None, str | None]:
    return (edit.by, edit.at_text) if edit is not None else (None, None)


def _no_call_row(step: Step) -> Row | None:
    """A campaign step the preview printed no call for: it changes what is managed, not Altcraft."""
    cause = STEP_CAUSE.get(step.op)
    if cause is None or CAMPAIGN_TYPE not in (step.old.get("type"), step.new.get("type")):
        return None
    outputs, inputs = step.old.get("outputs") or {}, step.new.get("inputs") or {}
    campaign_id = number(outputs.get("campaign_id") or inputs.get("campaign_id")) or campaign_id_of(step.urn)
    if campaign_id is None:
        return None
    guard = inputs.get("expected_name")
    name = name_of(outputs) or (guard if isinstance(guard, str) else None)
    state = outputs.get("state")  # a new entry's live state is not in the preview's JSON
    why = NO_CALL[cause]
    if cause == "change" and intent_of(outputs) != intent_of(inputs):
        why = ALREADY_SO  # the file's ask changed, and Altcraft already shows it: nothing to send
    return Row(campaign_id, one_line(name) if name else None, "none", state, state, cause, no_call=why)


def _managed(steps: list[Step]) -> int | None:
    """How many campaigns the last deploy managed: the stack's recorded output `campaigns.managed`."""
    for step in steps:
        if step.old.get("type") == "pulumi:pulumi:Stack":
            campaigns = (step.old.get("outputs") or {}).get("campaigns")
            managed = campaigns.get("managed") if isinstance(campaigns, dict) else None
            return managed if isinstance(managed, int) and not isinstance(managed, bool) else None
    return None


def to_json(summary: Summary) -> str:
    """The bots' contract: {version, status, risk, risk_reasons, break_glass, errors, notes, rows}
    (docs/pull-request-workflow.md, its JSON)."""
    document = {
        "version": FORMAT_VERSION,
        "status": summary.status,
        "risk": summary.risk.level,
        "risk_reasons": list(summary.risk.reasons),
        "break_glass": summary.break_glass,
        "errors": summary.errors,
        "notes": summary.notes,
        "rows": [asdict(row) for row in summary.rows],
    }
    return json.dumps(document, indent=2) + "\n"
