"""`history`: who changed a campaign, when and why, from the stack's ledger and Pulumi's update history.

Two records, joined by time, both kept by every Pulumi backend:

- the **ledger** on each campaign's resource (`provider.planning.record`, `changes`): one entry per
  deploy that sent calls for it, newest first: when, the calls, the cause (adopt, change, drift),
  the state before and after, and for drift who had changed it in Altcraft and when; and the one
  on each removal record (`provider.planning.removals`), which keeps a removed campaign's deploys
  and its removals;
- **Pulumi's update history** (`pulumi stack history --json`): each update's number, start and end,
  message, and the git and CI metadata the CLI collects (commit, author, branch, CI run, pull
  request).

An entry belongs to the update that was running when it was written. No call to Altcraft.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from provider.planning.lines import Edit, one_line
from provider.planning.record import CAMPAIGN_TYPE, SEEN, LedgerEntry, entry_at, ledger_of, name_of, number
from provider.planning.removals import REMOVAL_TYPE, REMOVED_KEY

# The update history gives whole seconds: an entry written in the update's last second is still its own.
_SLACK = timedelta(seconds=1)
# The JSON output's version: bumped when a field changes meaning or goes; new fields keep it.
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Update:
    """One `pulumi up` (or `pulumi refresh`) as Pulumi's update history records it."""

    number: int  # Pulumi's update version; counted from the oldest where the backend gives none
    start: datetime
    end: datetime
    message: str | None
    commit: str | None  # git.head
    author: str | None  # git.author
    pull_request: str | None  # ci.pr.number
    run_url: str | None  # ci.build.url


@dataclass(frozen=True)
class Event:
    """One deploy's calls for one campaign; the JSON output's `events` are these fields."""

    at: str  # RFC 3339, UTC
    sent: list[str]
    cause: str  # adopt, change, drift, remove (a deploy); seen (a refresh found it changed in Altcraft)
    before: str | None  # None: Altcraft was not asked (a removal with on_remove: retain, or of a
    after: str | None  # campaign deleted in Altcraft)
    altcraft_by: str | None  # drift: who had changed the campaign in Altcraft
    altcraft_at: str | None
    break_glass: str | None  # the reason given to pass a change freeze, when these calls needed one
    update: int | None  # the Pulumi update it belongs to; None when the history has no such update
    commit: str | None
    author: str | None
    pull_request: str | None
    run_url: str | None
    message: str | None


@dataclass(frozen=True)
class CampaignHistory:
    campaign_id: int
    name: str | None
    events: list[Event]  # newest first
    in_stack: bool  # False: its entry left the file, and only its removal record remains


def updates_of(history: Any) -> list[Update]:
    """`pulumi stack history --json` as updates; entries that are not updates are skipped."""
    entries = [entry for entry in history if isinstance(entry, Mapping)] if isinstance(history, list) else []
    oldest_first = sorted(entries, key=lambda entry: str(entry.get("startTime", "")))
    updates = []
    for position, entry in enumerate(oldest_first, start=1):
        start, end = _moment(entry.get("startTime")), _moment(entry.get("endTime") or entry.get("startTime"))
        if entry.get("kind") not in ("update", "refresh") or start is None or end is None:
            continue
        env = entry.get("environment") if isinstance(entry.get("environment"), Mapping) else {}
        version = number(entry.get("version"))
        updates.append(
            Update(
                number=version if version else position,  # some backends give every update version 0
                start=start,
                end=end,
                message=_text(entry.get("message")),
                commit=_text(env.get("git.head")),
                author=_text(env.get("git.author")),
                pull_request=_text(env.get("ci.pr.number")),
                run_url=_text(env.get("ci.build.url")),
            )
        )
    return updates


