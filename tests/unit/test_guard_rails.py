"""Issue 19's cases that need no engine: names that look alike, a URL with a password, a host that
does not resolve, https against plain HTTP, and a listing that fails or holds one broken item."""

from __future__ import annotations

import unicodedata

import pytest

from provider.altcraft.client import AltcraftClient
from provider.altcraft.live_view import LiveView
from provider.altcraft.model import LiveCampaign as Campaign
from provider.altcraft.retry import RetryPolicy
from provider.campaigns.loader import CampaignSpec, missing_name_guards
from provider.campaigns.names import difference, same_name
from provider.errors import CampaignError, ListingFailed, MalformedResponse, Refused, SettingsError, TransportError
from provider.planning.reconcile import Desired, check_name
from provider.settings import CLIENT_NAMES, Settings, name_guards_required
from tests.conftest import TOKEN, LocalAltcraft
from tests.hostile import HostileServer, campaigns, envelope

NFC = unicodedata.normalize("NFC", "Café Noël")
NFD = unicodedata.normalize("NFD", "Café Noël")


def guard(name: str, live_name: str) -> None:
    check_name(Desired(campaign_id=7, active=True, expected_name=name), Campaign(7, live_name, "inactive"))


def test_canonically_equal_names_pass_the_guard() -> None:
    assert NFC != NFD and same_name(NFC, NFD)
    guard(NFC, NFD)  # no error: the same text, written two ways


def test_look_alike_names_fail_and_show_the_code_points_that_differ() -> None:
    with pytest.raises(CampaignError) as raised:
        guard("Black Friday", "\u0412lack Friday")  # Cyrillic capital VE for the Latin B
    assert (
        "they only look alike: character 1 is U+0042 LATIN CAPITAL LETTER B in the file, "
        "U+0412 CYRILLIC CAPITAL LETTER VE in Altcraft"
    ) in str(raised.value)
    assert difference("Black Friday", "Cyber Monday") is None  # plainly different: no code points
    assert not same_name("ﬁnal", "final")  # compatibility forms are other characters


def test_a_password_in_the_url_is_redacted_everywhere_a_url_is_printed() -> None:
    client = AltcraftClient("http://ops:Pa55-word@127.0.0.1:9", TOKEN, retry=RetryPolicy(max_attempts=1))
    assert "Pa55-word" not in repr(client)
    with pytest.raises(TransportError) as raised:
        client.get(1)
    assert "Pa55-word" not in str(raised.value) and "http://ops:***@127.0.0.1:9" in str(raised.value)


def test_a_password_in_plain_stack_config_is_refused_with_the_command_that_encrypts_it() -> None:
    config = {"altcraft:url": "https://ops:Pa55-word@altcraft.example", "altcraft:token": TOKEN}
    with pytest.raises(SettingsError) as raised:
        Settings.from_sources(config.get, {}, is_secret=lambda key: key == "altcraft:token")
    assert "`pulumi config set --secret altcraft:url`" in str(raised.value)
    assert "Pa55-word" not in str(raised.value)
    # Stored as a secret (or passed in ALTCRAFT_URL, which never reaches the state), it is used.
    assert Settings.from_sources(config.get, {}, is_secret=lambda _key: True).url.startswith("https://ops:")


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
    client = AltcraftClient(https, TOKEN, retry=RetryPolicy(max_attempts=1), names=CLIENT_NAMES)
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


def test_name_guards_are_required_in_production_stacks_unless_the_stack_says_otherwise() -> None:
    assert name_guards_required(lambda _key: None, "production") == (
        True,
        "altcraft:requireNameGuards (default: on for stacks named prod*)",
    )
    assert name_guards_required(lambda _key: None, "staging")[0] is False
    assert name_guards_required({"altcraft:requireNameGuards": "true"}.get, "staging") == (
        True,
        "altcraft:requireNameGuards",
    )
    with pytest.raises(SettingsError, match="must be true or false"):
        name_guards_required({"altcraft:requireNameGuards": "yes"}.get, "prod")
    specs = [CampaignSpec(id=18, active=False, name="Black Friday", line=2), CampaignSpec(id=19, active=False, line=4)]
    [problem] = missing_name_guards(specs, "production", "altcraft:requireNameGuards")
    assert problem.render("campaigns.yaml").startswith("campaigns.yaml:4: campaign 19: has no name guard")
