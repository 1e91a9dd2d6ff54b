"""The client against a hostile server on 127.0.0.1: nothing leaks, nothing hangs, an outage fails fast.

Each test is a case of the issue "Hostile networks and hostile data", reproduced with tests/hostile.py.
"""

from __future__ import annotations

import resource
import threading
import time

import pytest
import trustme

from provider.altcraft import client as client_module
from provider.altcraft.client import AltcraftClient
from provider.altcraft.live_view import LiveView
from provider.altcraft.retry import RetryPolicy
from provider.errors import MalformedResponse, Refused, TransportError
from tests.support.hostile import HostileServer, campaigns, envelope, huge, redirect, trickle
from tests.support.stand_in import TOKEN

FAST_RETRY = RetryPolicy(budget_s=2.0, base_delay_s=0.05, max_delay_s=0.2)


def client(url: str, *, deadline_s: float = 2.0, retry: RetryPolicy = FAST_RETRY) -> AltcraftClient:
    return AltcraftClient(url, TOKEN, timeout=(1.0, deadline_s), retry=retry)


# 1. Redirects never carry the token anywhere.


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_to_another_host_is_refused_and_nothing_reaches_it(status: int) -> None:
    with HostileServer(envelope(lambda _r: [])) as elsewhere:
        # Another host name (the client talks to 127.0.0.1), and still only 127.0.0.1 underneath.
        other_host = elsewhere.url.replace("127.0.0.1", "localhost")
        altcraft = HostileServer(redirect(status, f"{other_host}/api/v1.1/scampaigns/get"))
        with altcraft:
            c = client(altcraft.url)
            for _ in range(3):
                with pytest.raises(Refused) as caught:
                    c.get(18)
        message = str(caught.value)
        assert f"HTTP {status}, a redirect to localhost" in message
        assert "Not followed: the request carries the API token" in message and TOKEN not in message
        assert elsewhere.requests == []
        assert len(altcraft.requests) == 1  # not retried, and remembered for the process


# 2. One deadline per attempt, a cap on the answer, a bound on pages.


@pytest.mark.parametrize("in_headers", [False, True])
def test_a_trickled_answer_ends_at_the_deadline_of_each_attempt(in_headers: bool) -> None:
    with HostileServer(trickle(every_s=0.2, in_headers=in_headers)) as altcraft:
        start = time.monotonic()
        with pytest.raises(TransportError, match=r"did not answer scampaigns/get for campaign 18 within 1s"):
            client(altcraft.url, deadline_s=1.0, retry=RetryPolicy(budget_s=0)).get(18)
        assert time.monotonic() - start < 2.0  # the read timeout (1 s) restarts with every byte; the deadline does not


def test_retries_of_a_trickle_stay_within_the_budget() -> None:
    with HostileServer(trickle(every_s=0.2)) as altcraft:
        start = time.monotonic()
        with pytest.raises(TransportError, match=r"gave up after \d+ attempts"):
            client(altcraft.url, deadline_s=1.0, retry=RetryPolicy(budget_s=3.0, base_delay_s=0.05)).get(18)
        assert time.monotonic() - start < 3.0 + 1.0 + 0.5  # budget + one deadline + slack


def test_a_huge_answer_is_refused_at_the_cap_once_and_memory_stays_bounded() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    with HostileServer(huge(300 * 1024 * 1024)) as altcraft:
        with pytest.raises(MalformedResponse, match="with a body too large to read"):
            client(altcraft.url, deadline_s=20.0).get(18)
        assert len(altcraft.requests) == 1  # not downloaded again on a retry
        assert altcraft.bytes_sent < 200 * 1024 * 1024
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 160, grown_mb


def test_an_announced_huge_answer_is_refused_before_reading_it() -> None:
    with (
        HostileServer(huge(300 * 1024 * 1024, announce=True)) as altcraft,
        pytest.raises(MalformedResponse, match="314572800 bytes announced"),
    ):
        client(altcraft.url).get(18)


def test_a_listing_that_never_ends_stops_at_the_page_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "MAX_LISTED_CAMPAIGNS", 10_000)

    def endless(request) -> list:  # a full page after every page, ids always growing
        start = request.json()["from_id"]
        return campaigns(list(range(start, start + 1000)))

    with HostileServer(envelope(endless)) as altcraft:
        with pytest.raises(MalformedResponse, match=r"did not end after 11 pages \(more than 10,000 campaigns\)"):
            list(client(altcraft.url).list_all())
        assert len(altcraft.requests) == 11


# 3. An outage is found once per process, in one clean line; TLS failures are final.


def test_an_outage_spends_the_budget_once_and_every_other_read_fails_at_once() -> None:
    with HostileServer(envelope(lambda _r: [])) as probe:
        closed_url = probe.url  # a port that was just free: nothing listens there any more
    view = LiveView(client(closed_url, retry=RetryPolicy(budget_s=1.5, base_delay_s=0.05, max_delay_s=0.2)))
    errors: list[str] = []

    def read(campaign_id: int) -> None:
        try:
            view.get(campaign_id)
        except TransportError as error:
            errors.append(str(error))

    start = time.monotonic()
    threads = [threading.Thread(target=read, args=(i,)) for i in range(1, 41)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert time.monotonic() - start < 1.5 + 1.0
    assert len(errors) == 40 and len(set(errors)) == 1
    assert errors[0].startswith(f"cannot reach Altcraft at {closed_url}/api/v1.1 (scampaigns/list): connection refused")
    assert "HTTPConnectionPool" not in errors[0] and "Max retries" not in errors[0]


def test_an_untrusted_certificate_is_final_and_says_how_to_trust_a_private_ca(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ca = trustme.CA()
    server_context = trustme.ssl.create_default_context(trustme.ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    with HostileServer(envelope(lambda _r: campaigns([18])), tls=server_context) as altcraft:
        monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
        with pytest.raises(Refused, match=r"cannot verify the TLS certificate of 127\.0\.0\.1") as caught:
            client(altcraft.url).get(18)
        assert "set REQUESTS_CA_BUNDLE to its CA certificate file (PEM)" in str(caught.value)
        assert altcraft.requests == [] and altcraft.connections == 1  # no retry

        bundle = tmp_path / "ca.pem"
        ca.cert_pem.write_to_path(str(bundle))
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
        assert client(altcraft.url).get(18).name == "Campaign 18"


# 4. Paging to the end; a campaign listed twice is not trusted either way.


def test_a_short_page_is_not_the_end() -> None:
    visible = list(range(1, 2501, 2))  # a token that sees half the campaigns, filtered after paging

    def filtered(request) -> list:
        start, limit = request.json()["from_id"], request.json()["limit"]
        return campaigns([i for i in visible if start <= i < start + limit])

    with HostileServer(envelope(filtered)) as altcraft:
        assert [c.id for c in client(altcraft.url).list_all()] == visible


def test_a_campaign_listed_twice_is_unreadable() -> None:
    def twice(request) -> list:
        return campaigns([7, 7, 8]) if request.json()["from_id"] == 1 else []

    with HostileServer(envelope(twice)) as altcraft:
        view = LiveView(client(altcraft.url))
        assert view.get(8).id == 8
        with pytest.raises(MalformedResponse, match="listed campaign 7 more than once"):
            view.get(7)
