"""HTTP front of the local Altcraft stand-in: the six `scampaigns/*` calls plus a small admin API.

API calls: POST /api/v1.1/scampaigns/<method> (trailing slash optional), JSON body, token in the
body, in `Authorization: Bearer`, or (deprecated upstream) in the query string. Answers use the
documented envelope. Every change records who made it and when, as `updated_user` and `updatetime`:
the token's user for an API call, the `user` given to an admin call, "scheduler" for a date.
Whether real Altcraft sends a non-zero `error` with HTTP 200 or with the
matching HTTP status is not documented, so both are available (`error_status`).

Admin calls (not Altcraft; for tests, the demo and benchmarks, no token):
  GET  /_admin/calls                  per-endpoint call counts
  POST /_admin/calls/reset
  GET  /_admin/campaigns              every campaign
  POST /_admin/campaigns              add a campaign (body: id, name, state, ...)
  POST /_admin/campaigns/<id>         change state/name as a user in the web UI would (body: user, the login)
  POST /_admin/campaigns/<id>/schedule  schedule it in the web UI: {"activate_at", "deactivate_at", "complete_at"}
  POST /_admin/campaigns/<id>/on_listing  a web-UI change (body: listing, state, name, user) made when
                                      listing number `listing` (a `list` from the first id; counted
                                      since the last calls/reset) arrives, before it is answered
  GET  /_admin/listings               how many listings have arrived since the last calls/reset
  DELETE /_admin/campaigns/<id>       make a campaign disappear
  GET  /_admin/clock                  the stand-in's time
  POST /_admin/clock                  set it: {"now": RFC 3339} or {"advance_seconds": n}
  GET  /_admin/schedules              pending activation dates by campaign id
  GET/POST/DELETE /_admin/faults      list, add (body: altcraft_local.faults.Fault) or clear faults
  POST /_admin/tokens                 issue an API token (body: token, rights, groups, user)
  DELETE /_admin/tokens/<token>       revoke one: its next call is error 401
"""

from __future__ import annotations

import json
import socket
import threading
import time
from datetime import datetime, timedelta
from email.utils import format_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from altcraft_local.faults import Fault, Faults
from altcraft_local.store import OK_TEXT, STATES, ApiError, Store, on_the_wire

API_PREFIX = "/api/v1.1/scampaigns/"
METHODS = ("get", "list", "activate", "completed", "deactivate", "get_status")
MAX_LIST_LIMIT = 1000


class AltcraftServer:
    """The stand-in on 127.0.0.1; `port=0` picks a free port."""

    def __init__(self, store: Store, port: int = 0, error_status: str = "mirror") -> None:
        if error_status not in ("mirror", "200"):
            raise ValueError("error_status must be 'mirror' or '200'")
        self.store = store
        self.error_status = error_status
        self.faults = Faults()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.altcraft = self  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> AltcraftServer:
        # A short poll interval makes stop() quick; tests start and stop many servers.
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="altcraft-local", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    # -- API -----------------------------------------------------------------------------

    def api(self, method: str, body: dict[str, Any], token: str | None) -> Any:
        store = self.store
        with store.lock:
            store.tick()  # dates that came since the last call take effect first
            if method == "list":
                store.authorize(token, method)
                from_id = _int_param(body, "from_id", default=1)
                if from_id <= 1:  # a new listing: the web-UI edits planned for it happen now
                    store.listing_arrives()
                limit = min(_int_param(body, "limit", default=MAX_LIST_LIMIT), MAX_LIST_LIMIT)
                state = body.get("state")
                if state is not None and state not in STATES:
                    raise ApiError(400, f"Incorrect state {state!r}")
                return [on_the_wire(c) for c in store.list(from_id, limit, state) if _token_sees(store, token, c)]
            campaign_id = _int_param(body, "id")
            store.authorize(token, method)
            campaign = store.find(campaign_id)
            store.authorize(token, method, campaign)
            if method == "get":
                return [on_the_wire(campaign)]
            if method == "get_status":
                return {"status": campaign["state"]}
            user = store.user_of(token)
            if method == "activate":
                store.activate(campaign, body, user)
            elif method == "deactivate":
                store.deactivate(campaign, user)
            elif method == "completed":
                store.complete(campaign, user)
            return None


