"""No call a reviewer did not mean (issue: time and irreversible calls), without the engine.

Dates in a sane range, completion only on an explicit `completed: true`, no activation that
changes nothing, `active: scheduled` for a campaign scheduled in Altcraft, sequences built before
their first call and explained when they stop halfway, and writes that land late.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from provider.altcraft.client import AltcraftClient
from provider.altcraft.model import LiveCampaign
from provider.altcraft.retry import RetryPolicy
from provider.campaigns.schedule import Schedule
from provider.errors import CampaignError
from provider.planning.plan import CampaignPlan
from tests.support.provider import configured
from tests.support.stand_in import TOKEN, LocalAltcraft

MSK = timezone(timedelta(hours=3))
AHEAD = datetime(2026, 12, 15, 10, 0, tzinfo=MSK)


# -- sequences ------------------------------------------------------------------------------------


PLAN = CampaignPlan("0123456789abcdef", "active", ("deactivate", "activate"), "waiting", "change")


def test_every_call_of_a_sequence_is_built_before_the_first_is_sent(altcraft: LocalAltcraft) -> None:
    # A date no file can hold any more (the loader refuses it): the second request cannot be built.
    unsendable = Schedule(active_from=datetime(9999, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-1))))
    altcraft.admin.reset_calls()
    with pytest.raises(OverflowError):
        configured(altcraft.url).runtime.send_plan(PLAN, LiveCampaign(19, "Cyber Monday", "active"), unsendable)
    assert altcraft.admin.write_calls() == 0 and altcraft.admin.states()[19] == "active"


def test_a_sequence_that_fails_halfway_says_what_was_sent_and_what_was_not(altcraft: LocalAltcraft) -> None:
    altcraft.admin.add_fault("error_in_200", "activate", campaign_id=19, code=400, times=-1)
    with pytest.raises(CampaignError) as caught:
        configured(altcraft.url).runtime.send_plan(PLAN, LiveCampaign(19, "Cyber Monday", "active"), Schedule(AHEAD))
    assert str(caught.value).startswith(
        "campaign 19 (Cyber Monday): activate failed (Altcraft refused scampaigns/activate for campaign 19 "
        "(error 400: Injected error)). Sent and answered: deactivate; not sent: nothing after it; it is inactive now."
    )


# -- writes that land late --------------------------------------------------------------------------


def patient(local: LocalAltcraft, settle_s: float) -> AltcraftClient:
    retry = RetryPolicy(budget_s=30, base_delay_s=0.05)
    return AltcraftClient(local.url, TOKEN, timeout=(1, 1), retry=retry, write_settle_s=settle_s)


def test_a_write_that_timed_out_is_waited_for_not_sent_again(altcraft: LocalAltcraft) -> None:
    altcraft.admin.add_fault("latency", "deactivate", campaign_id=19, seconds=2.5)
    patient(altcraft, settle_s=10).deactivate(19)
    calls = altcraft.admin.calls()
    assert calls["deactivate"] == 1 and calls["get_status"] >= 2  # looked until it landed
    assert altcraft.admin.states()[19] == "inactive"


def test_a_write_that_never_lands_is_sent_again_once_the_settle_time_passed(altcraft: LocalAltcraft) -> None:
    altcraft.admin.add_fault("drop", "deactivate", campaign_id=19)  # the connection closes before it is applied
    patient(altcraft, settle_s=1.5).deactivate(19)
    assert altcraft.admin.calls()["deactivate"] == 2 and altcraft.admin.states()[19] == "inactive"


def test_a_write_that_got_no_answer_says_it_may_still_land(altcraft: LocalAltcraft) -> None:
    altcraft.admin.add_fault("latency", "deactivate", campaign_id=19, seconds=3, times=-1)
    client = AltcraftClient(altcraft.url, TOKEN, timeout=(1, 1), retry=RetryPolicy(budget_s=1.5), write_settle_s=0.2)
    with pytest.raises(Exception, match="an attempt got no answer and may still land in Altcraft"):
        client.deactivate(19)


# -- the faults of a busy day, with the default settle time --------------------------------------


def defaults(local: LocalAltcraft) -> AltcraftClient:
    """The client as a run gets it: the default retry budget and settle time, fast backoff."""
    return AltcraftClient(local.url, TOKEN, timeout=(1, 1), retry=RetryPolicy(base_delay_s=0.05))


@pytest.mark.parametrize(
    ("kind", "endpoint", "times"),
    [
        ("error_in_200", "activate", 2),
        ("http_429", "deactivate", 1),
        ("drop", "list", 1),
        ("http_502", "get_status", 1),
    ],
)
def test_an_answered_fault_is_retried_at_once_not_waited_for(
    altcraft: LocalAltcraft, kind: str, endpoint: str, times: int
) -> None:
    # Altcraft's envelope with a 500 (twice), a 429, a dropped listing, a gateway's 502 on a read:
    # each was survived before writes got a settle time, and is again, in seconds, not a minute.
    altcraft.admin.add_fault(kind, endpoint, times=times, code=500, seconds=0.2)
    client = defaults(altcraft)
    start = time.monotonic()
    {
        "activate": lambda: client.activate(18),
        "deactivate": lambda: client.deactivate(19),
        "list": lambda: list(client.list_all()),
        "get_status": lambda: client.get_status(18),
    }[endpoint]()
    assert time.monotonic() - start < 10
    assert altcraft.admin.calls()[endpoint] >= times + 1


def test_an_unanswered_write_is_looked_for_within_the_budget_then_sent_again(altcraft: LocalAltcraft) -> None:
    # A gateway's page (no envelope) on activate, twice: the attempt may be in flight, so it is looked
    # for, but for half the budget at most; the retry after that still fits in the budget.
    altcraft.admin.add_fault("http_500", "activate", times=2)
    client = AltcraftClient(
        altcraft.url, TOKEN, timeout=(1, 1), retry=RetryPolicy(budget_s=4, base_delay_s=0.05), write_settle_s=60
    )
    client.activate(18)
    assert altcraft.admin.states()[18] == "active" and altcraft.admin.calls()["activate"] == 3
