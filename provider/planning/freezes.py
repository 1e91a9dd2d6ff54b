"""Change freezes, break-glass and the plan's risk: what a run may send, and how closely to review it. No I/O.

A freeze (`altcraft:freezes`) is a named period in which `pulumi preview` and `pulumi up` refuse
every call but a deactivation: an emergency stop is always allowed. A run may pass a freeze only
with a reason (ALTCRAFT_BREAK_GLASS), which the preview prints and the ledger keeps with every
call it let through. Periods and the run's time are instants: offsets and daylight-saving changes
cannot move them. The time is the run's trusted clock (provider.altcraft.clock), as for windows.

The risk of a plan (`high` or `normal`) says which approval it needs: `high` when it holds an
irreversible call, passes a freeze, or sends more than `altcraft:reviewChanges` calls.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from provider.altcraft.clock import duration
from provider.campaigns.schedule import TimeError, format_time, parse_time
from provider.errors import SettingsError
from provider.planning.lines import PlannedChange, one_line, who

# A preview that would send what a freeze refuses says so when the freeze begins this soon: a pull
# request reviewed over a weekend may be deployed inside it.
FREEZE_WARNING = timedelta(days=3)
# A reason longer than this is cut in the lines and the ledger (it is kept with every call).
BREAK_GLASS_MAX = 200
# The one call a freeze allows.
ALLOWED_IN_FREEZE = ("deactivate",)


@dataclass(frozen=True)
class Freeze:
    name: str
    start: datetime  # aware; compared as instants
    end: datetime

    def covers(self, now: datetime) -> bool:
        return self.start <= now < self.end

    def describe(self) -> str:
        return f'freeze "{self.name}" ({format_time(self.start)} to {format_time(self.end)})'


def parse_freezes(raw: str | None, key: str) -> list[Freeze]:
    """`altcraft:freezes` as freezes; SettingsError naming `key` and the period for anything else."""
    if raw is None or not raw.strip():
        return []
    example = '[{"name": "Black Friday", "from": "2026-11-27T00:00:00+03:00", "until": "2026-12-01T00:00:00+03:00"}]'
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise SettingsError(
            f"{key} is not JSON ({error.msg} at character {error.pos}); write it like {example}"
        ) from None
    if not isinstance(data, list):
        raise SettingsError(f"{key} must be a JSON list of periods, like {example}")
    freezes, problems = [], []
    for number, period in enumerate(data, start=1):
        where = f"{key}, period {number}"
        if not isinstance(period, dict) or set(period) - {"name", "from", "until"}:
            problems.append(f"{where}: must be an object with name, from and until, and nothing else")
            continue
        name = period.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}: needs a name (a non-empty string)")
            continue
        where = f'{key}, period {number} "{one_line(name)}"'
        times = {}
        for field in ("from", "until"):
            value = period.get(field)
            try:
                times[field] = parse_time(value) if isinstance(value, str) else None
            except TimeError as error:
                problems.append(f"{where}: {field}: {error}")
                continue
            if times[field] is None:
                problems.append(f"{where}: {field} is missing (an RFC 3339 time with its offset)")
        if times.get("from") and times.get("until"):
            if times["until"] <= times["from"]:
                problems.append(f"{where}: until ({period['until']}) is not after from ({period['from']})")
            else:
                freezes.append(Freeze(one_line(name.strip()), times["from"], times["until"]))
    if problems:
        raise SettingsError("; ".join(problems))
    return freezes


def break_glass_reason(raw: str | None, env: str) -> str | None:
    """The reason a run passes a freeze; set but blank is refused (there is no silent bypass)."""
    if raw is None:
        return None
    reason = one_line(" ".join(raw.split()))  # blanks and line breaks as one space; other controls escaped
    if not reason:
        raise SettingsError(f'{env} is set but empty: a run passes a freeze only with a reason, e.g. {env}="..."')
    return reason if len(reason) <= BREAK_GLASS_MAX else reason[: BREAK_GLASS_MAX - 1] + "…"


def allowed_in_freeze(change: PlannedChange) -> bool:
    return change.methods == ALLOWED_IN_FREEZE


def current(freezes: Iterable[Freeze], now: datetime) -> Freeze | None:
    """The freeze on at `now`; of several, the one that ends last (what the message must name)."""
    on = [freeze for freeze in freezes if freeze.covers(now)]
    return max(on, key=lambda freeze: freeze.end) if on else None


def upcoming(freezes: Iterable[Freeze], now: datetime, within: timedelta = FREEZE_WARNING) -> Freeze | None:
    starting = [freeze for freeze in freezes if now < freeze.start <= now + within]
    return min(starting, key=lambda freeze: freeze.start) if starting else None


def refused(changes: Sequence[PlannedChange]) -> list[PlannedChange]:
    return [change for change in changes if not allowed_in_freeze(change)]


def freeze_refusal(freeze: Freeze, blocked: Sequence[PlannedChange], now: datetime, env: str, shown: int = 20) -> str:
    """Why the run is refused: the freeze, when it ends, each campaign refused, and the way past it."""
    lines = [f"{change.line()}" for change in blocked[:shown]]
    lines += [f"... and {len(blocked) - shown} more"] if len(blocked) > shown else []
    return (
        f"{freeze.describe()} is on: it ends in {duration(freeze.end - now)}. During a freeze only deactivations are "
        f"sent; {len(blocked)} planned change{'s' if len(blocked) != 1 else ''} would send something else:\n"
        + "\n".join(lines)
        + f"\nNothing was sent to Altcraft. Deploy after {format_time(freeze.end)}, or, for an emergency, pass the "
        f'freeze for one run with a reason: {env}="<why>" (it is printed in the preview and kept with every call)'
        + _keeping_drift(blocked)
    )


def _keeping_drift(blocked: Sequence[PlannedChange]) -> str:
    """For changes that only put back what someone changed in Altcraft: the ways that send nothing."""
    drifted = [change for change in blocked if change.cause == "drift"]
    if not drifted:
        return ""
    return (
        f". To keep what Altcraft has now for {_campaigns(drifted)} (changed there, not in the file), which sends "
        "nothing and so passes the freeze: write it into the file (`altcraft-campaigns adopt-drift`) or set "
        "`drift: keep` on the entry"
    )


def upcoming_note(freeze: Freeze, blocked: Sequence[PlannedChange], now: datetime) -> str:
    """A preview's warning: deployed once the freeze has begun, these changes would be refused."""
    return (
        f"{freeze.describe()} begins in {duration(freeze.start - now)}: a `pulumi up` after "
        f"{format_time(freeze.start)} refuses {len(blocked)} of these changes ({_campaigns(blocked)}): only "
        "deactivations are sent during a freeze"
    )


