"""The local Altcraft stand-in follows altcraft-api.md: envelope, auth, states, paging, persistence."""

import json
from pathlib import Path

import pytest
import requests

from tests.support.stand_in import TOKEN, VIEWER_TOKEN, LocalAltcraft, start_altcraft


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


def test_an_issued_token_works_and_a_revoked_one_is_refused(altcraft: LocalAltcraft) -> None:
    altcraft.admin.issue_token("rotated/token+1", rights=["view"])
    assert call(altcraft, "get", {"token": "rotated/token+1", "id": 18})[1]["error"] == 0
    assert call(altcraft, "activate", {"token": "rotated/token+1", "id": 18})[1]["error"] == 403
    altcraft.admin.revoke_token(TOKEN)
    assert call(altcraft, "get", {"token": TOKEN, "id": 18})[1]["error"] == 401
    with pytest.raises(requests.HTTPError):
        altcraft.admin.revoke_token(TOKEN)  # already gone


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


def test_every_change_records_who_made_it_and_when_on_the_stand_in_clock(altcraft: LocalAltcraft) -> None:
    """Altcraft's `updated_user` and `updatetime`: the token's user, an admin call's user, or the default."""
    from provider.altcraft.client import AltcraftClient

    altcraft.admin.set_clock("2026-11-28T13:02:31+03:00")
    altcraft.admin.issue_token("tok-ci-bot", user="ci.bot")
    AltcraftClient(altcraft.url, "tok-ci-bot").deactivate(19)
    altcraft.admin.set_state(18, "active", user="j.smith")
    altcraft.admin.set_state(21, "inactive")
    AltcraftClient(altcraft.url, TOKEN).activate(23)
    campaigns = altcraft.admin.campaigns()
    edits = {i: (campaigns[i]["updated_user"], campaigns[i]["updatetime"][:16]) for i in (18, 19, 21, 23)}
    assert edits == {
        19: ("ci.bot", "2026-11-28T10:02"),
        18: ("j.smith", "2026-11-28T10:02"),
        21: ("web.ui", "2026-11-28T10:02"),
        23: ("api.user", "2026-11-28T10:02"),
    }
    # The client reads both, from `get` and from the listing alike.
    live = AltcraftClient(altcraft.url, TOKEN).get(18)
    assert live.changed_by == "j.smith" and live.changed_at is not None
    assert live.changed_at.isoformat(timespec="minutes") == "2026-11-28T10:02+00:00"
    listed = {c.id: c for c in AltcraftClient(altcraft.url, TOKEN).list_all()}
    assert (listed[18].changed_by, listed[18].changed_at) == (live.changed_by, live.changed_at)


# -- dates and the clock ------------------------------------------------------------------


@pytest.mark.parametrize("start_key", ["activate_date", "start_date"])
def test_a_window_on_the_stand_in_clock(altcraft: LocalAltcraft, start_key: str) -> None:
    altcraft.admin.set_clock("2026-11-26T12:00:00+03:00")
    body = {
        "token": TOKEN,
        "id": 18,
        start_key: "2026-11-27T00:00:00+03:00",
        "deactivate_date": "2026-12-01T00:00:00+03:00",
        "completed_date": "2026-12-31T00:00:00Z",
    }
    assert call(altcraft, "activate", body)[1]["error"] == 0
    assert altcraft.admin.states()[18] == "waiting"
    for moment, state in [
        ("2026-11-26T23:59:59+03:00", "waiting"),
        ("2026-11-27T00:00:00+03:00", "active"),
        ("2026-12-01T00:00:00+03:00", "inactive"),
        ("2026-12-31T00:00:00Z", "completed"),
    ]:
        altcraft.admin.set_clock(moment)
        assert call(altcraft, "get_status", {"token": TOKEN, "id": 18})[1]["data"]["status"] == state, moment
    campaign = altcraft.admin.campaigns()[18]
    assert (campaign["updated_user"], campaign["updatetime"]) == ("scheduler", "2026-12-31T00:00:00.000Z")
    assert altcraft.admin.schedules() == {}


