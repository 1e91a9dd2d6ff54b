"""The client against injected faults: transient ones are survived, writes are never repeated blindly."""

import time

import pytest

from provider.altcraft.client import AltcraftClient
from provider.altcraft.retry import RetryPolicy
from provider.errors import AltcraftError, BadToken, MalformedResponse, TransportError
from tests.support.stand_in import TOKEN, LocalAltcraft

TRANSIENT = ["http_500", "http_502", "http_503", "http_429", "drop", "malformed_json", "error_in_200"]


def client(local: LocalAltcraft, budget_s: float = 5.0) -> AltcraftClient:
    return AltcraftClient(local.url, TOKEN, timeout=(1, 1), retry=RetryPolicy(budget_s=budget_s, base_delay_s=0.01))


@pytest.mark.parametrize("kind", TRANSIENT)
@pytest.mark.parametrize("endpoint", ["get", "get_status", "list"])
def test_reads_survive_one_transient_fault(altcraft: LocalAltcraft, kind: str, endpoint: str) -> None:
    altcraft.admin.add_fault(kind, endpoint, times=2)
    c = client(altcraft)
    {"get": lambda: c.get(18), "get_status": lambda: c.get_status(18), "list": lambda: list(c.list_all())}[endpoint]()
    # Two failed attempts, then the answer (a listing ends with one more call, for its empty page).
    assert altcraft.admin.calls()[endpoint] == (4 if endpoint == "list" else 3)


def test_a_slow_answer_past_the_timeout_is_retried(altcraft: LocalAltcraft) -> None:
    altcraft.admin.add_fault("latency", "get", seconds=1.5)
    assert client(altcraft).get(18).name == "Black Friday"
    assert altcraft.admin.calls()["get"] == 2


def test_retry_after_is_honoured(altcraft: LocalAltcraft) -> None:
    altcraft.admin.add_fault("http_429", "get", seconds=0.4)
    start = time.monotonic()
    client(altcraft).get(18)
    assert time.monotonic() - start >= 0.4


@pytest.mark.parametrize("kind", ["drop", "http_502", "malformed_json"])
def test_a_write_whose_answer_was_lost_is_not_sent_again(altcraft: LocalAltcraft, kind: str) -> None:
    altcraft.admin.add_fault(kind, "activate", after_apply=True)
    client(altcraft).activate(18)
    assert altcraft.admin.states()[18] == "active"
    assert altcraft.admin.calls() == {"activate": 1, "get_status": 1}


def test_a_write_that_did_not_land_is_sent_again_after_looking(altcraft: LocalAltcraft) -> None:
    altcraft.admin.add_fault("http_503", "deactivate")
    client(altcraft).deactivate(19)
    assert altcraft.admin.states()[19] == "inactive"
    assert altcraft.admin.calls() == {"deactivate": 2, "get_status": 1}


def test_a_permanent_fault_gives_up_within_the_budget(altcraft: LocalAltcraft) -> None:
    altcraft.admin.add_fault("http_503", "get", times=-1)
    start = time.monotonic()
    with pytest.raises(TransportError, match=r"HTTP 503 .* \(gave up after \d+ attempts"):
        client(altcraft, budget_s=1.0).get(18)
    assert time.monotonic() - start < 2.0


def test_persistent_garbage_is_a_clear_error(altcraft: LocalAltcraft) -> None:
    altcraft.admin.add_fault("malformed_json", "get", times=-1)
    with pytest.raises(MalformedResponse, match="scampaigns/get for campaign 18 with something other than its JSON"):
        client(altcraft, budget_s=0.3).get(18)


def test_a_wrong_token_fails_fast_without_retries(altcraft: LocalAltcraft) -> None:
    wrong = AltcraftClient(altcraft.url, "wrong-token", retry=RetryPolicy(budget_s=30, base_delay_s=0.01))
    start = time.monotonic()
    with pytest.raises(BadToken):
        wrong.get(18)
    assert time.monotonic() - start < 1.0
    assert altcraft.admin.calls() == {"get": 1}


def test_a_permanent_error_code_inside_http_200_is_not_retried(altcraft: LocalAltcraft) -> None:
    altcraft.admin.add_fault("error_in_200", "get", code=400)
    with pytest.raises(AltcraftError, match="error 400: Injected error"):
        client(altcraft).get(18)
    assert altcraft.admin.calls() == {"get": 1}
