"""One listing serves every read in a provider process."""

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from provider.altcraft.client import AltcraftClient
from provider.altcraft.live_view import LiveView
from provider.altcraft.model import LiveCampaign
from provider.errors import BadToken, MalformedResponse, NotFound
from tests.support.stand_in import SEED, TOKEN, VIEWER_TOKEN, LocalAltcraft, start_altcraft

MANY = {"tokens": SEED["tokens"], "campaigns": [{"id": i, "name": f"C{i}", "state": "active"} for i in range(1, 2501)]}


@pytest.fixture
def many(tmp_path: Path) -> Iterator[LocalAltcraft]:
    local = start_altcraft(tmp_path / "many.json", seed=MANY)
    yield local
    local.server.stop()


def test_reads_of_n_campaigns_cost_ceil_n_over_1000_plus_one_list_calls(many: LocalAltcraft) -> None:
    view = LiveView(AltcraftClient(many.url, TOKEN))
    assert all(view.get(i).id == i for i in range(1, 2501))
    assert many.admin.calls() == {"list": 4}  # 3 pages, then the empty page that ends the listing


def test_concurrent_first_reads_list_once(many: LocalAltcraft) -> None:
    view = LiveView(AltcraftClient(many.url, TOKEN))
    threads = [threading.Thread(target=lambda i=i: view.get(i)) for i in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert many.admin.calls() == {"list": 4}


def test_an_id_the_listing_lacks_is_fetched_and_a_missing_one_is_not_found(altcraft: LocalAltcraft) -> None:
    view = LiveView(AltcraftClient(altcraft.url, TOKEN))
    view.get(18)
    altcraft.admin.add(40, "Created after the listing", "active")
    assert view.get(40) == LiveCampaign(40, "Created after the listing", "active")
    with pytest.raises(NotFound):
        view.get(999)
    assert altcraft.admin.calls() == {"list": 2, "get": 2}


def test_own_writes_update_the_view(altcraft: LocalAltcraft) -> None:
    view = LiveView(AltcraftClient(altcraft.url, TOKEN))
    assert view.get(18).state == "inactive"
    view.record(LiveCampaign(18, "Black Friday", "active"))
    assert view.get(18).state == "active"
    assert altcraft.admin.calls() == {"list": 2}


def test_a_view_only_token_falls_back_to_get(altcraft: LocalAltcraft) -> None:
    view = LiveView(AltcraftClient(altcraft.url, VIEWER_TOKEN))
    assert view.get(18).name == "Black Friday" and view.get(19).name == "Cyber Monday"
    assert altcraft.admin.calls() == {"list": 1, "get": 2}  # list refused once (no "Run" right), then get


def test_one_malformed_campaign_spoils_only_itself(altcraft: LocalAltcraft) -> None:
    altcraft.server.store.campaigns[23]["state"] = "archived"  # a state the docs do not know
    view = LiveView(AltcraftClient(altcraft.url, TOKEN))
    assert view.get(18).state == "inactive"
    with pytest.raises(MalformedResponse, match="campaign 23 in an unknown state 'archived'"):
        view.get(23)


def test_a_rejected_token_is_asked_about_once(altcraft: LocalAltcraft) -> None:
    view = LiveView(AltcraftClient(altcraft.url, "wrong-token"))
    for campaign_id in (18, 19, 21):
        with pytest.raises(BadToken):
            view.get(campaign_id)
    assert altcraft.admin.calls() == {"list": 1}
