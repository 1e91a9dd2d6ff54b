"""Guard rails end to end: a limit on mass changes, protected campaigns, kept drift."""

from __future__ import annotations

from tests.conftest import LocalAltcraft
from tooling.pulumi_cli import Workspace

IDS = range(1000, 1030)


def thirty_campaigns(stack: Workspace, altcraft: LocalAltcraft, active: bool) -> None:
    for campaign_id in IDS:
        altcraft.admin.add(campaign_id, f"Campaign {campaign_id}", "active")
    flag = "true" if active else "false"
    stack.write("campaigns.yaml", "campaigns:\n" + "".join(f"  - {{id: {i}, active: {flag}}}\n" for i in IDS))


def test_a_file_that_flips_thirty_campaigns_over_a_limit_of_ten_sends_nothing(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    thirty_campaigns(stack, altcraft, active=True)
    stack.up()
    stack.set_config("altcraft:maxChanges", "10")
    thirty_campaigns(stack, altcraft, active=False)  # a search-and-replace of true to false
    altcraft.admin.reset_calls()
    for result in (stack.preview(check=False), stack.run("up", "--yes", check=False), stack.up(check=False)):
        assert result.returncode != 0
        text = result.stdout
        assert "this run would send 30 calls to Altcraft, more than the limit of 10 (altcraft:maxChanges):" in text
        assert "campaign 1000 Campaign 1000: active -> inactive (change)" in text
        assert "... and 20 more" in text
        assert "allow it for one run: ALTCRAFT_MAX_CHANGES=30 pulumi up" in text
    assert altcraft.admin.write_calls() == 0

    allowed = {**stack.env, "ALTCRAFT_MAX_CHANGES": "30"}
    stack.run("up", "--yes", "--skip-preview", env=allowed)
    assert altcraft.admin.calls().get("deactivate") == 30 and altcraft.admin.write_calls() == 30
    stack.preview("--expect-no-changes")  # the standing limit is back, and there is nothing to do


def test_drift_corrections_count_toward_the_limit(stack: Workspace, altcraft: LocalAltcraft) -> None:
    thirty_campaigns(stack, altcraft, active=True)
    stack.up()
    stack.set_config("altcraft:maxChanges", "5")
    for campaign_id in list(IDS)[:6]:
        altcraft.admin.set_state(campaign_id, "inactive")  # six paused in the web UI
    result = stack.preview(check=False)
    assert result.returncode != 0 and "this run would send 6 calls" in result.stdout
    assert "(drift)" in result.stdout