def _campaigns(changes: Sequence[PlannedChange], shown: int = 10) -> str:
    """`campaign 18`, `campaigns 18, 19, ...`: the ids of a short list, the first `shown` of a long one."""
    ids = ", ".join(str(change.campaign_id) for change in changes[:shown]) + (", ..." if len(changes) > shown else "")
    return f"campaign{'s' if len(changes) > 1 else ''} {ids}"


# -- the lines a run logs (the review record carries the same as data) ----------------------------------------

BREAK_GLASS_LINE = 'break-glass: "{reason}" passes {freeze} for {count} call{s}'
# The reasons as a JSON list in the line: they quote campaign and freeze names, which may hold any
# separator. Tools read them from the review record (provider.planning.review_record), not the line.
NO_RISK = "no irreversible call, no freeze passed, {calls} of at most {limit} calls"


@dataclass(frozen=True)
class Risk:
    level: str  # high or normal
    reasons: tuple[str, ...]  # why high; for normal, one line saying what it is not

    def line(self) -> str:
        """`risk: high ["irreversible: campaign 21 Spring collection completes"]`"""
        return f"risk: {self.level} {json.dumps(list(self.reasons), ensure_ascii=False)}"


def risk_of(changes: Sequence[PlannedChange], passed: Freeze | None, calls: int, limit: int, limit_key: str) -> Risk:
    reasons = [f"irreversible: {who(c.campaign_id, c.name)} completes" for c in changes if c.irreversible][:3]
    irreversible = sum(1 for change in changes if change.irreversible)
    if irreversible > 3:
        reasons.append(f"and {irreversible - 3} more irreversible")
    if passed is not None:
        reasons.append(f"passes {passed.describe()} (break-glass)")
    if calls > limit:
        reasons.append(f"{calls} calls, more than {limit} ({limit_key})")
    if reasons:
        return Risk("high", tuple(reasons))
    return Risk("normal", (NO_RISK.format(calls=calls, limit=limit),))


def break_glass_line(reason: str, freeze: Freeze, count: int) -> str:
    return BREAK_GLASS_LINE.format(reason=reason, freeze=freeze.describe(), count=count, s="s" if count != 1 else "")