def histories(resources: Iterable[Mapping[str, Any]], updates: list[Update], ids: set[int]) -> list[CampaignHistory]:
    """Every campaign's events, newest first, joined with the update each was written in; `ids`
    chooses campaigns (empty: every campaign with an event)."""
    ledgers: dict[int, list[list[str]]] = {}
    names: dict[int, str | None] = {}
    in_stack: set[int] = set()
    for resource in resources:
        outputs = resource.get("outputs") if isinstance(resource.get("outputs"), Mapping) else {}
        kind = resource.get("type")
        campaign_id = number(outputs.get("campaign_id" if kind == CAMPAIGN_TYPE else REMOVED_KEY))
        if kind not in (CAMPAIGN_TYPE, REMOVAL_TYPE) or campaign_id is None or (ids and campaign_id not in ids):
            continue
        ledgers.setdefault(campaign_id, []).append(ledger_of(outputs))
        if kind == CAMPAIGN_TYPE or campaign_id not in in_stack:  # the live name, if it is still managed
            names[campaign_id] = _text(name_of(outputs)) or names.get(campaign_id)
        if kind == CAMPAIGN_TYPE:
            in_stack.add(campaign_id)
    found = []
    for campaign_id in sorted(ledgers.keys() | (ids & in_stack)):
        entries = _merged(ledgers.get(campaign_id, []))
        events = [_event(entry, updates) for entry in entries]
        if events or ids:
            found.append(CampaignHistory(campaign_id, names.get(campaign_id), events, campaign_id in in_stack))
    return found


def _merged(ledgers: list[list[str]]) -> list[str]:
    """One campaign's ledgers as one, newest first. A campaign that came back after a removal has
    its new entries on its resource and its old ones on its removal record; one whose deletion
    failed after its record was written has its deploys on both (each counted once). Merged by time
    (each entry's `at`, in UTC), each ledger's own order kept within a second."""
    most: Counter[str] = Counter()
    for ledger in ledgers:
        most |= Counter(ledger)
    entries = [entry for ledger in ledgers for entry in ledger]
    merged = []
    for entry in entries:
        if most[entry] > 0:
            merged.append(entry)
            most[entry] -= 1
    return sorted(merged, key=entry_at, reverse=True)


def _event(text: str, updates: list[Update]) -> Event:
    entry = LedgerEntry.parse(text)
    assert entry is not None  # ledger_of keeps entries only
    at = _moment(entry.at)
    update = next((u for u in updates if at is not None and u.start - _SLACK <= at <= u.end + _SLACK), None)
    return Event(
        at=entry.at,
        sent=list(entry.sent),
        cause=entry.cause,
        before=entry.before,
        after=entry.after,
        altcraft_by=entry.edit.by if entry.edit else None,
        altcraft_at=entry.edit.at_text if entry.edit else None,
        break_glass=entry.break_glass,
        update=update.number if update else None,
        commit=update.commit if update else None,
        author=update.author if update else None,
        pull_request=update.pull_request if update else None,
        run_url=update.run_url if update else None,
        message=update.message if update else None,
    )


def to_text(found: list[CampaignHistory]) -> str:
    """For a terminal: every text someone typed (names, editors, reasons, authors, URLs, commit
    ids) is shown on one line with its control and direction characters escaped, as the preview
    shows them: a name cannot print a line of its own, colour the terminal or reverse the text."""
    if not found:
        return "no campaign of this stack has had a call sent by a deploy yet\n"
    lines = []
    for history in found:
        left = "" if history.in_stack else "  (its entry left the file)"
        lines.append(f"campaign {history.campaign_id}" + (f" {one_line(history.name)}" if history.name else "") + left)
        lines += [f"  {_line(event)}" for event in history.events] or ["  no call sent by a deploy"]
    return "\n".join(lines) + "\n"


def _line(event: Event) -> str:
    why = event.cause
    if event.cause in ("drift", SEEN):
        why += f": {Edit(event.altcraft_by, _moment(event.altcraft_at)).text()}"
    why += f"; break-glass: {one_line(event.break_glass)}" if event.break_glass else ""
    states = f"  {event.before} -> {event.after}" if event.before and event.after else ""
    text = f"{event.at}  {', then '.join(event.sent) or 'no call'}{states}  ({why})"
    if event.update is None:
        return f"{text}  update unknown (not in `pulumi stack history`)"
    deploy = [f"update {event.update}"]
    deploy += [f"commit {one_line(event.commit[:12])}"] if event.commit else []
    deploy += [f"by {one_line(event.author)}"] if event.author else []
    deploy += [f"pull request {one_line(str(event.pull_request))}"] if event.pull_request else []
    deploy += [one_line(event.run_url)] if event.run_url else []
    return f"{text}  {', '.join(deploy)}"


def to_json(found: list[CampaignHistory]) -> str:
    document = {"version": FORMAT_VERSION, "campaigns": [asdict(history) for history in found]}
    return json.dumps(document, indent=2) + "\n"


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
