"""`pulumi preview --json` -> what a reviewer needs: campaign, change, from, to.

Reads only the steps of our campaign resources; everything else (the stack, refresh steps,
unchanged campaigns) is left out. Markdown for a pull-request comment, JSON for bots.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

CAMPAIGN_TYPE = "pulumi-python:dynamic/altcraft:Campaign"
SHOWN_OPS = ("create", "update", "replace", "delete", "create-replacement", "delete-replaced")


@dataclass(frozen=True)
class Change:
    campaign_id: int | None
    name: str | None
    change: str  # activate, deactivate, adopt, release, settings
    before: str  # live state before, as far as the preview knows it
    after: str  # state afterwards

    @property
    def label(self) -> str:
        ident = f"{self.campaign_id}" if self.campaign_id is not None else "?"
        return f"{ident} {self.name}" if self.name else ident


def changes(preview: dict[str, Any]) -> list[Change]:
    found = []
    for step in preview.get("steps") or []:
        if step.get("op") not in SHOWN_OPS:
            continue
        old, new = step.get("oldState") or {}, step.get("newState") or {}
        if CAMPAIGN_TYPE not in (old.get("type"), new.get("type")):
            continue
        found.append(_change(step["op"], old.get("outputs") or {}, new.get("inputs") or {}, step.get("urn", "")))
    return sorted(found, key=lambda c: (c.campaign_id or 0, c.change))


def _change(op: str, live: dict[str, Any], desired: dict[str, Any], urn: str) -> Change:
    campaign_id = _id(live.get("campaign_id") or desired.get("campaign_id"), urn)
    name = live.get("name") or desired.get("expected_name")
    before = live.get("state") or "unknown until adopted"
    if op in ("delete", "delete-replaced"):
        on_remove = live.get("on_remove") or "retain"
        if on_remove == "deactivate" and live.get("state") == "active":
            return Change(campaign_id, name, "release (on_remove: deactivate)", before, "inactive")
        return Change(campaign_id, name, f"release (on_remove: {on_remove})", before, before)
    wanted = "active" if desired.get("active") else "not active"
    if op == "create":
        return Change(campaign_id, name, "adopt", before, wanted)
    if bool(live.get("active")) != bool(desired.get("active")):
        if desired.get("active"):
            return Change(campaign_id, name, "activate", before, "active")
        return Change(campaign_id, name, "deactivate", before, "inactive")
    return Change(campaign_id, name, "settings only", before, before)


def _id(value: Any, urn: str) -> int | None:
    if isinstance(value, int | float):
        return int(value)
    tail = urn.rsplit("::campaign-", 1)
    return int(tail[1]) if len(tail) == 2 and tail[1].isdigit() else None


def to_markdown(found: list[Change]) -> str:
    if not found:
        return "### Altcraft campaigns\n\nNo campaign changes.\n"
    counts: dict[str, int] = {}
    for change in found:
        key = change.change.split(" ")[0]
        counts[key] = counts.get(key, 0) + 1
    headline = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    rows = [f"### Altcraft campaigns: {headline}", "", "| Campaign | Change | From | To |", "|---|---|---|---|"]
    for change in found:
        rows.append(f"| {_cell(change.label)} | {change.change} | {change.before} | {change.after} |")
    return "\n".join(rows) + "\n"


def to_json(found: list[Change]) -> str:
    return json.dumps([asdict(change) for change in found], indent=2) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
