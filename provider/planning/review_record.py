"""The run's decision as data: what every tool that reads a preview reads. No I/O.

The program logs it once per run, as one diagnostic line: RECORD_PREFIX, then compact JSON. The
lines a person reads ("campaign 18 Black Friday: inactive -> active (adopt)") are rendered from the
same objects, and nothing reads them back: names, editors and reasons are strings inside the JSON,
so no text Altcraft or a person typed can change what a row, a field or an edit says.

    {"version": 1,
     "review": "2026-11-28T09:00:00Z.5f1c9a2e",         the run's review id (provider.planning.plan)
     "stack": "production", "project": "altcraft-campaigns",   whose review it is
     "read_at": "2026-11-28T09:00:00Z" | null,          the moment windows and freezes were read at
     "changes": [{"campaign_id", "name", "before", "after", "cause", "calls": [...],
                  "schedule": {"active_from", ...}, "changed_by", "changed_at"}],   the calls sent
     "kept":    [{"campaign_id", "name", "state", "file_active", "changed_by", "changed_at"}],
     "left":    [{...as changes}],     applying a reviewed plan: what this run's review would have
                                       changed and the plan does not (left as it is)
     "risk": {"level": "high" | "normal", "reasons": [...]},
     "break_glass": "<reason>" | null,
     "notes": ["..."]}                 the program's warnings that are not calls
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from provider.altcraft.model import STATES
from provider.campaigns.schedule import KEYS as TIME_KEYS
from provider.campaigns.schedule import Schedule, TimeError, parse_time
from provider.planning.freezes import Risk
from provider.planning.lines import Edit, Kept, PlannedChange
from provider.planning.plan import MAX_CALLS, METHODS
from provider.planning.reconcile import CAUSES

RECORD_PREFIX = "altcraft-review/1 "
RECORD_VERSION = 1
# A record past this is not one the program wrote (5,000 changes take about 1.5 MB).
MAX_RECORD_CHARS = 32 * 1024 * 1024


class BadRecord(ValueError):
    """A line that starts like a review record but is not one this version writes."""


@dataclass(frozen=True)
class ReviewRecord:
    review: str
    stack: str
    project: str
    read_at: str | None
    changes: list[PlannedChange]
    kept: list[Kept] = field(default_factory=list)
    left: list[PlannedChange] = field(default_factory=list)
    risk: Risk | None = None
    break_glass: str | None = None
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        document = {
            "version": RECORD_VERSION,
            "review": self.review,
            "stack": self.stack,
            "project": self.project,
            "read_at": self.read_at,
            "changes": [_change(change) for change in self.changes],
            "kept": [_kept(kept) for kept in self.kept],
            "left": [_change(change) for change in self.left],
            "risk": {"level": self.risk.level, "reasons": list(self.risk.reasons)} if self.risk else None,
            "break_glass": self.break_glass,
            "notes": self.notes,
        }
        # ASCII only: a name's line breaks and direction marks travel as escapes, on one line.
        return RECORD_PREFIX + json.dumps(document, separators=(",", ":"), ensure_ascii=True)

    @classmethod
    def find(cls, lines: Sequence[str]) -> ReviewRecord | None:
        """The record among a preview's diagnostic lines; None when there is none; BadRecord for
        one that cannot be read (never half read)."""
        found = [line for line in lines if line.startswith(RECORD_PREFIX)]
        if not found:
            return None
        if len(found) > 1:
            raise BadRecord("the preview holds more than one review record")
        return cls.parse(found[0])

    @classmethod
    def parse(cls, line: str) -> ReviewRecord:
        if len(line) > MAX_RECORD_CHARS:
            raise BadRecord("the review record is too large")
        try:
            document = json.loads(line.removeprefix(RECORD_PREFIX))
        except (ValueError, RecursionError) as error:
            raise BadRecord(f"the review record is not JSON ({error})") from None
        try:
            return _record(document)
        except (KeyError, TypeError, ValueError, TimeError) as error:
            raise BadRecord(f"the review record is not one this version writes ({error})") from None


def _change(change: PlannedChange) -> dict[str, Any]:
    by, at = _edit(change.edit)
    return {
        "campaign_id": change.campaign_id,
        "name": change.name,
        "before": change.before,
        "after": change.after,
        "cause": change.cause,
        "calls": list(change.methods),
        "schedule": change.schedule.as_text(),
        "changed_by": by,
        "changed_at": at,
    }


def _kept(kept: Kept) -> dict[str, Any]:
    by, at = _edit(kept.edit)
    return {
        "campaign_id": kept.campaign_id,
        "name": kept.name,
        "state": kept.state,
        "file_active": kept.wanted,
        "changed_by": by,
        "changed_at": at,
    }


def _edit(edit: Edit | None) -> tuple[str | None, str | None]:
    return (edit.by, edit.at_text) if edit is not None else (None, None)


def _record(document: Any) -> ReviewRecord:
    if not isinstance(document, dict) or document.get("version") != RECORD_VERSION:
        raise ValueError("version")
    risk = document["risk"]
    if risk is not None:
        reasons = risk["reasons"]
        if risk["level"] not in ("high", "normal") or not isinstance(reasons, list):
            raise ValueError("risk")
        risk = Risk(risk["level"], tuple(_text(reason) for reason in reasons))
    return ReviewRecord(
        review=_text(document["review"]),
        stack=_text(document["stack"]),
        project=_text(document["project"]),
        read_at=_optional_text(document["read_at"]),
        changes=[_parse_change(item) for item in _list(document["changes"])],
        kept=[_parse_kept(item) for item in _list(document["kept"])],
        left=[_parse_change(item) for item in _list(document["left"])],
        risk=risk,
        break_glass=_optional_text(document["break_glass"]),
        notes=[_text(note) for note in _list(document["notes"])],
    )


def _parse_change(item: Any) -> PlannedChange:
    calls = tuple(_list(item["calls"]))
    if not 0 < len(calls) <= MAX_CALLS or any(call not in METHODS for call in calls):
        raise ValueError("calls")
    if item["before"] not in STATES or item["after"] not in STATES or item["cause"] not in CAUSES:
        raise ValueError("states or cause")
    schedule = item["schedule"]
    if not isinstance(schedule, dict) or set(schedule) - set(TIME_KEYS):
        raise ValueError("schedule")
    return PlannedChange(
        _id(item["campaign_id"]),
        _text(item["name"]),
        item["before"],
        item["after"],
        item["cause"],
        calls,
        Schedule.from_text({key: _text(value) for key, value in schedule.items()}),
        _parse_edit(item) if item["cause"] == "drift" else None,
    )


def _parse_kept(item: Any) -> Kept:
    if item["state"] not in STATES or not isinstance(item["file_active"], bool):
        raise ValueError("kept")
    return Kept(_id(item["campaign_id"]), _text(item["name"]), item["state"], item["file_active"], _parse_edit(item))


def _parse_edit(item: Any) -> Edit:
    at = _optional_text(item["changed_at"])
    return Edit(_optional_text(item["changed_by"]), _moment(at) if at is not None else None)


def _moment(text: str) -> datetime:
    moment = parse_time(text)
    if moment is None:
        raise ValueError("changed_at")
    return moment


def _id(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError("campaign_id")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("a text field")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("a list field")
    return value
