"""The review tells the whole truth: what `pulumi preview` shows is what `pulumi up` does.

Each test is one of the cases of the issue, with the real CLI against the local Altcraft server.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.support.e2e import add_campaigns, campaigns_file, summary
from tests.support.stand_in import LocalAltcraft
from tooling.pulumi_cli import Workspace
from tooling.pulumi_env import REPO_ROOT

EXAMPLE = (REPO_ROOT / "campaigns.yaml").read_text()
MANAGED = """\
campaigns:
  - {id: 18, name: Black Friday, active: false}
  - {id: 19, name: Cyber Monday, active: true}
  - {id: 21, name: Spring collection, active: true}
  - {id: 23, name: Welcome series, active: false}
"""


def without_run_program(stack: Workspace) -> dict[str, str]:
    """Plain `pulumi preview`, as a new user would run it (refresh: always from Pulumi.yaml only)."""
    return {k: v for k, v in stack.env.items() if k != "PULUMI_RUN_PROGRAM"}


# 1. New entries show their writes, and their problems, in the preview.


def test_new_entries_show_the_calls_up_will_send(stack: Workspace, altcraft: LocalAltcraft) -> None:
    preview = stack.run("preview", env=without_run_program(stack))
    assert (
        f"`pulumi up` would send 2 calls to Altcraft at {altcraft.url}/api/v1.1 (from altcraft:url, stack test):"
        in (preview.stdout)
    ), preview.stdout
    assert "campaign 18 Black Friday: inactive -> active (adopt)" in preview.stdout
    assert "campaign 19 Cyber Monday: active -> inactive (adopt)" in preview.stdout
    assert "campaign 21" not in preview.stdout.split("Diagnostics:")[1]  # already active: no call, no line
    assert altcraft.admin.write_calls() == 0

    up = stack.up()
    assert "campaign 18 Black Friday: inactive -> active (adopt)" in up.stdout
    calls = altcraft.admin.calls()
    assert (calls.get("activate"), calls.get("deactivate")) == (1, 1), calls  # exactly what the preview said


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{id: 999, active: false}", "campaign 999 does not exist in Altcraft"),
        ("{id: 21, active: true, name: Autumn collection}", "campaign 21: the campaigns file expects the name"),
        ("{id: 30, active: true}", "campaign 30 (Summer 2025) is completed in Altcraft and cannot be activated"),
    ],
)
def test_a_bad_new_entry_fails_the_preview_and_up_before_any_write(
    stack: Workspace, altcraft: LocalAltcraft, entry: str, message: str
) -> None:
    # Line 2 would activate 18; line 3 is the bad entry. One bad line stops everything.
    stack.write("campaigns.yaml", f"campaigns:\n  - {{id: 18, active: true}}\n  - {entry}\n")
    for run in (
        lambda: stack.run("preview", env=without_run_program(stack), check=False),
        lambda: stack.run("up", "--yes", check=False),  # its own preview fails first
        lambda: stack.up(check=False),  # --skip-preview: the program refuses before registering anything
    ):
        result = run()
        assert result.returncode != 0
        assert f"campaigns.yaml:3: {message}" in result.stdout, result.stdout
        assert "Traceback" not in result.stdout + result.stderr
    assert altcraft.admin.write_calls() == 0
    assert altcraft.admin.states()[18] == "inactive"


# 2. The name guard holds on every run, not only when a write is needed.


def test_a_managed_campaign_renamed_in_the_web_ui_fails_every_run(stack: Workspace, altcraft: LocalAltcraft) -> None:
    stack.write("campaigns.yaml", MANAGED)
    stack.up()
    altcraft.admin.rename(21, "Autumn collection")
    altcraft.admin.set_state(18, "active")  # drift too: up would otherwise write
    altcraft.admin.reset_calls()
    expected = "campaigns.yaml:4: campaign 21: the campaigns file expects the name 'Spring collection'"
    for result in (stack.run("preview", env=without_run_program(stack), check=False), stack.up(check=False)):
        assert result.returncode != 0
        assert expected in result.stdout, result.stdout
    assert altcraft.admin.write_calls() == 0


# 3. Drift is named as drift, apart from the pull request's own changes.


def test_drift_is_named_as_drift_with_its_author_in_the_preview_and_the_summary(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    stack.write("campaigns.yaml", MANAGED)
    stack.up()
    altcraft.admin.set_state(23, "active", user="j.smith")  # j.smith switched it on in the web UI
    changed = datetime.fromisoformat(altcraft.admin.campaigns()[23]["updatetime"].replace("Z", "+00:00"))
    at = changed.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    stack.write("campaigns.yaml", MANAGED.replace("id: 18, name: Black Friday, active: false", "id: 18, active: true"))

    preview = stack.preview()
    assert "campaign 18 Black Friday: inactive -> active (change)" in preview.stdout, preview.stdout
    drift = f"campaign 23 Welcome series: active -> inactive (drift: changed in Altcraft by j.smith at {at})"
    assert drift in preview.stdout, preview.stdout

    preview_json = stack.run("preview", "--json").stdout
    rows = {row["campaign_id"]: row for row in json.loads(summary(stack, preview_json, "--format", "json"))["rows"]}
    assert rows[18] == {
        "campaign_id": 18,
        "name": "Black Friday",
        "change": "activate",
        "before": "inactive",
        "after": "active",
        "cause": "change",
        "schedule": None,
        "irreversible": False,
        "calls": ["activate"],
        "stops_now": None,
        "no_call": None,
        "changed_by": None,
        "changed_at": None,
        "file_active": None,
    }
    assert rows[23]["cause"] == "drift" and rows[23]["change"] == "deactivate"
    assert (rows[23]["changed_by"], rows[23]["changed_at"]) == (
        "j.smith",
        changed.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    own, drift_section = summary(stack, preview_json).split("#### Drift")
    assert "| 18 `Black Friday` | activate |" in own and "Welcome series" not in own
    assert "| 23 `Welcome series` | deactivate | active | inactive | `j.smith` at " in drift_section
    assert altcraft.admin.write_calls() == 0

    # A refresh that records the drift in the state does not turn it into the file's change.
    stack.run("refresh", "--yes")
    assert drift in stack.preview().stdout


# 4. The deploy does what was approved, and no more.


def test_up_with_the_reviewed_plan_refuses_when_altcraft_changed(stack: Workspace, altcraft: LocalAltcraft) -> None:
    unguarded = "campaigns:\n  - {id: 18, active: false}\n  - {id: 19, active: true}\n  - {id: 21, active: true}\n"
    stack.write("campaigns.yaml", unguarded)
    stack.up()
    stack.write("campaigns.yaml", unguarded.replace("{id: 18, active: false}", "{id: 18, active: true}"))
    plan = stack.project_dir.parent / "plan.json"
    stack.run("preview", "--save-plan", str(plan))

    altcraft.admin.set_state(21, "inactive")  # changed after the review
    altcraft.admin.reset_calls()
    refused = stack.run("up", "--yes", "--plan", str(plan), check=False)
    assert refused.returncode != 0
    assert "campaign-21 violates plan" in refused.stdout, refused.stdout
    assert altcraft.admin.write_calls() == 0

    # Put back as it was reviewed, the same plan applies exactly the reviewed call. A rename of a
    # campaign without a name guard is not a change to it (the stack output holds no names).
    altcraft.admin.set_state(21, "active")
    altcraft.admin.rename(19, "Cyber Monday 2026")
    applied = stack.run("up", "--yes", "--plan", str(plan), check=False)
    assert applied.returncode == 0, applied.stdout
    assert altcraft.admin.calls().get("activate") == 1 and altcraft.admin.write_calls() == 1


# 5. A drift watch that does not touch Altcraft: 0 in sync, 7 drift, anything else an error.


def test_preview_expect_no_changes_is_a_drift_watch(stack: Workspace, altcraft: LocalAltcraft) -> None:
    stack.write("campaigns.yaml", MANAGED)
    stack.up()
    in_sync = stack.run("preview", "--expect-no-changes", check=False)
    assert in_sync.returncode == 0, in_sync.stdout

    altcraft.admin.set_state(19, "inactive")
    drifted = stack.run("preview", "--expect-no-changes", "--json", check=False)
    assert drifted.returncode == 7, drifted.stdout
    rows = json.loads(summary(stack, drifted.stdout, "--format", "json"))["rows"]
    assert [(r["campaign_id"], r["cause"]) for r in rows] == [(19, "drift")]

    stack.set_config("altcraft:token", "revoked-token", secret=True)
    failed = stack.run("preview", "--expect-no-changes", check=False)
    assert failed.returncode not in (0, 7)
    assert "Altcraft rejected the API token" in failed.stdout
    assert altcraft.admin.write_calls() == 0
    assert altcraft.admin.states()[19] == "inactive"  # watched, not reverted


# 6. Quiet at scale: the change is not buried.


def test_three_hundred_campaigns_seven_changes_fit_on_a_screen(stack: Workspace, altcraft: LocalAltcraft) -> None:
    ids = range(1000, 1300)
    add_campaigns(altcraft, ids, lambda i: "active" if i % 2 else "inactive")
    entries = {i: bool(i % 2) for i in ids}
    stack.write("campaigns.yaml", campaigns_file(entries))
    stack.up()

    changed = [1003, 1050, 1101, 1150, 1201, 1250, 1299]
    for campaign_id in changed:
        entries[campaign_id] = not entries[campaign_id]
    del entries[1100]  # a removal shifts nothing
    stack.write("campaigns.yaml", campaigns_file(entries))
    preview = stack.preview("--diff")
    shown = preview.stdout + preview.stderr  # with --diff the CLI prints messages on stderr; a CI log shows both
    lines = shown.splitlines()
    assert len(lines) <= 120, shown
    for campaign_id in changed:
        assert sum(f"campaign {campaign_id} Campaign {campaign_id}: " in line for line in lines) == 1, shown

    output = stack.run("stack", "output", "campaigns", "--json").stdout
    assert len(output) < 300, output
    assert json.loads(output)["managed"] == 300
