"""AltcraftClient against the local server, and against canned responses it must not trust."""

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from requests.adapters import BaseAdapter

from provider.altcraft.client import AltcraftClient, SettingNames
from provider.altcraft.model import LiveCampaign
from provider.altcraft.retry import RetryPolicy
from provider.errors import AltcraftError, BadToken, MalformedResponse, NoRights, NotFound, TransportError
from provider.settings import STACK_CONFIG_NAMES, Settings
from tests.support.stand_in import SEED, TOKEN, VIEWER_TOKEN, LocalAltcraft, start_altcraft

# Error mapping is tested here; retries in test_client_faults.py.
NO_RETRY = RetryPolicy(budget_s=0)


@pytest.fixture(params=["mirror", "200"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LocalAltcraft]:
    """Both ways a server may send errors: with the matching HTTP status, or inside HTTP 200."""
    local = start_altcraft(tmp_path / "altcraft.json", error_status=request.param)
    yield local
    local.server.stop()


def test_get_and_status(server: LocalAltcraft) -> None:
    client = AltcraftClient(server.url, TOKEN)
    assert client.get(18) == LiveCampaign(id=18, name="Black Friday", state="inactive")
    assert client.get_status(19) == "active"
    assert not client.get(22).active  # waiting counts as not active
    assert client.get(30).terminal


def test_activate_and_deactivate_change_state(server: LocalAltcraft) -> None:
    client = AltcraftClient(server.url, TOKEN)
    client.activate(18)
    assert client.get_status(18) == "active"
    client.deactivate(18)
    assert client.get_status(18) == "inactive"
    assert server.admin.calls() == {"activate": 1, "deactivate": 1, "get_status": 2}


def test_list_pages_by_from_id(server: LocalAltcraft) -> None:
    for campaign_id in range(100, 125):
        server.admin.add(campaign_id, f"Bulk {campaign_id}")
    client = AltcraftClient(server.url, TOKEN)
    server.admin.reset_calls()
    everything = list(client.list_all(limit=10))
    assert [c.id for c in everything] == sorted([c["id"] for c in SEED["campaigns"]] + list(range(100, 125)))
    assert server.admin.calls() == {"list": 5}  # 32 campaigns in pages of 10, then the empty page that ends it
    assert [c.id for c in client.list_page(state="active")] == [19, 21]


@pytest.mark.parametrize(
    ("token", "call", "error", "message"),
    [
        ("wrong-token", lambda c: c.get(18), BadToken, "Altcraft rejected the API token (error 401"),
        ("", lambda c: c.get(18), BadToken, "error 401"),
        (VIEWER_TOKEN, lambda c: c.activate(18), NoRights, "may not call scampaigns/activate for campaign 18"),
        (TOKEN, lambda c: c.get(999), NotFound, "campaign 999 was not found in Altcraft"),
        (TOKEN, lambda c: c.activate(30), AltcraftError, "Altcraft refused scampaigns/activate for campaign 30"),
    ],
)
def test_errors_are_mapped_whatever_the_http_status(server: LocalAltcraft, token, call, error, message) -> None:
    with pytest.raises(error, match=re.escape(message)):
        call(AltcraftClient(server.url, token))


def test_the_token_never_appears_in_errors(server: LocalAltcraft) -> None:
    client = AltcraftClient(server.url, TOKEN)
    for call in (lambda: client.get(999), lambda: client.activate(30)):
        with pytest.raises(AltcraftError) as caught:
            call()
        assert TOKEN not in str(caught.value)
    assert TOKEN not in repr(client)


def test_unreachable_server_is_a_transport_error() -> None:
    client = AltcraftClient("http://127.0.0.1:9", TOKEN, timeout=(0.5, 0.5), retry=NO_RETRY)
    with pytest.raises(TransportError, match=re.escape("cannot reach Altcraft at http://127.0.0.1:9")):
        client.get(18)


class Canned(BaseAdapter):
    """Answers every request with one fixed response."""

    def __init__(self, status: int, body: bytes, content_type: str = "application/json"):
        super().__init__()
        self.status, self.body, self.content_type = status, body, content_type
        self.date = ""  # a Date header to send, if any

    def send(self, request: requests.PreparedRequest, **kwargs) -> requests.Response:
        response = requests.Response()
        response.status_code = self.status
        response.raw = io.BytesIO(self.body)
        response.headers["Content-Type"] = self.content_type
        if self.date:
            response.headers["Date"] = self.date
        response.request = request
        response.url = request.url or ""
        return response

    def close(self) -> None:
        pass


def canned_client(
    status: int, body: bytes, content_type: str = "application/json", names: SettingNames = STACK_CONFIG_NAMES
) -> AltcraftClient:
    session = requests.Session()
    session.mount("http://", Canned(status, body, content_type))
    return AltcraftClient("http://altcraft.test", TOKEN, session=session, retry=NO_RETRY, names=names)


@pytest.mark.parametrize(
    ("status", "body", "error", "message"),
    [
        (200, b"<html>maintenance</html>", MalformedResponse, "other than its JSON envelope"),
        (502, b"Bad gateway", TransportError, "HTTP 502 from Altcraft on scampaigns/get for campaign 18"),
        (
            200,
            b'{"data": [{"id": 18, "name": "X"}], "error": 0}',
            MalformedResponse,
            "campaign 18 in an unknown state None",
        ),
        (
            200,
            b'{"data": [{"id": 18, "name": "X", "state": "paused"}], "error": 0}',
            MalformedResponse,
            "unknown state 'paused'",
        ),
        (
            200,
            b'{"data": [{"id": 19, "name": "X", "state": "active"}], "error": 0}',
            MalformedResponse,
            "asked Altcraft for campaign 18, got campaign 19",
        ),
        (200, b'{"data": [{"name": "X", "state": "active"}], "error": 0}', MalformedResponse, "without a numeric id"),
        (200, b'{"data": "active", "error": 0}', MalformedResponse, "returned str for campaign 18"),
        (200, b'{"data": [], "error": 0}', NotFound, "campaign 18 was not found"),
        (
            200,
            b'{"data": null, "error": 400, "error_text": "Campaign not found"}',
            NotFound,
            "campaign 18 was not found",
        ),
        (200, b'{"data": null, "error": 440, "error_text": "odd"}', AltcraftError, "error 440: odd"),
        (200, b'{"data": null, "error": "1"}', MalformedResponse, "non-numeric error field"),
        (500, b'{"data": [], "error": 0}', TransportError, "HTTP 500"),
    ],
)
def test_malformed_or_failed_answers_never_become_a_state(status, body, error, message) -> None:
    with pytest.raises(error, match=re.escape(message)):
        canned_client(status, body).get(18)


def test_the_object_form_of_get_data_is_accepted() -> None:
    client = canned_client(200, b'{"data": {"id": 18, "name": "X", "state": "waiting"}, "error": 0}')
    assert client.get(18) == LiveCampaign(18, "X", "waiting")


def test_an_echoed_token_is_redacted() -> None:
    body = ('{"data": null, "error": 401, "error_text": "token ' + TOKEN + ' is invalid"}').encode()
    with pytest.raises(BadToken) as caught:
        canned_client(200, body).get(18)
    assert TOKEN not in str(caught.value) and "token *** is invalid" in str(caught.value)


def test_list_that_ignores_from_id_does_not_loop_forever() -> None:
    page = ",".join(f'{{"id": {i}, "name": "c", "state": "active"}}' for i in range(1, 3))
    client = canned_client(200, ('{"data": [' + page + '], "error": 0}').encode())
    with pytest.raises(MalformedResponse, match="ignored from_id"):
        list(client.list_all(limit=2))


def test_a_token_inside_an_exception_message_is_redacted() -> None:
    # A URL that (wrongly) carries the token shows up in requests' connection errors.
    client = AltcraftClient(f"http://127.0.0.1:9/{TOKEN}", TOKEN, timeout=(0.5, 0.5), retry=NO_RETRY)
    with pytest.raises(TransportError) as caught:
        client.get(18)
    assert TOKEN not in str(caught.value) and "***" in str(caught.value)


def test_an_http_error_names_the_url_called_and_the_setting_that_chose_it() -> None:
    client = canned_client(404, b"<html>Not Found</html>", "text/html")
    with pytest.raises(TransportError) as caught:
        client.get_status(18)
    assert str(caught.value) == (
        "HTTP 404 from Altcraft on scampaigns/get_status for campaign 18 (called "
        "http://altcraft.test/api/v1.1/scampaigns/get_status; is altcraft:url Altcraft's address?)"
    )


def test_a_message_names_the_variable_when_the_variable_chose_the_value() -> None:
    environ = {"ALTCRAFT_URL": "http://altcraft.test", "ALTCRAFT_TOKEN": TOKEN}
    from_env = Settings.from_sources(lambda _key: None, environ).chosen_by
    assert (from_env.url, from_env.token) == ("ALTCRAFT_URL", "ALTCRAFT_TOKEN")
    with pytest.raises(TransportError, match=r"is ALTCRAFT_URL Altcraft's address\?\)$"):
        canned_client(404, b"<html>Not Found</html>", "text/html", names=from_env).get_status(18)
    with pytest.raises(BadToken, match=r"check ALTCRAFT_TOKEN$"):
        canned_client(401, b'{"error": 401, "error_text": "bad token"}', names=from_env).get(18)


def test_the_client_names_no_setting_of_its_own() -> None:
    """Which key chose the URL is the settings layer's to say; the client alone speaks of its values."""
    client = canned_client(404, b"<html>Not Found</html>", "text/html", names=SettingNames())
    with pytest.raises(TransportError) as caught:
        client.get_status(18)
    assert "is the Altcraft URL setting Altcraft's address?" in str(caught.value)
    assert "altcraft:" not in str(caught.value) and "ALTCRAFT_" not in str(caught.value)


def test_a_token_typed_into_a_name_or_an_editor_never_leaves_the_client(altcraft: LocalAltcraft) -> None:
    """Issue 31: names and editors are text people type, treated as hostile like any other."""
    altcraft.admin.rename(18, f"paste {TOKEN} here", user=f"ops {TOKEN}")
    client = AltcraftClient(altcraft.url, TOKEN)
    for campaign in (client.get(18), next(c for c in client.list_all() if c.id == 18)):
        assert campaign.name == "paste *** here" and campaign.changed_by == "ops ***"


def test_a_wrong_api_path_names_the_url_called_and_the_setting(altcraft: LocalAltcraft) -> None:
    """Issue 32, case 10: `error 404: Unknown method` read as "the campaign was not found"."""
    from provider.errors import TransportError

    client = AltcraftClient(f"{altcraft.url}/altcraft", TOKEN)
    with pytest.raises(TransportError) as caught:
        client.get(18)
    message = str(caught.value)
    assert f"does not know scampaigns/get for campaign 18 at {altcraft.url}/altcraft/api/v1.1/scampaigns/get" in message
    assert "(error 404: Unknown method): is the Altcraft URL setting Altcraft's API address" in message
    assert "not found" not in message
