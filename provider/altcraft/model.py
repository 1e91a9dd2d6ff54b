"""What the client knows of Altcraft's data: a live campaign, the states, a write request. No I/O.

Parsing is strict: a campaign without a numeric id, a name and a known state is refused, never
guessed at; in a listing such an item spoils only itself (`Unreadable`). Dates go to Altcraft as
RFC 3339 in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from provider.campaigns.schedule import Schedule
from provider.errors import MalformedResponse

# Every state Altcraft reports; a campaign in any other is an error.
STATES = ("cloning", "inactive", "waiting", "active", "completed", "deleted")
TERMINAL_STATES = ("completed", "deleted")
WRITE_METHODS = ("activate", "deactivate", "completed")


@dataclass(frozen=True)
class LiveCampaign:
    """What we need of a live campaign. Two readings of one campaign are equal when its id, name and
    state are: who last edited it, and when, describe the reading, not the campaign."""

    id: int
    name: str
    state: str
    # Altcraft's `updated_user` and `updatetime`: who last changed the campaign and when (in the web UI
    # or through the API); None when Altcraft does not say, or says something we cannot read.
    changed_by: str | None = field(default=None, compare=False)
    changed_at: datetime | None = field(default=None, compare=False)

    @property
    def active(self) -> bool:
        # `waiting` (scheduled) counts as not active.
        return self.state == "active"

    @property
    def terminal(self) -> bool:
        return self.state in TERMINAL_STATES


@dataclass(frozen=True)
class WriteRequest:
    """One write, built (and its dates converted) before a sequence sends its first call."""

    method: str  # activate, deactivate or completed
    campaign_id: int
    payload: dict[str, Any]  # without the token
    settled: tuple[str, ...]  # states that show it landed (empty: the state cannot tell)


def write_request(
    method: str, campaign_id: int, schedule: Schedule | None = None, settled: tuple[str, ...] | None = None
) -> WriteRequest:
    """The request for `method`. An activation starts now, or at `schedule.active_from`, with the
    scheduled deactivation and completion. The docs' table names the start `activate_date`, their
    example and tip `start_date`: both are sent. An empty start means now. Dates go as RFC 3339 in
    UTC (the form the docs show).
    """
    if method not in WRITE_METHODS:
        raise ValueError(f"not a write: {method!r}")
    payload: dict[str, Any] = {"id": campaign_id}
    if method == "activate":
        schedule = schedule or Schedule()
        start = wire_time(schedule.active_from)
        payload.update({"start_date": start, "activate_date": start})
        if schedule.active_until is not None:
            payload["deactivate_date"] = wire_time(schedule.active_until)
        if schedule.complete_at is not None:
            payload["completed_date"] = wire_time(schedule.complete_at)
    default_settled = {"activate": ("active",), "deactivate": ("inactive",), "completed": ("completed",)}[method]
    return WriteRequest(method, campaign_id, payload, default_settled if settled is None else settled)


@dataclass(frozen=True)
class Unreadable:
    """A listed campaign whose object we cannot trust; reading it raises `error`."""

    id: int
    error: MalformedResponse


def parse_campaign(item: Any, expected_id: int | None) -> LiveCampaign:
    """A campaign object from get/list; refuses anything without an id, a name and a known state."""
    label = f"campaign {expected_id}" if expected_id is not None else "a campaign in scampaigns/list"
    if not isinstance(item, dict):
        raise MalformedResponse(f"Altcraft returned {type(item).__name__} for {label}, expected an object")
    campaign_id = item.get("id")
    if not isinstance(campaign_id, int) or isinstance(campaign_id, bool):
        raise MalformedResponse(f"Altcraft returned {label} without a numeric id: {campaign_id!r}")
    label = f"campaign {campaign_id}"
    if expected_id is not None and campaign_id != expected_id:
        raise MalformedResponse(f"asked Altcraft for campaign {expected_id}, got {label}")
    name = item.get("name")
    if not isinstance(name, str):
        raise MalformedResponse(f"Altcraft returned {label} without a name")
    state = checked_state(item.get("state"), campaign_id, "its state")
    changed_by, changed_at = item.get("updated_user"), _moment(item.get("updatetime"))
    by = valid_unicode(changed_by) if isinstance(changed_by, str) and changed_by.strip() else None
    return LiveCampaign(id=campaign_id, name=valid_unicode(name), state=state, changed_by=by, changed_at=changed_at)


def _moment(value: Any) -> datetime | None:
    """`updatetime` as an aware datetime; None when it is missing or not a time with an offset (it only
    informs a message, so an odd one is dropped, not refused)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def wire_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    utc = moment.astimezone(UTC)
    return utc.isoformat(timespec="milliseconds" if utc.microsecond else "seconds").replace("+00:00", "Z")


def valid_unicode(text: str) -> str:
    """`text` with lone surrogates (JSON allows "\\ud800", Unicode does not) replaced by U+FFFD.

    Such a name could not travel through Pulumi's gRPC (protobuf strings are UTF-8) or be written
    to a file; replaced the same way everywhere, it still works as a name guard.
    """
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def index_listing(items: Iterable[LiveCampaign | Unreadable]) -> dict[int, LiveCampaign | Unreadable]:
    """A listing by id. An id listed twice cannot be trusted either way: it becomes unreadable."""
    by_id: dict[int, LiveCampaign | Unreadable] = {}
    for item in items:
        if item.id in by_id:
            error = MalformedResponse(f"Altcraft listed campaign {item.id} more than once; cannot tell which is right")
            by_id[item.id] = Unreadable(item.id, error)
        else:
            by_id[item.id] = item
    return by_id


def parse_listed(item: Any) -> LiveCampaign | Unreadable | None:
    """A listed item; one we cannot trust is Unreadable under its id, and one without any usable id
    is None (skipped): it cannot be told apart from any campaign, and the view asks `get` for a
    campaign the listing lacks, which reads it on its own (and fails for it alone if it is broken)."""
    try:
        return parse_campaign(item, None)
    except MalformedResponse as error:
        campaign_id = item.get("id") if isinstance(item, dict) else None
        if isinstance(campaign_id, str) and campaign_id.isascii() and campaign_id.isdigit():
            campaign_id = int(campaign_id)  # "2500": we know which campaign, not that the rest is right
        if isinstance(campaign_id, int) and not isinstance(campaign_id, bool):
            return Unreadable(campaign_id, error)
        return None


def checked_state(state: Any, campaign_id: int, source: str) -> str:
    if state not in STATES:
        raise MalformedResponse(
            f"Altcraft reported campaign {campaign_id} in an unknown state {state!r} ({source}); "
            f"known states: {', '.join(STATES)}. Nothing was changed."
        )
    return state
