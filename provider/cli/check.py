"""`check`: a campaigns file validated alone, with no URL, token or network."""

from __future__ import annotations

from pathlib import Path

from provider.schedule import format_time
from provider.spec import CampaignSpec, load_campaigns


def check(path: Path, chosen_by: str | None = None) -> list[str]:
    """One line per entry with a window or a completion, then a verdict; raises SpecError."""
    specs = load_campaigns(path, chosen_by)
    lines = [
        f"{path}:{spec.line}: campaign {spec.id}: {lifecycle}"
        for spec in specs
        if (lifecycle := describe_lifecycle(spec))
    ]
    lines.append(f"{path}: {len(specs)} campaign(s), valid (checked without Altcraft: ids and names are not)")
    return lines


def describe_lifecycle(spec: CampaignSpec) -> str | None:
    """What a window or completion asks of Altcraft, in words; None for a plain entry."""
    if spec.completed:
        return "completed (irreversible)"
    if spec.scheduled_in_altcraft:
        return "left to the dates set in Altcraft (active: scheduled): no call is sent for it"
    start, end, complete = spec.schedule.active_from, spec.schedule.active_until, spec.schedule.complete_at
    if not (start or end or complete):
        return None
    steps = [f"waiting until {format_time(start)}, then active" if start else "active"]
    steps[-1] += f" until {format_time(end)}, then inactive" if end else ""
    steps += [f"completed at {format_time(complete)} (irreversible)"] if complete else []
    return ", ".join(steps)
