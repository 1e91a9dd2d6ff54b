"""`check`: a campaigns file validated alone, with no URL, token or network.

It runs the program's own loader (`provider.campaigns.loader`) and says what the preview would say about the
file alone: every problem with its line, and the same warning for a window that is already over
(`provider.planning.review.ended_note`), read by this machine's clock since there is no Altcraft to ask.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from provider.altcraft.clock import machine_now
from provider.campaigns.loader import CampaignSpec, load_campaigns, missing_name_guards
from provider.campaigns.schedule import format_time
from provider.errors import SpecError
from provider.planning.lines import who
from provider.planning.review import ended_note


def check(
    path: Path,
    chosen_by: str | None = None,
    now: Callable[[], datetime] = machine_now,
    name_guards: tuple[str, str] | None = None,
) -> list[str]:
    """One line per entry with a window or a completion, warnings, then a verdict; raises SpecError.
    `name_guards`: (stack, the setting that requires them) when every entry needs `name:`, as the
    program refuses the file then."""
    specs = load_campaigns(path, chosen_by)
    unguarded = missing_name_guards(specs, *name_guards) if name_guards else []
    if unguarded:
        raise SpecError(str(path), unguarded)
    lines = [
        f"{path}:{spec.line}: campaign {spec.id}: {lifecycle}"
        for spec in specs
        if (lifecycle := describe_lifecycle(spec))
    ]
    moment = now()
    ended = [spec for spec in specs if spec.schedule.ended(moment) and not spec.completed]
    lines += [
        f"{path}:{spec.line}: warning: {ended_note(who(spec.id, spec.name or ''), spec.schedule, moment, 'now')}"
        for spec in ended
    ]
    warned = f", {len(ended)} warning(s)" if ended else ""
    lines.append(f"{path}: {len(specs)} campaign(s), valid{warned} (checked without Altcraft: ids and names are not)")
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
