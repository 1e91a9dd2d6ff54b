"""Issue 19's cases that need no engine: names that look alike, a URL with a password, a host that
does not resolve, https against plain HTTP, and a listing that fails or holds one broken item."""

from __future__ import annotations

import pytest

from provider.altcraft.client import AltcraftClient
from provider.altcraft.live_view import LiveView
from provider.altcraft.retry import RetryPolicy
from provider.errors import ListingFailed, MalformedResponse, Refused, TransportError
from provider.settings import STACK_CONFIG_NAMES
from tests.support.hostile import HostileServer, campaigns, envelope
from tests.support.stand_in import TOKEN, LocalAltcraft


def test_a_password_in_the_url_is_redacted_everywhere_a_url_is_printed() -> None:
    client = AltcraftClient("http://ops:Pa55-word@127.0.0.1:9", TOKEN, retry=RetryPolicy(max_attempts=1))
    assert "Pa55-word" not in repr(client)
    with pytest.raises(TransportError) as raised:
        client.get(1)
    assert "Pa55-word" not in str(raised.value) and "http://ops:***@127.0.0.1:9" in str(raised.value)


def test_a_host_name_that_does_not_resolve_fails_after_one_short_second_look() -> None:
    sleeps: list[float] = []
    client = AltcraftClient("http://altcraft.example.invalid", TOKEN, retry=RetryPolicy(sleep=sleeps.append))
    with pytest.raises(TransportError, match=r"the host name .altcraft\.example\.invalid. does not resolve"):
        client.get(1)
    assert sleeps == [1.0]  # one second look, not the retry budget's ten attempts
    with pytest.raises(TransportError, match="does not resolve"):
        client.get(2)  # remembered: no more lookups
    assert sleeps == [1.0]


def test_https_against_a_plain_http_server_says_so(altcraft: LocalAltcraft) -> None:
    # The stand-in answers the TLS hello as any HTTP server does: with an HTTP 400.
    https = altcraft.url.replace("http://", "https://")
    client = AltcraftClient(https, TOKEN, retry=RetryPolicy(max_attempts=1), names=STACK_CONFIG_NAMES)
    with pytest.raises(Refused) as raised:
        client.get(1)
    message = str(raised.value)
    assert "does not speak TLS" in message and "write http:// in altcraft:url" in message
    assert "REQUESTS_CA_BUNDLE" not in message


def test_one_broken_listed_item_spoils_only_itself_and_is_listed_once() -> None:
    def pages(request) -> list:
        if request.json()["from_id"] != 1:
            return []
        return [*campaigns([7, 8]), {"id": "9", "name": "Nine", "state": "active"}, {"name": "no id at all"}]

    with HostileServer(envelope(pages)) as altcraft:
        view = LiveView(AltcraftClient(altcraft.url, TOKEN))
        assert view.get(8).name == "Campaign 8"
        with pytest.raises(MalformedResponse, match=r"without a numeric id: .9."):
            view.get(9)
        lists = sum(1 for request in altcraft.requests if request.path.endswith("/list"))
    assert lists == 2  # one walk: the page, then the empty page that ends it


def test_a_listing_that_fails_is_walked_once_and_fails_every_read_as_one_error() -> None:
    def ignores_from_id(_request) -> list:
        return campaigns([1, 2])

    with HostileServer(envelope(ignores_from_id)) as altcraft:
        view = LiveView(AltcraftClient(altcraft.url, TOKEN))
        for campaign_id in (1, 2, 3):
            with pytest.raises(ListingFailed, match=r"cannot list Altcraft.s campaigns: .*ignored from_id"):
                view.get(campaign_id)
        lists = sum(1 for request in altcraft.requests if request.path.endswith("/list"))
    assert lists == 2