def test_dates_jump_in_order_when_the_clock_passes_several(altcraft: LocalAltcraft) -> None:
    altcraft.admin.set_clock("2026-11-26T12:00:00Z")
    body = {
        "token": TOKEN,
        "id": 18,
        "activate_date": "2026-11-27T00:00:00Z",
        "deactivate_date": "2026-11-28T00:00:00Z",
    }
    call(altcraft, "activate", body)
    altcraft.admin.set_clock("2026-12-01T00:00:00Z")
    assert altcraft.admin.states()[18] == "inactive"  # activated, then deactivated


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"activate_date": "2026-11-27T00:00:00"}, "has no time-zone offset"),
        ({"activate_date": "next friday"}, "is not an RFC 3339 date"),
        ({"activate_date": "2026-11-27T00:00:00Z", "deactivate_date": "2026-11-26T00:00:00Z"}, "must be after"),
        ({"deactivate_date": "2026-11-26T00:00:00Z"}, "deactivate_date must be after the activation"),
    ],
)
def test_bad_dates_are_refused_and_change_nothing(altcraft: LocalAltcraft, body: dict, message: str) -> None:
    altcraft.admin.set_clock("2026-11-26T12:00:00Z")
    status, answer = call(altcraft, "activate", {"token": TOKEN, "id": 18, **body})
    assert (status, answer["error"]) == (400, 400) and message in answer["error_text"]
    assert altcraft.admin.states()[18] == "inactive" and altcraft.admin.schedules() == {}


def test_a_deactivation_or_a_hand_made_change_cancels_pending_dates(altcraft: LocalAltcraft) -> None:
    altcraft.admin.set_clock("2026-11-26T12:00:00Z")
    for cancel in ("api", "ui"):
        call(altcraft, "activate", {"token": TOKEN, "id": 18, "activate_date": "2026-11-27T00:00:00Z"})
        assert 18 in altcraft.admin.schedules()
        if cancel == "api":
            call(altcraft, "deactivate", {"token": TOKEN, "id": 18})
        else:
            altcraft.admin.set_state(18, "inactive")
        assert altcraft.admin.schedules() == {}
    altcraft.admin.set_clock("2026-11-28T00:00:00Z")
    assert altcraft.admin.states()[18] == "inactive"


def test_the_date_header_and_a_restart_follow_the_clock(tmp_path: Path) -> None:
    from email.utils import parsedate_to_datetime

    first = start_altcraft(tmp_path / "a.json")
    first.admin.set_clock("2027-01-01T00:00:00Z")
    first.server.stop()
    again = start_altcraft(tmp_path / "a.json")
    try:
        response = requests.post(
            f"{again.url}/api/v1.1/scampaigns/get_status", json={"token": TOKEN, "id": 18}, timeout=5
        )
        sent = parsedate_to_datetime(response.headers["Date"])
        assert abs((sent - parsedate_to_datetime("Fri, 01 Jan 2027 00:00:00 GMT")).total_seconds()) < 30
    finally:
        again.server.stop()


def test_a_busy_port_is_one_clear_line_and_writes_nothing(tmp_path: Path, altcraft: LocalAltcraft) -> None:
    import subprocess
    import sys

    port = altcraft.url.rsplit(":", 1)[1]
    data = tmp_path / "new.json"
    run = subprocess.run(
        [sys.executable, "-m", "altcraft_local", "--port", port, "--data", str(data)],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines() == [
        f"altcraft-local: cannot listen on 127.0.0.1:{port}: address already in use; nothing was written "
        "(choose another --port, or stop what listens there)"
    ]
    assert not data.exists()


def test_a_web_ui_edit_lands_when_the_chosen_listing_arrives(altcraft: LocalAltcraft) -> None:
    from provider.altcraft.client import AltcraftClient

    client = AltcraftClient(altcraft.url, TOKEN)
    altcraft.admin.reset_calls()
    altcraft.admin.set_state_on_listing(2, 18, "active", user="m.jones")
    assert {c.id: c.state for c in client.list_all()}[18] == "inactive"  # the first listing: not yet
    assert altcraft.admin.states()[18] == "inactive"
    second = {c.id: c for c in client.list_all()}[18]  # the second sees it: made before it was answered
    assert (second.state, second.changed_by) == ("active", "m.jones")
    assert altcraft.admin.listings() == 2  # the pages after the first are the same listing
    with pytest.raises(requests.HTTPError):
        altcraft.admin.set_state_on_listing(1, 18, "inactive")  # already came
