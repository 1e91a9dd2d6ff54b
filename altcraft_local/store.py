"""Campaigns, tokens and the state machine of the local Altcraft stand-in.

Follows docs/altcraft-api.md. Where Altcraft's docs are silent it makes the choices that page
records: `completed` and `deleted` are terminal, state-changing calls on them and calls
for unknown ids fail with a non-zero `error`, and repeated activate/deactivate are idempotent.
State lives in a JSON file, rewritten atomically after every change, so separate pulumi runs and
a restarted server see the same campaigns.
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

STATES = ("cloning", "inactive", "waiting", "active", "completed", "deleted")
TERMINAL = ("completed", "deleted")

# Rights as the docs name them: "Campaigns - View object" and "Campaigns - Run".
VIEW, RUN = "view", "run"
RIGHT_NEEDED = {"get": VIEW, "get_status": VIEW, "list": RUN, "activate": RUN, "deactivate": RUN, "completed": RUN}

OK_TEXT = "Successful operation"


class ApiError(Exception):
    """Becomes an envelope with a non-zero `error`."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(text)
        self.code = code
        self.text = text


def now_iso(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_date(raw: Any, key: str) -> datetime | None:
    """An activation date from a request: empty or missing is None (now); else RFC 3339 with an offset."""
    if raw is None or raw == "":
        return None
    try:
        moment = datetime.fromisoformat(str(raw).replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ApiError(400, f"Incorrect request: {key} {raw!r} is not an RFC 3339 date") from None
    if moment.tzinfo is None:
        raise ApiError(400, f"Incorrect request: {key} {raw!r} has no time-zone offset")
    return moment


# What each scheduled date does, and from which states (a date reached in another state does nothing).
_EVENTS = (("activate_at", "active", ("waiting",)), ("deactivate_at", "inactive", ("active",)))


# Kept with a campaign (never shown as such): the id the API shows for it instead of its own.
WIRE_ID_KEY = "_id_on_the_wire"


def on_the_wire(campaign: dict[str, Any]) -> dict[str, Any]:
    """The campaign as the API shows it: as stored, unless a test broke its id on purpose."""
    if WIRE_ID_KEY not in campaign:
        return campaign
    shown = {key: value for key, value in campaign.items() if key != WIRE_ID_KEY}
    return {**shown, "id": campaign[WIRE_ID_KEY]}


def full_campaign(seed: dict[str, Any]) -> dict[str, Any]:
    """A campaign object shaped like the docs' get/list example, from a short seed."""
    empty_ids = {key: {"ids": []} for key in ("workflows", "triggers", "broadcasts", "regulars", "abns", "placements")}
    stamp = seed.get("createtime") or now_iso()
    campaign = {
        "id": seed["id"],
        "is_delete": seed.get("state") == "deleted",
        "createtime": stamp,
        "updatetime": seed.get("updatetime", stamp),
        "updated_user": seed.get("updated_user", "seed"),
        "name": seed.get("name", f"Campaign {seed['id']}"),
        "description": seed.get("description", ""),
        "tags": seed.get("tags", []),
        "state": seed.get("state", "inactive"),
        "groups": seed.get("groups", []),
        "audience": seed.get(
            "audience",
            {
                "state": "ready",
                "seg_id": 1,
                "list_id": 1,
                "extension_conf": empty_ids,
                "lcg": {"ignore_entities": empty_ids, "size_formation_settings": {"limit": 0}},
            },
        ),
    }
    if campaign["state"] not in STATES:
        raise ValueError(f"seed campaign {seed['id']}: unknown state {campaign['state']!r}")
    return campaign


# Who Altcraft says last changed a campaign (`updated_user`) when nobody said: a call made with a
# token that names no user, a change in the web UI, a date Altcraft carried out itself.
API_USER, WEB_UI_USER, SCHEDULER_USER = "api.user", "web.ui", "scheduler"


@dataclass(frozen=True)
class Token:
    rights: frozenset[str]
    groups: frozenset[str] | None  # None: every group
    user: str = API_USER  # the login Altcraft records as `updated_user` for this token's changes


class Store:
    """All campaigns and tokens, one lock, persisted to `path`."""

    def __init__(self, path: Path, seed: dict[str, Any] | None = None, save: bool = True) -> None:
        self.path = path
        self.lock = threading.RLock()
        self.calls: Counter[str] = Counter()
        # Web-UI edits made when a listing (a `list` call from the first id) arrives: listing number
        # -> the edits, each `ui_edit`'s campaign id and changes. Listings count from the last reset.
        self.listings = 0
        self.on_listing: dict[int, list[tuple[int, dict[str, Any]]]] = {}
        if path.exists():
            data = json.loads(path.read_text())
        elif seed is not None:
            data = seed
        else:
            raise FileNotFoundError(f"{path} does not exist and no seed was given")
        self.tokens = {value: _token(spec) for value, spec in data.get("tokens", {}).items()}
        self.campaigns: dict[int, dict[str, Any]] = {}
        for item in data.get("campaigns", []):
            campaign = full_campaign(item)
            self.campaigns[campaign["id"]] = campaign
        self._raw_tokens = data.get("tokens", {})
        # Pending dates by campaign id: {"activate_at"|"deactivate_at"|"complete_at": RFC 3339}.
        self.schedules: dict[int, dict[str, str]] = {int(k): v for k, v in data.get("schedules", {}).items()}
        self.clock_offset = timedelta(seconds=float(data.get("clock_offset_seconds", 0)))
        if save:  # else the caller saves once it knows the server can run (a busy port writes nothing)
            self.save()

    # -- persistence ---------------------------------------------------------------------

    def save(self) -> None:
        with self.lock:
            data = {
                "tokens": self._raw_tokens,
                "campaigns": [self.campaigns[i] for i in sorted(self.campaigns)],
                "schedules": {str(i): self.schedules[i] for i in sorted(self.schedules)},
                "clock_offset_seconds": self.clock_offset.total_seconds(),
            }
            tmp = self.path.with_name(self.path.name + ".tmp")
            tmp.write_text(json.dumps(data, separators=(",", ":")))
            os.replace(tmp, self.path)

    # -- the clock and scheduled dates -----------------------------------------------------

    def now(self) -> datetime:
        return datetime.now(UTC) + self.clock_offset

    def set_clock(self, moment: datetime) -> None:
        """From now on the stand-in's clock reads `moment` (and runs on from there)."""
        with self.lock:
            self.clock_offset = moment - datetime.now(UTC)
            self.tick()
            self.save()

    def tick(self) -> None:
        """Apply every scheduled date that has come, in time order, as Altcraft would have."""
        with self.lock:
            now = self.now()
            for campaign_id in sorted(self.schedules):
                pending = self.schedules[campaign_id]
                due = sorted((datetime.fromisoformat(at), key) for key, at in pending.items())
                came = [(moment, key) for moment, key in due if moment <= now]
                for moment, key in came:
                    del pending[key]
                    self._scheduled(self.campaigns.get(campaign_id), key, moment)
                if not pending or campaign_id not in self.campaigns:
                    del self.schedules[campaign_id]
                if came:
                    self.save()

    def _scheduled(self, campaign: dict[str, Any] | None, key: str, moment: datetime) -> None:
        if campaign is None or campaign["state"] in TERMINAL:
            return
        if key == "complete_at":
            self._set(campaign, "completed", user="scheduler", at=moment)
            return
        for event, state, sources in _EVENTS:
            if key == event and campaign["state"] in sources:
                self._set(campaign, state, user=SCHEDULER_USER, at=moment)

    # -- auth ----------------------------------------------------------------------------

    def authorize(self, token: str | None, method: str, campaign: dict[str, Any] | None = None) -> None:
        if not token:
            raise ApiError(401, "API token required")
        grant = self.tokens.get(token)
        if grant is None:
            raise ApiError(401, "Invalid API token")
        if RIGHT_NEEDED[method] not in grant.rights:
            raise ApiError(403, f"No rights: the token lacks 'Campaigns - {RIGHT_NEEDED[method]}'")
        if campaign is not None and grant.groups is not None and not grant.groups & set(campaign["groups"]):
            raise ApiError(403, "No access to the campaign's groups")

    # -- the six calls -------------------------------------------------------------------

    def find(self, campaign_id: int) -> dict[str, Any]:
        campaign = self.campaigns.get(campaign_id)
        if campaign is None:
            raise ApiError(404, f"Campaign {campaign_id} not found")
        return campaign

    def list(self, from_id: int, limit: int, state: str | None) -> list[dict[str, Any]]:
        ids = sorted(i for i in self.campaigns if i >= from_id)
        chosen = [self.campaigns[i] for i in ids if state is None or self.campaigns[i]["state"] == state]
        return chosen[:limit]

    def user_of(self, token: str | None) -> str:
        """The login a call with this (authorized) token is recorded under."""
        grant = self.tokens.get(token or "")
        return grant.user if grant is not None else API_USER

    def activate(self, campaign: dict[str, Any], body: dict[str, Any], user: str = API_USER) -> None:
        state = campaign["state"]
        if state in TERMINAL:
            raise ApiError(400, f"Campaign {campaign['id']} is {state} and cannot be activated")
        if state == "cloning":
            raise ApiError(400, f"Campaign {campaign['id']} is being cloned")
        # The docs' table says activate_date, their example and tip start_date: accept both.
        key = "activate_date" if body.get("activate_date") else "start_date"
        start = parse_date(body.get(key), key)
        until = parse_date(body.get("deactivate_date"), "deactivate_date")
        complete = parse_date(body.get("completed_date"), "completed_date")
        now = self.now()
        waits = start is not None and start > now
        begins = start if waits and start is not None else now
        for name, moment in (("deactivate_date", until), ("completed_date", complete)):
            if moment is not None and moment <= begins:
                raise ApiError(400, f"Incorrect request: {name} must be after the activation")
        pending = {"activate_at": start if waits else None, "deactivate_at": until, "complete_at": complete}
        self.schedules.pop(campaign["id"], None)  # a new activation replaces the previous dates
        dates = {k: v.astimezone(UTC).isoformat() for k, v in pending.items() if v is not None}
        if dates:
            self.schedules[campaign["id"]] = dates
        self._set(campaign, "waiting" if waits else "active", user)
        self.save()

    def deactivate(self, campaign: dict[str, Any], user: str = API_USER) -> None:
        state = campaign["state"]
        if state in TERMINAL:
            raise ApiError(400, f"Campaign {campaign['id']} is {state} and cannot be deactivated")
        if state == "cloning":
            raise ApiError(400, f"Campaign {campaign['id']} is being cloned")
        self._cancel_dates(campaign)
        self._set(campaign, "inactive", user)

    def complete(self, campaign: dict[str, Any], user: str = API_USER) -> None:
        if campaign["state"] == "deleted":
            raise ApiError(400, f"Campaign {campaign['id']} is deleted")
        self._cancel_dates(campaign)
        self._set(campaign, "completed", user)

    def _cancel_dates(self, campaign: dict[str, Any]) -> None:
        if self.schedules.pop(campaign["id"], None) is not None:
            self.save()

    def _set(self, campaign: dict[str, Any], state: str, user: str = API_USER, at: datetime | None = None) -> None:
        if campaign["state"] != state:
            campaign["state"] = state
            campaign["is_delete"] = state == "deleted"
            campaign["updatetime"] = now_iso(at or self.now())
            campaign["updated_user"] = user
            self.save()

    # -- changes made "in the web UI", for tests and the demo ------------------------------

    def listing_arrives(self) -> None:
        """A listing starts: the edits planned for it are made first, as a person in the web UI
        would make them while a run is between two of its readings."""
        with self.lock:
            self.listings += 1
            for campaign_id, changes in self.on_listing.pop(self.listings, []):
                self.ui_edit(campaign_id, changes)

    def ui_edit_on_listing(self, listing: int, campaign_id: int, changes: dict[str, Any]) -> None:
        with self.lock:
            if listing <= self.listings:
                raise ApiError(400, f"listing {listing} has come already ({self.listings} so far)")
            self.find(campaign_id)
            self.on_listing.setdefault(listing, []).append((campaign_id, changes))

    def ui_edit(self, campaign_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """A change in the web UI: `state`, `name`, made by `user` (default WEB_UI_USER)."""
        user = str(changes.get("user") or WEB_UI_USER)
        with self.lock:
            campaign = self.find(campaign_id)
            if "state" in changes:
                if changes["state"] not in STATES:
                    raise ApiError(400, f"unknown state {changes['state']!r}")
                self._cancel_dates(campaign)  # a state set by hand overrides what was scheduled
                self._set(campaign, changes["state"], user=user)
            if "name" in changes:
                campaign["name"] = str(changes["name"])
                campaign["updatetime"], campaign["updated_user"] = now_iso(self.now()), user
                self.save()
            if "id_on_the_wire" in changes:  # a fault: the API shows this object with a broken id
                campaign[WIRE_ID_KEY] = changes["id_on_the_wire"]
                self.save()
            return campaign

    def ui_schedule(self, campaign_id: int, dates: dict[str, Any]) -> dict[str, Any]:
        """Schedule a campaign as a user does in the web UI: `waiting` until `activate_at`, then
        Altcraft's own dates; the API shows none of them. Keys: activate_at (required, ahead of the
        stand-in's clock), deactivate_at, complete_at; RFC 3339 with an offset."""
        with self.lock:
            campaign = self.find(campaign_id)
            if campaign["state"] in TERMINAL:
                raise ApiError(400, f"Campaign {campaign_id} is {campaign['state']} and cannot be scheduled")
            user = str(dates.pop("user", None) or WEB_UI_USER)
            unknown = set(dates) - {"activate_at", "deactivate_at", "complete_at"}
            if unknown:
                raise ApiError(400, f"unknown schedule keys: {', '.join(sorted(unknown))}")
            moments = {key: parse_date(value, key) for key, value in dates.items()}
            start = moments.get("activate_at")
            if start is None or start <= self.now():
                raise ApiError(400, "activate_at must be ahead of the stand-in's clock")
            self.schedules[campaign_id] = {k: v.astimezone(UTC).isoformat() for k, v in moments.items() if v}
            self._set(campaign, "waiting", user=user)
            self.save()
            return campaign

    def ui_add(self, seed: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            campaign = full_campaign(seed)
            self.campaigns[campaign["id"]] = campaign
            self.save()
            return campaign

    def ui_remove(self, campaign_id: int) -> None:
        with self.lock:
            self.find(campaign_id)
            del self.campaigns[campaign_id]
            self.schedules.pop(campaign_id, None)
            self.save()

    # -- API tokens, as an account admin issues and revokes them in the web UI ------------------

    def ui_issue_token(self, body: Any) -> dict[str, Any]:
        """A new token with the given rights (default: view and run) and groups (default: all)."""
        if not isinstance(body, dict) or not isinstance(body.get("token"), str) or not body["token"]:
            raise ValueError("a token needs a non-empty string 'token'")
        spec = {key: body[key] for key in ("rights", "groups", "user") if key in body}
        with self.lock:
            self.tokens[body["token"]] = _token(spec)
            self._raw_tokens[body["token"]] = spec
            self.save()
        return {"tokens": len(self.tokens)}

    def ui_revoke_token(self, token: str) -> None:
        with self.lock:
            if token not in self.tokens:
                raise ApiError(404, "no such token")
            del self.tokens[token]
            del self._raw_tokens[token]
            self.save()


def _token(spec: dict[str, Any]) -> Token:
    rights = frozenset(spec.get("rights", [VIEW, RUN]))
    return Token(rights, _groups(spec.get("groups")), str(spec.get("user") or API_USER))


def _groups(value: Any) -> frozenset[str] | None:
    return None if value is None else frozenset(str(g) for g in value)
