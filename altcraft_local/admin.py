"""Client for the stand-in's admin API: call counters and "web UI" changes behind Pulumi's back."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests

WRITE_METHODS = ("activate", "deactivate", "completed")


def count_writes(calls: dict[str, int]) -> int:
    """How many of these per-endpoint calls changed a campaign's state."""
    return sum(calls.get(method, 0) for method in WRITE_METHODS)


class Admin:
    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _request(self, verb: str, path: str, body: Any = None) -> Any:
        response = requests.request(verb, f"{self.base_url}/_admin/{path}", json=body, timeout=self.timeout)
        response.raise_for_status()
        return response.json()

    def calls(self) -> dict[str, int]:
        """Per-endpoint call counts since the last reset, e.g. {"get": 3, "activate": 1}."""
        return self._request("GET", "calls")

    def write_calls(self) -> int:
        return count_writes(self.calls())

    def reset_calls(self) -> None:
        self._request("POST", "calls/reset")

    def campaigns(self) -> dict[int, dict[str, Any]]:
        return {c["id"]: c for c in self._request("GET", "campaigns")}

    def states(self) -> dict[int, str]:
        return {campaign_id: c["state"] for campaign_id, c in self.campaigns().items()}

    def set_state(self, campaign_id: int, state: str, user: str | None = None) -> None:
        """Change its state in the "web UI", as `user` (Altcraft's `updated_user`; default web.ui)."""
        self._request("POST", f"campaigns/{campaign_id}", {"state": state, **({"user": user} if user else {})})

    def set_state_on_listing(self, listing: int, campaign_id: int, state: str, user: str | None = None) -> None:
        """Change its state in the "web UI" when listing number `listing` arrives (counted since the
        last reset_calls), before it is answered: a person at work between two readings of a run."""
        body = {"listing": listing, "state": state, **({"user": user} if user else {})}
        self._request("POST", f"campaigns/{campaign_id}/on_listing", body)

    def listings(self) -> int:
        """How many listings have arrived since the last reset_calls."""
        return self._request("GET", "listings")["listings"]

    def schedule_in_ui(self, campaign_id: int, activate_at: str, user: str | None = None, **later: str) -> None:
        """Schedule it in the "web UI": waiting until activate_at; later: deactivate_at, complete_at."""
        body = {"activate_at": activate_at, **later, **({"user": user} if user else {})}
        self._request("POST", f"campaigns/{campaign_id}/schedule", body)

    def break_id(self, campaign_id: int, shown_as: object) -> None:
        """From now on the API shows this campaign with `shown_as` for its id (e.g. "2500")."""
        self._request("POST", f"campaigns/{campaign_id}", {"id_on_the_wire": shown_as})

    def rename(self, campaign_id: int, name: str, user: str | None = None) -> None:
        self._request("POST", f"campaigns/{campaign_id}", {"name": name, **({"user": user} if user else {})})

    def add(self, campaign_id: int, name: str, state: str = "inactive") -> None:
        self._request("POST", "campaigns", {"id": campaign_id, "name": name, "state": state})

    def remove(self, campaign_id: int) -> None:
        self._request("DELETE", f"campaigns/{campaign_id}")

    def set_clock(self, now: str) -> None:
        """The stand-in's clock reads `now` (RFC 3339 with an offset) from here on; due dates apply."""
        self._request("POST", "clock", {"now": now})

    def advance_clock(self, seconds: float) -> None:
        self._request("POST", "clock", {"advance_seconds": seconds})

    def clock(self) -> str:
        return self._request("GET", "clock")["now"]

    def schedules(self) -> dict[int, dict[str, str]]:
        """Pending dates by campaign id (not visible through the API, as the docs show none)."""
        return {int(k): v for k, v in self._request("GET", "schedules").items()}

    def add_fault(self, kind: str, endpoint: str | None = None, **options: Any) -> None:
        """See altcraft_local.faults.Fault for the kinds and options."""
        self._request("POST", "faults", {"kind": kind, "endpoint": endpoint, **options})

    def issue_token(self, token: str, **spec: Any) -> None:
        """A new API token (spec: rights, groups), as an account admin makes one in the web UI."""
        self._request("POST", "tokens", {"token": token, **spec})

    def revoke_token(self, token: str) -> None:
        self._request("DELETE", f"tokens/{quote(token, safe='')}")

    def clear_faults(self) -> None:
        self._request("DELETE", "faults")
