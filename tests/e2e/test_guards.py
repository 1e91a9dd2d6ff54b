"""Guard rails end to end: a limit on mass changes, protected campaigns, kept drift."""

from __future__ import annotations

import json

from tests.support.e2e import add_campaigns, campaigns_file, run_summary
from tests.support.stand_in import LocalAltcraft
from tooling.pulumi_cli import Workspace

IDS = range(1000, 1030)


def thirty_campaigns(stack: Workspace, altcraft: LocalAltcraft, active: bool) -> None:
    add_campaigns(altcraft, IDS)
    stack.write("campaigns.yaml", campaigns_file(dict.fromkeys(IDS, active)))


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
    assert "(drift: changed in Altcraft by web.ui at " in result.stdout


KEEP_FILE = """\
campaigns:
  - {id: 21, name: Spring collection, active: true}               # drift: revert, the default
  - {id: 23, name: Welcome series, active: true, drift: keep}     # an emergency stop in the UI is respected
"""


def test_drift_keep_respects_an_emergency_stop_until_the_file_changes(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:

    stack.write("campaigns.yaml", KEEP_FILE)
    stack.up()
    altcraft.admin.set_state(21, "inactive")  # paused in the web UI during an incident
    altcraft.admin.set_state(23, "inactive")
    altcraft.admin.reset_calls()

    preview = stack.preview()
    drifted = "campaign 21 Spring collection: inactive -> active (drift: changed in Altcraft by web.ui at "
    assert drifted in preview.stdout, preview.stdout
    kept = "campaign 23 Welcome series: inactive, drift kept (the file says active: true; changed in Altcraft by web.ui at "
    assert kept in preview.stdout
    preview_json = stack.run("preview", "--json").stdout

    def summary(*args: str) -> str:
        return run_summary(preview_json, *args).stdout

    text = summary()
    assert "#### Drift kept: changed in Altcraft outside the campaigns file, left as it is" in text
    assert "| 23 `Welcome series` | inactive | active: true |" in text
    assert "| 21 `Spring collection` | activate | inactive | active |" in text.split("#### Drift kept")[0]
    rows = {row["campaign_id"]: row for row in json.loads(summary("--format", "json"))["rows"]}
    assert (rows[23]["change"], rows[23]["cause"]) == ("none", "drift")

    stack.up()
    assert altcraft.admin.calls().get("activate") == 1  # 21 put back; 23 left paused
    assert altcraft.admin.states()[23] == "inactive"
    # Kept drift sends nothing, so the engine sees no change (a reviewed plan stays valid while people
    # work in the web UI); the review record still says it, and the drift watch reads it there.
    watch = stack.run("preview", "--expect-no-changes", "--json", check=False)
    assert watch.returncode == 0, watch.stdout
    [row] = json.loads(run_summary(watch.stdout, "--format", "json").stdout)["rows"]
    assert (row["campaign_id"], row["cause"], row["change"], row["file_active"]) == (23, "drift", "none", True)
    assert altcraft.admin.states()[23] == "inactive"

    # The file's value applies again only when a pull request changes this entry's `active`.
    stack.write(
        "campaigns.yaml",
        KEEP_FILE.replace("id: 23, name: Welcome series, active: true", "id: 23, name: Welcome series, active: false"),
    )
    stack.up()
    assert altcraft.admin.write_calls() == 1  # already inactive: the file now agrees, no call
    stack.preview("--expect-no-changes")
    stack.write("campaigns.yaml", KEEP_FILE)
    preview = stack.preview()
    assert "campaign 23 Welcome series: inactive -> active (change)" in preview.stdout
    stack.up()
    assert altcraft.admin.states()[23] == "active" and altcraft.admin.calls().get("activate") == 2


PROTECTED = """\
campaigns:
  - {id: 19, name: Cyber Monday, active: true, on_remove: deactivate, protect: true}
  - {id: 21, name: Spring collection, active: true, on_remove: deactivate}
"""


def test_a_protected_campaign_cannot_be_removed_or_destroyed_but_can_be_switched(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    stack.write("campaigns.yaml", PROTECTED)
    stack.up()
    altcraft.admin.reset_calls()

    stack.write(
        "campaigns.yaml", "campaigns:\n  - {id: 21, name: Spring collection, active: true, on_remove: deactivate}\n"
    )
    for result in (stack.preview(check=False), stack.run("up", "--yes", check=False), stack.up(check=False)):
        assert result.returncode != 0
        # The review's own message, with the file's line and the way out, before the engine's.
        assert (
            "campaigns.yaml:1: campaign 19 Cyber Monday is no longer in the file, but it is protected "
            "(`protect: true` at the last deploy)" in result.stdout
        ), result.stdout
        assert "first put the entry back with `protect: false` and deploy that; then remove the entry" in result.stdout
        assert "campaign 19 Cyber Monday: active -> inactive (remove)" not in result.stdout
    comment = run_summary(stack.run("preview", "--json", check=False).stdout)
    assert comment.returncode == 1 and comment.stdout.startswith(
        "### Altcraft campaigns: the preview FAILED: ``campaigns.yaml:1: campaign 19 Cyber Monday is no longer"
    ), comment.stdout
    assert "no longer managed, left as it is" not in comment.stdout and "| 19 " not in comment.stdout
    destroyed = stack.run("destroy", "--yes", check=False)
    assert destroyed.returncode != 0 and "protect" in destroyed.stdout, destroyed.stdout
    assert altcraft.admin.write_calls() == 0
    assert altcraft.admin.states()[19] == "active" and altcraft.admin.states()[21] == "active"

    stack.write(
        "campaigns.yaml",
        PROTECTED.replace("id: 19, name: Cyber Monday, active: true", "id: 19, name: Cyber Monday, active: false"),
    )
    stack.up()  # switching it still works
    assert altcraft.admin.states()[19] == "inactive" and altcraft.admin.write_calls() == 1
