"""A preview's review record, as the program logs it, for tests that build previews by hand."""

from __future__ import annotations

from collections.abc import Iterable

from provider.planning.freezes import Risk
from provider.planning.lines import Kept, PlannedChange
from provider.planning.review_record import ReviewRecord

REVIEW = "2026-11-28T09:00:00.000Z.00000000"


def record_diagnostic(
    changes: Iterable[PlannedChange] = (),
    kept: Iterable[Kept] = (),
    *,
    risk: Risk | None = None,
    break_glass: str | None = None,
    notes: Iterable[str] = (),
    read_at: str | None = None,
    stack: str = "production",
    project: str = "altcraft-campaigns",
) -> dict:
    """The diagnostic a preview's JSON holds for the program's review record."""
    record = ReviewRecord(
        REVIEW, stack, project, read_at, list(changes), list(kept), [], risk, break_glass, list(notes)
    )
    return {"message": record.line() + "\n", "severity": "info"}
