"""Altcraft's campaigns API (`scampaigns/*`) over HTTP. Knows nothing of Pulumi.

Liberal in what it accepts (an envelope with any HTTP status, `get` data as a list or an object,
paths with or without /api/v1.1), strict in what it assumes: a non-zero `error` is a failure
whatever the HTTP status, and a campaign without a known state is an error, never a guess.
The token travels in the JSON body only and is redacted from every message.

A write that got no answer (a timeout, a connection lost after sending, a gateway's page instead of
Altcraft's envelope) may still land later. An answer in Altcraft's envelope, whatever its HTTP
status, is an answer: Altcraft handled the call, and a transient one is simply retried. Before an
unanswered write is sent again, the client reads the campaign's state until the write shows (then
it is not sent again), for at most LANDING_SHARE of the retry budget so that retries remain; and
before the next call of a sequence for the same campaign, it waits until `write_settle_s` has
passed since that unanswered attempt. So a deactivation that lands late cannot undo the
activation sent after it, within that bound.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests

from provider.altcraft import transport
from provider.altcraft.clock import ClockWatch, machine_now
from provider.altcraft.latch import FailureLatch
from provider.altcraft.model import (
    LiveCampaign,
    Unreadable,
    WriteRequest,
    checked_state,
    parse_campaign,
    parse_listed,
    write_request,
)
from provider.altcraft.network import network_reason, never_sent, not_tls, tls_reason, unresolvable
from provider.altcraft.retry import TRANSIENT_STATUS, RetryPolicy, TransientFailure, parse_retry_after
from provider.altcraft.urls import carries, normalize_base_url, without_password
from provider.campaigns.schedule import Schedule
from provider.errors import (
    AltcraftError,
    BadToken,
    MalformedResponse,
    NoRights,
    NotFound,
    Refused,
    TransportError,
)

# (connect timeout, deadline of a whole attempt) in seconds.
DEFAULT_TIMEOUT = (5.0, 30.0)
PAGE_LIMIT = 1000
# A listing that has not reached an empty page after this many campaigns is not ending.
MAX_LISTED_CAMPAIGNS = 1_000_000
# How long a write that got no answer may still land, and how often its landing is looked for.
DEFAULT_WRITE_SETTLE_S = 60.0
LANDING_POLL_S = 1.0
# The share of the retry budget a write's retries may spend looking for an unanswered attempt.
LANDING_SHARE = 0.5
# A host name that does not resolve is looked up once more after this long, then reported.
HOST_LOOKUP_RETRY_S = 1.0
# Answers that may come after the write took effect (the gateway gave up waiting, the server failed midway).
MAY_HAVE_LANDED_STATUS = frozenset({500, 502, 504})


@dataclass(frozen=True)
class SettingNames:
    """How a message names what chose each value, so that it names what the user controls. The
    client knows no configuration system; the settings layer gives the keys it read
    (`provider.settings.Settings.client`)."""

    url: str = "the Altcraft URL setting"
    token: str = "the API token setting"
    request_timeout: str = "the request timeout setting"


ERROR_BAD_REQUEST = 400
ERROR_BAD_TOKEN = 401
ERROR_NO_RIGHTS = 403
ERROR_NOT_FOUND = 404


class AltcraftClient:
    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        session: requests.Session | None = None,
        write_settle_s: float = DEFAULT_WRITE_SETTLE_S,
        names: SettingNames | None = None,
    ) -> None:
        self.base_url = normalize_base_url(base_url)
        self._token = token
        self._timeout = timeout
        self._retry = retry or RetryPolicy()
        self._write_settle_s = write_settle_s
        self._names = names or SettingNames()
        self._session = session or transport.new_session()
        self._session.headers.update({"Accept": "application/json", "User-Agent": "altcraft-campaigns"})
        self._fatal = FailureLatch()
        # Campaign id -> when an unanswered attempt of a write to it can no longer land (monotonic):
        # the next call of its sequence waits until then.
        self._unsettled: dict[int, float] = {}
        # The Date header of every answer: windows are read with the clock Altcraft flips campaigns
        # by, once provider.altcraft.clock's rule trusts it.
        self.clock = ClockWatch()

    def __repr__(self) -> str:  # never show the token
        return f"AltcraftClient({self.redact(self.base_url)!r})"

    def close(self) -> None:
        self._session.close()

    # -- the six calls -------------------------------------------------------------------

    def get(self, campaign_id: int) -> LiveCampaign:
        data = self._call("get", {"id": campaign_id}, campaign_id)
        # The docs show a one-element list; accept a bare object too.
        if isinstance(data, list):
            if not data:
                raise NotFound(f"campaign {campaign_id} was not found in Altcraft", code=ERROR_NOT_FOUND)
            data = data[0]
        return self._without_secrets(parse_campaign(data, campaign_id))

    def get_status(self, campaign_id: int) -> str:
        data = self._call("get_status", {"id": campaign_id}, campaign_id)
        status = data.get("status") if isinstance(data, dict) else None
        return checked_state(status, campaign_id, "get_status")

    def status_for_report(self, campaign_id: int) -> str | None:
        """The live state for a failure message: one attempt, past a remembered failure (a write
        that failed says nothing about reads); None when Altcraft cannot say right now."""
        try:
            data = self._attempt("get_status", {"id": campaign_id}, campaign_id)
            return checked_state(data.get("status") if isinstance(data, dict) else None, campaign_id, "get_status")
        except (AltcraftError, TransientFailure):
            return None

    def list_page(
        self, from_id: int = 1, limit: int = PAGE_LIMIT, state: str | None = None
    ) -> list[LiveCampaign | Unreadable]:
        """One page, ascending by id. A malformed item spoils only itself (see `parse_listed`)."""
        payload: dict[str, Any] = {"from_id": from_id, "limit": limit}
        if state is not None:
            payload["state"] = state
        data = self._call("list", payload)
        if data is None:
            return []
        if not isinstance(data, list):
            raise MalformedResponse(f"scampaigns/list returned {type(data).__name__} data, expected a list")
        page = [self._without_secrets(parsed) for parsed in map(parse_listed, data) if parsed is not None]
        if data and not page:  # not the end of the listing, and nothing to page on from
            raise MalformedResponse(f"scampaigns/list from_id={from_id} returned {len(data)} items, none with an id")
        return page

    def list_all(self, state: str | None = None, limit: int = PAGE_LIMIT) -> Iterator[LiveCampaign | Unreadable]:
        """Every campaign, paging by `from_id` (inclusive) until an empty page.

        Not until the first short page: a server that applies the token's group filter after
        paging returns short pages long before the end. A listing that does not end (a server
        ignoring `from_id`, or one that never sends an empty page) fails instead of looping.
        """
        max_pages = MAX_LISTED_CAMPAIGNS // limit + 1
        from_id = 1
        for _ in range(max_pages):
            page = self.list_page(from_id, limit, state)
            if not page:
                return
            yield from page
            next_from = max(item.id for item in page) + 1
            if next_from <= from_id:
                raise MalformedResponse(
                    f"scampaigns/list at {self.redact(self.base_url)} ignored from_id={from_id}; "
                    "cannot page through campaigns"
                )
            from_id = next_from
        raise MalformedResponse(
            f"scampaigns/list at {self.redact(self.base_url)} did not end after {max_pages} pages "
            f"(more than {MAX_LISTED_CAMPAIGNS:,} campaigns); stopping"
        )

    def activate(
        self, campaign_id: int, schedule: Schedule | None = None, settled: tuple[str, ...] = ("active",)
    ) -> None:
        """See `write_request`. `settled`: the states that show the activation landed (none: cannot tell)."""
        self.send(write_request("activate", campaign_id, schedule, settled))

    def deactivate(self, campaign_id: int) -> None:
        self.send(write_request("deactivate", campaign_id))

    def complete(self, campaign_id: int) -> None:
        self.send(write_request("completed", campaign_id))

    def now(self) -> datetime:
        """The time by Altcraft's clock (the Date header of its last answer), else by ours; unchecked
        (provider.altcraft.clock.trusted_now checks it for a run that decides by it)."""
        return self.clock.altcraft_now()

    def clock_offset(self) -> timedelta | None:
        """Altcraft's clock minus ours, from the last answer with a readable Date header."""
        return self.clock.reading().latest

    # -- transport -----------------------------------------------------------------------

    def _call(self, method: str, payload: dict[str, Any], campaign_id: int | None = None) -> Any:
        """A read: retried on transient failures within the retry budget."""
        self._fatal.raise_if_set()
        with self._fatal.watching():
            return self._retry.run(lambda: self._attempt(method, payload, campaign_id))

    def send(self, request: WriteRequest) -> None:
        """A write, retried within the budget; one that may have landed is looked for, not re-sent
        at once, and the next write to the campaign waits until it can no longer land (see the
        module's docstring)."""
        in_flight_since: float | None = None  # when the last attempt that may still land was sent
        started = self._retry.clock()
        looking_until = started + self._retry.budget_s * LANDING_SHARE

        def attempt() -> Any:
            nonlocal in_flight_since
            sent_at = self._retry.clock()
            try:
                return self._attempt(request.method, request.payload, request.campaign_id)
            except TransientFailure as failure:
                if failure.may_have_landed:
                    in_flight_since = sent_at
                raise

        def landed() -> bool | None:
            # Nothing in flight (Altcraft answered "not now"): one look, in case it landed anyway.
            now = self._retry.clock()
            until = now if in_flight_since is None else min(in_flight_since + self._write_settle_s, looking_until)
            return self._await_landing(request, max(until, now))

        self._fatal.raise_if_set()
        self._wait_for_unsettled(request.campaign_id)
        try:
            with self._fatal.watching():
                self._retry.run(attempt, before_retry=landed)
        except AltcraftError as error:
            if in_flight_since is not None:
                error.args = (f"{error} (an attempt got no answer and may still land in Altcraft)",)
            raise
        if in_flight_since is not None:
            self._unsettled[request.campaign_id] = in_flight_since + self._write_settle_s

    def _wait_for_unsettled(self, campaign_id: int) -> None:
        """Before a write to a campaign, until an unanswered earlier write to it can no longer land."""
        until = self._unsettled.pop(campaign_id, None)
        if until is not None and until > self._retry.clock():
            self._retry.sleep(until - self._retry.clock())

    def _await_landing(self, request: WriteRequest, until: float) -> bool | None:
        """True once the campaign shows the write landed; None when `until` passes first."""
        while True:
            if request.settled and self.get_status(request.campaign_id) in request.settled:
                return True
            remaining = until - self._retry.clock()
            if remaining <= 0:
                return None
            self._retry.sleep(min(LANDING_POLL_S, remaining))

    def _attempt(self, method: str, payload: dict[str, Any], campaign_id: int | None) -> Any:
        """One request. Every error it raises has the token redacted, wherever the text came from."""
        try:
            return self._attempt_unredacted(method, payload, campaign_id)
        except TransientFailure as failure:
            self._redact_error(failure.final)
            raise
        except AltcraftError as error:
            self._redact_error(error)
            raise

    def _redact_error(self, error: Exception) -> None:
        error.args = tuple(self.redact(arg) if isinstance(arg, str) else arg for arg in error.args)

    def _attempt_unredacted(self, method: str, payload: dict[str, Any], campaign_id: int | None) -> Any:
        url = f"{self.base_url}/scampaigns/{method}"
        about = f"scampaigns/{method}" + (f" for campaign {campaign_id}" if campaign_id is not None else "")
        connect_s, deadline_s = self._timeout
        sent_at = machine_now()
        try:
            answer = self._post(url, {"token": self._token, **payload}, connect_s, deadline_s)
        except transport.DeadlineExceeded:
            message = (
                f"Altcraft at {self.base_url} did not answer {about} within {deadline_s:g}s "
                f"({self._names.request_timeout})"
            )
            raise TransientFailure(TransportError(message, transient=True), may_have_landed=True) from None
        except transport.ResponseTooLarge as exc:
            message = f"Altcraft at {self.base_url} answered {about} with a body too large to read ({exc}); refused"
            raise MalformedResponse(message) from None
        except requests.exceptions.SSLError as exc:
            host = urlsplit(self.base_url).hostname
            if not_tls(exc):
                raise Refused(
                    f"{urlsplit(self.base_url).netloc} does not speak TLS: it answered the https:// handshake with "
                    "something else, most often plain HTTP. If Altcraft serves plain HTTP there, write http:// in "
                    f"{self._names.url}; else use the port it serves HTTPS on"
                ) from None
            message = (
                f"cannot verify the TLS certificate of {host} ({tls_reason(exc)}). If your Altcraft uses a "
                "private certificate authority, set REQUESTS_CA_BUNDLE to its CA certificate file (PEM)"
            )
            raise Refused(message) from None
        except requests.exceptions.ConnectTimeout:
            message = f"cannot reach Altcraft at {self.base_url} ({about}): no connection within {connect_s:g}s"
            raise TransientFailure(TransportError(message, transient=True)) from None
        except (requests.RequestException, OSError) as exc:
            if unresolvable(exc):  # a wrong host name does not start to resolve within a retry budget
                host = urlsplit(self.base_url).hostname
                message = (
                    f"cannot reach Altcraft at {self.base_url}: the host name {host!r} does not resolve (DNS). "
                    f"Check {self._names.url}"
                )
                raise TransportError(message, transient=True) from None
            message = f"cannot reach Altcraft at {self.base_url} ({about}): {network_reason(exc)}"
            error = TransportError(message, transient=True)
            raise TransientFailure(error, may_have_landed=not never_sent(exc)) from None
        if 300 <= answer.status < 400:
            target = urlsplit(answer.headers.get("Location", "")).hostname or "an address it did not give"
            raise Refused(
                f"Altcraft at {self.base_url} answered {about} with HTTP {answer.status}, a redirect to {target}. "
                f"Not followed: the request carries the API token. Set {self._names.url} to the "
                "address Altcraft answers on itself"
            )
        # Altcraft stamped its Date between sending and receiving: the midpoint halves what the
        # round trip adds to the clock offset (as NTP reads a server's time).
        self.clock.observe(answer.headers.get("Date"), sent_at + (machine_now() - sent_at) / 2)
        return self._unwrap(answer, about, campaign_id)

    def _post(self, url: str, body: dict[str, Any], connect_s: float, deadline_s: float) -> transport.Answer:
        """One POST; a host name that does not resolve gets one more look, HOST_LOOKUP_RETRY_S later
        (a resolver that just restarted), and no more: the retry budget is for outages, not typos."""
        try:
            return transport.post_json(self._session, url, body, connect_timeout=connect_s, deadline_s=deadline_s)
        except (requests.RequestException, OSError) as exc:
            if not unresolvable(exc):
                raise
        self._retry.sleep(HOST_LOOKUP_RETRY_S)
        return transport.post_json(self._session, url, body, connect_timeout=connect_s, deadline_s=deadline_s)

    def _unwrap(self, answer: transport.Answer, about: str, campaign_id: int | None) -> Any:
        status = answer.status
        retry_after = parse_retry_after(answer.headers.get("Retry-After"))
        try:
            body = json.loads(answer.body)
        except ValueError:
            body = None
        if not isinstance(body, dict) or "error" not in body:
            if status >= 400:
                raise _failure(self._http_error(status, about, answer.url), status, retry_after)
            kind = answer.headers.get("Content-Type", "unknown content type")
            # A cut-off body or a proxy's page: worth another try, and an error if it persists.
            error = MalformedResponse(
                f"Altcraft answered {about} with something other than its JSON envelope ({kind})", transient=True
            )
            raise TransientFailure(error, may_have_landed=True)
        code = body.get("error")
        if not isinstance(code, int) or isinstance(code, bool):
            raise MalformedResponse(f"Altcraft answered {about} with a non-numeric error field: {code!r}")
        if code != 0:
            error = self._error(code, str(body.get("error_text") or ""), about, campaign_id, status, answer.url)
            # Altcraft's own envelope: it handled the call, so nothing of it is still in flight.
            raise _failure(error, code if code in TRANSIENT_STATUS else status, retry_after, answered=True)
        if status >= 400:
            # error 0 with an HTTP error status: trust neither.
            raise _failure(self._http_error(status, about, answer.url), status, retry_after)
        return body.get("data")

    def _http_error(self, status: int, about: str, url: str) -> TransportError:
        # 404/405 without Altcraft's envelope: most often the URL setting is not the API's address.
        hint = f"; is {self._names.url} Altcraft's address?" if status in (400, 404, 405) else ""
        return TransportError(f"HTTP {status} from Altcraft on {about} (called {url}{hint})", http_status=status)

    def _error(self, code: int, text: str, about: str, campaign_id: int | None, status: int, url: str) -> AltcraftError:
        detail = f"error {code}" + (f": {text}" if text else "")
        if code == ERROR_NOT_FOUND and "unknown method" in text.lower():
            # Not a campaign that is missing: the address does not lead to the campaigns API.
            return TransportError(
                f"Altcraft does not know {about} at {url} ({detail}): is {self._names.url} Altcraft's API "
                "address (https://HOST/api/v1.1, or the host alone)?",
                code=code,
                http_status=status,
            )
        if code == ERROR_BAD_TOKEN:
            return BadToken(
                f"Altcraft rejected the API token ({detail}); check {self._names.token}",
                code=code,
                http_status=status,
            )
        if code == ERROR_NO_RIGHTS:
            return NoRights(
                f"the API token may not call {about} ({detail}); it needs the Campaigns rights "
                "(View object, Run) and access to the campaign's groups",
                code=code,
                http_status=status,
            )
        if code == ERROR_NOT_FOUND or "not found" in text.lower():
            what = f"campaign {campaign_id}" if campaign_id is not None else "the campaign"
            return NotFound(f"{what} was not found in Altcraft ({detail})", code=code, http_status=status)
        return AltcraftError(f"Altcraft refused {about} ({detail})", code=code, http_status=status)

    def _without_secrets(self, item: Any) -> Any:
        """A campaign's name and editor are text people type: the token (or the URL's password)
        typed into one never reaches a line, a state or a comment."""
        if not isinstance(item, LiveCampaign):
            return item
        name, editor = self.redact(item.name), self.redact(item.changed_by) if item.changed_by else item.changed_by
        if (name, editor) == (item.name, item.changed_by):
            return item
        return dataclasses.replace(item, name=name, changed_by=editor)

    def redact(self, text: str) -> str:
        """`text` without the token or the URL's password, wherever it came from.

        Altcraft's address itself is left whole when it does not hold the token: a short token can
        be part of it (`api`, a letter of the host), and a message must still name the URL it called.
        """
        text = without_password(text, self.base_url)
        if not self._token:
            return text
        address = without_password(self.base_url, self.base_url)
        if carries(address, self._token):  # hidden everywhere, the address included
            return text.replace(self._token, "***")
        return address.join(part.replace(self._token, "***") for part in text.split(address))


def _failure(error: AltcraftError, status: int, retry_after: float | None, answered: bool = False) -> Exception:
    """Worth another try when the status (HTTP or `error` code) is a transient one, else final.
    `answered`: Altcraft's envelope came back, so the call cannot still land."""
    if status not in TRANSIENT_STATUS:
        return error
    error.transient = True
    in_flight = not answered and status in MAY_HAVE_LANDED_STATUS
    return TransientFailure(error, retry_after, may_have_landed=in_flight)