def _token_sees(store: Store, token: str | None, campaign: dict[str, Any]) -> bool:
    try:
        store.authorize(token, "list", campaign)
    except ApiError:
        return False
    return True


def _int_param(body: dict[str, Any], key: str, default: int | None = None) -> int:
    value = body.get(key, default)
    if value is None:
        raise ApiError(400, f"Incorrect request: {key} is required")
    if not isinstance(value, int) or isinstance(value, bool):
        raise ApiError(400, f"Incorrect request: {key} must be an integer")
    return value


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real API behind a proxy would
    server_version = "altcraft-local"

    @property
    def altcraft(self) -> AltcraftServer:
        return self.server.altcraft  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:  # quiet; tests read counters instead
        pass

    def date_time_string(self, timestamp: float | None = None) -> str:
        # The Date header follows the stand-in's clock, as a real server's follows its own.
        return format_datetime(self.altcraft.store.now(), usegmt=True)

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        if parts.path.startswith("/_admin/"):
            self._admin("POST", parts.path)
            return
        method = parts.path.removeprefix(API_PREFIX).rstrip("/")
        if not parts.path.startswith(API_PREFIX) or method not in METHODS:
            self._send(HTTPStatus.NOT_FOUND, {"data": None, "error": 404, "error_text": "Unknown method"})
            return
        query = parse_qs(parts.query)
        body = self._json_body()
        with self.altcraft.store.lock:  # counted on arrival, whatever happens next
            self.altcraft.store.calls[method] += 1
        fault = self.altcraft.faults.take(method, body.get("id") if isinstance(body, dict) else None)
        if fault is not None and fault.kind == "latency":
            time.sleep(fault.seconds)
            fault = None
        if fault is not None and not fault.after_apply:
            self._send_fault(fault)
            return
        try:
            if not isinstance(body, dict):
                raise ApiError(400, "Incorrect request: the body must be a JSON object")
            if (body.get("format") or query.get("format", ["json"])[0]) != "json":
                raise ApiError(400, "Incorrect request: the local stand-in only speaks format=json")
            data = self.altcraft.api(method, body, self._token(body, query))
        except ApiError as exc:
            status = exc.code if self.altcraft.error_status == "mirror" else HTTPStatus.OK
            self._send(status, {"data": None, "error": exc.code, "error_text": exc.text})
            return
        if fault is not None:  # after_apply: the call took effect, its answer is lost
            self._send_fault(fault)
            return
        self._send(HTTPStatus.OK, {"data": data, "error": 0, "error_text": OK_TEXT})

    def _send_fault(self, fault: Fault) -> None:
        if fault.kind == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault.kind.startswith("http_5"):
            self._send_raw(int(fault.kind[5:]), b"<html><body>Bad gateway</body></html>", "text/html")
        elif fault.kind == "http_429":
            body = {"data": None, "error": 429, "error_text": "Too many requests"}
            self._send(HTTPStatus.TOO_MANY_REQUESTS, body, {"Retry-After": f"{fault.seconds:g}"})
        elif fault.kind == "malformed_json":
            self._send_raw(HTTPStatus.OK, b'{"data": [{"id": 1, "na', "application/json")
        elif fault.kind == "error_in_200":
            self._send(HTTPStatus.OK, {"data": None, "error": fault.code, "error_text": "Injected error"})

    def do_GET(self) -> None:
        self._admin("GET", urlsplit(self.path).path)

    def do_DELETE(self) -> None:
        self._admin("DELETE", urlsplit(self.path).path)

    def _token(self, body: dict[str, Any], query: dict[str, list[str]]) -> str | None:
        header = self.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            return header[7:].strip()
        token = body.get("token")
        if isinstance(token, str) and token:
            return token
        return query.get("token", [None])[0]

    def _json_body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return None

    def _admin(self, verb: str, path: str) -> None:
        store = self.altcraft.store
        parts = path.strip("/").split("/")[1:]
        try:
            if parts == ["calls"] and verb == "GET":
                with store.lock:
                    self._send(HTTPStatus.OK, dict(store.calls))
            elif parts == ["clock"] and verb == "GET":
                self._send(HTTPStatus.OK, {"now": self.altcraft.store.now().isoformat()})
            elif parts == ["clock"] and verb == "POST":
                self._set_clock(self._json_body() or {})
            elif parts == ["schedules"] and verb == "GET":
                with store.lock:
                    store.tick()
                    self._send(HTTPStatus.OK, {str(i): store.schedules[i] for i in sorted(store.schedules)})
            elif parts == ["calls", "reset"] and verb == "POST":
                with store.lock:
                    store.calls.clear()
                    store.listings = 0
                    store.on_listing.clear()
                self._send(HTTPStatus.OK, {})
            elif parts == ["listings"] and verb == "GET":
                with store.lock:
                    self._send(HTTPStatus.OK, {"listings": store.listings})
            elif parts == ["campaigns"] and verb == "GET":
                with store.lock:
                    store.tick()
                    self._send(HTTPStatus.OK, [store.campaigns[i] for i in sorted(store.campaigns)])
            elif parts == ["campaigns"] and verb == "POST":
                self._send(HTTPStatus.OK, store.ui_add(self._json_body()))
            elif len(parts) == 3 and parts[0] == "campaigns" and parts[2] == "on_listing" and verb == "POST":
                body = dict(self._json_body() or {})
                listing = body.pop("listing")
                if not isinstance(listing, int) or isinstance(listing, bool) or listing < 1:
                    raise ValueError("on_listing: 'listing' must be a listing number from 1")
                store.ui_edit_on_listing(listing, int(parts[1]), body)
                self._send(HTTPStatus.OK, {})
            elif len(parts) == 3 and parts[0] == "campaigns" and parts[2] == "schedule" and verb == "POST":
                self._send(HTTPStatus.OK, store.ui_schedule(int(parts[1]), self._json_body() or {}))
            elif len(parts) == 2 and parts[0] == "campaigns" and verb == "POST":
                self._send(HTTPStatus.OK, store.ui_edit(int(parts[1]), self._json_body() or {}))
            elif parts == ["faults"] and verb == "GET":
                self._send(HTTPStatus.OK, self.altcraft.faults.listing())
            elif parts == ["faults"] and verb == "POST":
                self.altcraft.faults.add(Fault(**(self._json_body() or {})))
                self._send(HTTPStatus.OK, self.altcraft.faults.listing())
            elif parts == ["faults"] and verb == "DELETE":
                self.altcraft.faults.clear()
                self._send(HTTPStatus.OK, [])
            elif parts == ["tokens"] and verb == "POST":
                self._send(HTTPStatus.OK, store.ui_issue_token(self._json_body()))
            elif len(parts) == 2 and parts[0] == "tokens" and verb == "DELETE":
                store.ui_revoke_token(unquote(parts[1]))
                self._send(HTTPStatus.OK, {})
            elif len(parts) == 2 and parts[0] == "campaigns" and verb == "DELETE":
                store.ui_remove(int(parts[1]))
                self._send(HTTPStatus.OK, {})
            else:
                self._send(HTTPStatus.NOT_FOUND, {"error": f"no admin route {verb} {path}"})
        except ApiError as exc:
            self._send(exc.code, {"error": exc.text})
        except (ValueError, KeyError, TypeError) as exc:
            self._send(HTTPStatus.BAD_REQUEST, {"error": str(exc)})

    def _set_clock(self, body: dict[str, Any]) -> None:
        store = self.altcraft.store
        if "now" in body:
            moment = datetime.fromisoformat(str(body["now"]).replace("Z", "+00:00"))
            if moment.tzinfo is None:
                raise ValueError("clock: 'now' needs a time-zone offset")
        else:
            moment = store.now() + timedelta(seconds=float(body["advance_seconds"]))
        store.set_clock(moment)
        self._send(HTTPStatus.OK, {"now": store.now().isoformat()})

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._send_raw(status, json.dumps(payload).encode(), "application/json; charset=utf-8", headers)

    def _send_raw(self, status: int, raw: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(raw)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(raw)
