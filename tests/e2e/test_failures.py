"""Faults and failures end to end: the real CLI against the local server's injected faults."""

from __future__ import annotations

import json
import time

from provider.planning.record import CAMPAIGN_TYPE
from tests.support.stand_in import LocalAltcraft
from tooling.pulumi_cli import Workspace

FILE = """\
campaigns:
  - {id: 18, active: true}    # inactive -> activate
  - {id: 19, active: false}   # active -> deactivate
  - {id: 21, active: true}    # already active
  - {id: 23, active: true}    # inactive -> activate
"""
DESIRED = {18: "active", 19: "inactive", 21: "active", 23: "active"}


def live(altcraft: LocalAltcraft) -> dict[int, str]:
    states = altcraft.admin.states()
    return {campaign_id: states[campaign_id] for campaign_id in DESIRED}


def recorded_states(stack: Workspace) -> dict[int, str]:
    resources = json.loads(stack.run("stack", "export").stdout)["deployment"]["resources"]
    return {int(r["outputs"]["campaign_id"]): r["outputs"]["state"] for r in resources if r["type"] == CAMPAIGN_TYPE}


def assert_state_matches_altcraft(stack: Workspace, altcraft: LocalAltcraft) -> None:
    states = altcraft.admin.states()
    for campaign_id, state in recorded_states(stack).items():
        assert states[campaign_id] == state, (campaign_id, state, states[campaign_id])


def test_up_survives_transient_faults_on_every_endpoint(stack: Workspace, altcraft: LocalAltcraft) -> None:
    # A dropped write may still land, so it is waited for this long before it is sent again.
    stack.set_config("altcraft:writeSettleSeconds", "2")
    stack.write("campaigns.yaml", FILE)
    admin = altcraft.admin
    admin.add_fault("http_503", "list")
    admin.add_fault("error_in_200", "list", code=500)
    admin.add_fault("latency", "list", seconds=0.3)
    admin.add_fault("drop", "get_status")
    admin.add_fault("malformed_json", "get_status")
    admin.add_fault("http_502", "activate", campaign_id=18, after_apply=True)  # landed, answer lost
    admin.add_fault("drop", "activate", campaign_id=23)  # lost before it landed
    admin.add_fault("http_429", "deactivate", seconds=0.5)
    stack.up()
    assert live(altcraft) == DESIRED
    calls = admin.calls()
    assert calls["activate"] == 3  # 18 once (it landed), 23 twice (the first never arrived)
    assert calls["deactivate"] == 2
    assert_state_matches_altcraft(stack, altcraft)
    stack.preview("--expect-no-changes")


def test_answered_faults_are_survived_with_the_default_settle_time(stack: Workspace, altcraft: LocalAltcraft) -> None:
    """Issue 30, case 5: with `altcraft:writeSettleSeconds` at its default (60 s, the whole retry
    budget), two 500s in Altcraft's envelope on activate, a 429 on deactivate, a dropped listing and
    a gateway's 502 on get_status made the deploy give up after 2 attempts in 60 s."""
    stack.write("campaigns.yaml", FILE)
    admin = altcraft.admin
    admin.add_fault("error_in_200", "activate", campaign_id=18, code=500, times=2)
    admin.add_fault("http_429", "deactivate", seconds=0.5)
    admin.add_fault("drop", "list")
    admin.add_fault("http_502", "get_status")
    start = time.monotonic()
    stack.up()
    assert time.monotonic() - start < 45  # retried at once, not waited for as writes in flight
    assert live(altcraft) == DESIRED
    calls = admin.calls()
    assert calls["activate"] == 4  # 18: two answered errors, then the call; 23 once
    assert calls["deactivate"] == 2
    assert_state_matches_altcraft(stack, altcraft)


def test_a_permanent_failure_names_the_campaign_and_the_next_up_converges(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    stack.set_config("altcraft:retryBudgetSeconds", "2")
    stack.write("campaigns.yaml", FILE)
    altcraft.admin.add_fault("error_in_200", "activate", campaign_id=23, code=503, times=-1)

    # Default: the first failure stops new steps; what finished is recorded truthfully.
    first = stack.up(check=False)
    assert first.returncode != 0
    assert "campaign-23" in first.stdout and "scampaigns/activate for campaign 23" in first.stdout, first.stdout
    assert "Traceback" not in first.stdout + first.stderr
    assert_state_matches_altcraft(stack, altcraft)

    # --continue-on-error: every other campaign is reconciled, the failing one still fails.
    second = stack.up("--continue-on-error", check=False)
    assert second.returncode != 0 and "campaign 23" in second.stdout
    assert {k: v for k, v in live(altcraft).items() if k != 23} == {18: "active", 19: "inactive", 21: "active"}
    assert live(altcraft)[23] == "inactive"
    assert_state_matches_altcraft(stack, altcraft)
    assert 23 not in recorded_states(stack)  # a failed adoption records nothing

    altcraft.admin.clear_faults()
    stack.up()
    assert live(altcraft) == DESIRED
    assert_state_matches_altcraft(stack, altcraft)


def test_a_wrong_token_fails_fast_without_a_retry_storm(stack: Workspace, altcraft: LocalAltcraft) -> None:
    stack.set_config("altcraft:token", "not-the-token", secret=True)
    stack.write("campaigns.yaml", FILE)
    start = time.monotonic()
    result = stack.up(check=False)
    elapsed = time.monotonic() - start
    assert result.returncode != 0
    assert "Altcraft rejected the API token (error 401" in result.stdout, result.stdout
    assert "not-the-token" not in result.stdout + result.stderr
    assert sum(altcraft.admin.calls().values()) == 1  # one list call; nothing retried
    assert elapsed < 30
