"""The local Altcraft stand-in follows altcraft-api.md: envelope, auth, states, paging, persistence."""

import json
from pathlib import Path

import pytest
import requests

from tests.conftest import TOKEN, VIEWER_TOKEN, LocalAltcraft, start_altcraft


def call(local: LocalAltcraft, method: str, body: dict, **kwargs) -> tuple[int, dict]:
    response = requests.post(f"{local.url}/api/v1.1/scampaigns/{method}", json=body, timeout=5, **kwargs)
    return response.status_code, response.json()


def test_success_envelope(altcraft: LocalAltcraft) -> None:
    status, body = call(altcraft, "get_status", {"token": TOKEN, "id": 18})
    assert (status, body) == (200, {"data": {"status": "inactive"}, "error": 0, "error_text": "Successful operation"})
    status, body = call(altcraft, "get", {"token": TOKEN, "id": 18})
    assert isinstance(body["data"], list) and body["data"][0]["name"] == "Black Friday"
    assert {"is_delete", "createtime", "updatetime", "updated_user", "audience"} <= set(body["data"][0])


@pytest.mark.parametrize(
    "how",
    [
        {"json": {"id": 18}, "headers": {"Authorization": f"Bearer {TOKEN}"}},
        {"json": {"id": 18, "token": TOKEN}},
        {"json": {"id": 18}, "params": {"token": TOKEN}},
    ],
)
def test_token_in_body_header_or_query(altcraft: LocalAltcraft, how: dict) -> None:
    response = requests.post(f"{altcraft.url}/api/v1.1/scampaigns/get_status/", timeout=5, **how)
    assert response.json()["error"] == 0


def test_auth_and_rights(altcraft: LocalAltcraft) -> None:
    assert call(altcraft, "get", {"id": 18})[1]["error"] == 401
    assert call(altcraft, "get", {"token": "nope", "id": 18})[1]["error"] == 401
    assert call(altcraft, "get", {"token": VIEWER_TOKEN, "id": 18})[1]["error"] == 0
    status, body = call(altcraft, "activate", {"token": VIEWER_TOKEN, "id": 18})
    assert (status, body["error"]) == (403, 403)
    assert call(altcraft, "list", {"token": VIEWER_TOKEN})[1]["error"] == 403  # list needs Run (sic)


@pytest.mark.parametrize(
    ("campaign_id", "method", "error", "state_after"),
    [
        (18, "activate", 0, "active"),
        (19, "activate", 0, "active"),  # idempotent
        (19, "deactivate", 0, "inactive"),
        (18, "deactivate", 0, "inactive"),  # idempotent
        (22, "activate", 0, "active"),  # waiting -> active now
        (22, "deactivate", 0, "inactive"),
        (30, "activate", 400, "completed"),  # terminal
        (31, "deactivate", 400, "deleted"),
        (19, "completed", 0, "completed"),
        (999, "activate", 404, None),
    ],
)
def test_state_machine(altcraft: LocalAltcraft, campaign_id, method, error, state_after) -> None:
    assert call(altcraft, method, {"token": TOKEN, "id": campaign_id})[1]["error"] == error
    assert altcraft.admin.states().get(campaign_id) == state_after


def test_activate_in_the_future_waits(altcraft: LocalAltcraft) -> None:
    call(altcraft, "activate", {"token": TOKEN, "id": 18, "activate_date": "2999-01-01T00:00:00Z"})
    assert altcraft.admin.states()[18] == "waiting"
    call(altcraft, "activate", {"token": TOKEN, "id": 23, "start_date": ""})
    assert altcraft.admin.states()[23] == "active"


def test_list_paging_is_inclusive_and_ordered(altcraft: LocalAltcraft) -> None:
    body = call(altcraft, "list", {"token": TOKEN, "from_id": 19, "limit": 3})[1]
    assert [c["id"] for c in body["data"]] == [19, 21, 22]
    body = call(altcraft, "list", {"token": TOKEN, "state": "completed"})[1]
    assert [c["id"] for c in body["data"]] == [30]


def test_bad_requests(altcraft: LocalAltcraft) -> None:
    assert call(altcraft, "get", {"token": TOKEN})[1]["error"] == 400
    assert call(altcraft, "get", {"token": TOKEN, "id": "18"})[1]["error"] == 400
    assert call(altcraft, "list", {"token": TOKEN, "state": "paused"})[1]["error"] == 400
    response = requests.post(f"{altcraft.url}/api/v1.1/scampaigns/get", data=b"{not json", timeout=5)
    assert response.json()["error"] == 400


def test_errors_inside_http_200(tmp_path: Path) -> None:
    local = start_altcraft(tmp_path / "a.json", error_status="200")
    try:
        status, body = call(local, "get", {"token": "nope", "id": 18})
        assert (status, body["error"]) == (200, 401)
    finally:
        local.server.stop()


def test_state_survives_a_restart_and_calls_are_counted(tmp_path: Path) -> None:
    data = tmp_path / "a.json"
    first = start_altcraft(data)
    call(first, "activate", {"token": TOKEN, "id": 18})
    call(first, "get", {"token": TOKEN, "id": 18})
    assert first.admin.calls() == {"activate": 1, "get": 1}
    first.server.stop()
    second = start_altcraft(data, seed={"tokens": {}, "campaigns": []})  # existing file wins over the seed
    try:
        assert second.admin.states()[18] == "active"
        assert second.admin.calls() == {}
        assert json.loads(data.read_text())["campaigns"][0]["id"] == 18
    finally:
        second.server.stop()


def test_web_ui_changes_are_not_api_calls(altcraft: LocalAltcraft) -> None:
    altcraft.admin.set_state(18, "active")
    altcraft.admin.remove(23)
    assert altcraft.admin.states()[18] == "active" and 23 not in altcraft.admin.states()
    assert altcraft.admin.calls() == {}
