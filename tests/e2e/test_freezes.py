"""Change freezes, break-glass and risk (issue 23), with the real CLI and the stand-in's clock.

Both clocks (the stand-in's and this machine's, `set_clocks`) are moved into and out of the freeze:
the program reads it by the run's trusted clock, as it reads windows.
"""

from __future__ import annotations

import json

from tests.support.e2e import helper, run_summary, set_clocks
from tests.support.stand_in import LocalAltcraft
from tooling.pulumi_cli import Workspace

FREEZES = json.dumps(
    [{"name": "Black Friday", "from": "2026-11-27T00:00:00+03:00", "until": "2026-12-01T00:00:00+03:00"}]
)
REASON = "INC-42: relaunch Black Friday after the price fix (approved by M. Ops)"


def entries(**active: bool) -> str:
    names = {"c18": "Black Friday", "c19": "Cyber Monday"}
    lines = [f"  - {{id: {key[1:]}, name: {names[key]}, active: {str(on).lower()}}}" for key, on in active.items()]
    return "campaigns:\n" + "\n".join(lines) + "\n"


def summary_json(stack: Workspace, env: dict[str, str] | None = None) -> dict:
    preview = stack.run("preview", "--json", env=env, check=False)
    return json.loads(run_summary(preview.stdout, "--format", "json").stdout)


def test_a_freeze_sends_only_deactivations_and_break_glass_passes_it_with_its_reason_recorded(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    stack.set_config("altcraft:freezes", FREEZES)
    set_clocks(stack, altcraft, "2026-11-25T12:00:00+03:00")  # two days before
    stack.write("campaigns.yaml", entries(c18=False, c19=True))
    stack.up()  # as Altcraft has them: nothing to send

    stack.write("campaigns.yaml", entries(c18=True, c19=True))
    ahead = stack.preview()  # a pull request that could be merged once the freeze is on
    assert 'freeze "Black Friday" (2026-11-27T00:00:00+03:00 to 2026-12-01T00:00:00+03:00) begins in 1 d 12 h' in (
        ahead.stdout
    )
    assert "refuses 1 of these changes (campaign 18)" in ahead.stdout

    set_clocks(stack, altcraft, "2026-11-28T12:00:00+03:00")  # inside it
    altcraft.admin.reset_calls()
    refused = stack.up(check=False)
    assert refused.returncode != 0 and altcraft.admin.write_calls() == 0
    assert 'freeze "Black Friday" (2026-11-27T00:00:00+03:00 to 2026-12-01T00:00:00+03:00) is on' in refused.stdout
    assert "it ends in 2 d 12 h" in refused.stdout
    assert "campaign 18 Black Friday: inactive -> active (change)" in refused.stdout
    assert "Nothing was sent to Altcraft" in refused.stdout and "Traceback" not in refused.stdout + refused.stderr
    assert summary_json(stack)["status"] == "failed"

    # An emergency stop is always allowed.
    stack.write("campaigns.yaml", entries(c18=False, c19=False))
    stack.up()
    assert altcraft.admin.calls().get("deactivate") == 1 and altcraft.admin.write_calls() == 1
    assert altcraft.admin.states()[19] == "inactive"

    # A blank reason is no reason.
    stack.write("campaigns.yaml", entries(c18=True, c19=False))
    blank = stack.run("up", "--yes", "--skip-preview", env={**stack.env, "ALTCRAFT_BREAK_GLASS": "  "}, check=False)
    assert blank.returncode != 0 and "ALTCRAFT_BREAK_GLASS is set but empty" in blank.stdout
    assert altcraft.admin.write_calls() == 1

    glass = {**stack.env, "ALTCRAFT_BREAK_GLASS": REASON}
    shown = summary_json(stack, env=glass)
    assert (shown["status"], shown["risk"], shown["break_glass"]) == ("ok", "high", REASON)
    assert any('passes freeze "Black Friday"' in reason for reason in shown["risk_reasons"])
    passed = stack.run("up", "--yes", "--skip-preview", env=glass)
    assert f'break-glass: "{REASON}" passes freeze "Black Friday"' in passed.stdout
    assert altcraft.admin.calls().get("activate") == 1 and altcraft.admin.states()[18] == "active"

    env = {k: v for k, v in stack.env.items() if not k.startswith("ALTCRAFT_")}
    history = helper("history", "18", "--stack", "test", "--format", "json", env=env, cwd=stack.project_dir)
    [campaign] = json.loads(history.stdout)["campaigns"]
    newest = campaign["events"][0]
    assert (newest["sent"], newest["cause"], newest["break_glass"]) == (["activate"], "change", REASON)
    text = helper("history", "18", "--stack", "test", env=env, cwd=stack.project_dir).stdout
    assert f"(change; break-glass: {REASON})" in text
    # The reason stays with the calls it let through, not with the campaign: the next run has none.
    [outputs] = [r["outputs"] for r in stack.export()["deployment"]["resources"] if r["urn"].endswith("campaign-18")]
    assert "break_glass" not in outputs  # only inside the ledger entry of the calls it let through
    assert [REASON in entry for entry in outputs["changes"]] == [True, *[False] * (len(outputs["changes"]) - 1)]

    # Stopped in the web UI during the freeze: putting it back is an activation, refused; the
    # message names the ways to keep the stop that send nothing.
    altcraft.admin.set_state(18, "inactive", user="j.smith")
    drifted = stack.preview(check=False)
    assert drifted.returncode != 0 and "campaign 18 Black Friday: inactive -> active (drift: " in drifted.stdout
    assert "To keep what Altcraft has now for campaign 18" in drifted.stdout and "`drift: keep`" in drifted.stdout
    stack.write("campaigns.yaml", entries(c18=False, c19=False))  # what adopt-drift writes
    altcraft.admin.reset_calls()
    stack.up()  # records the file's new ask, during the freeze: no call
    assert altcraft.admin.write_calls() == 0 and altcraft.admin.states()[18] == "inactive"


def test_risk_is_high_for_a_completion_and_past_review_changes_and_normal_otherwise(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    stack.set_config("altcraft:reviewChanges", "1")
    stack.write("campaigns.yaml", entries(c18=True))
    normal = summary_json(stack)
    assert (normal["risk"], normal["risk_reasons"]) == (
        "normal",
        ["no irreversible call, no freeze passed, 1 of at most 1 calls"],
    )
    stack.write("campaigns.yaml", entries(c18=True, c19=False))
    many = summary_json(stack)
    assert (many["risk"], many["risk_reasons"]) == ("high", ["2 calls, more than 1 (altcraft:reviewChanges)"])
    stack.write("campaigns.yaml", "campaigns:\n  - {id: 21, name: Spring collection, completed: true}\n")
    completion = summary_json(stack)
    assert completion["risk"] == "high"
    assert completion["risk_reasons"] == ["irreversible: campaign 21 Spring collection completes"]
    comment = run_summary(stack.preview("--json").stdout).stdout
    assert "**Risk: high** (`irreversible: campaign 21 Spring collection completes`)." in comment


def test_a_token_pasted_into_the_break_glass_reason_is_never_stored_or_printed(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    """Issue 31, case 3. The stack fixture then checks every output and the state for the token."""
    from tests.support.stand_in import TOKEN

    stack.set_config("altcraft:freezes", FREEZES)
    set_clocks(stack, altcraft, "2026-11-28T12:00:00+03:00")
    stack.write("campaigns.yaml", entries(c18=False, c19=True))
    stack.up()
    stack.write("campaigns.yaml", entries(c18=True, c19=True))
    env = {**stack.env, "ALTCRAFT_BREAK_GLASS": f"INC-7 rotate token {TOKEN} now"}
    preview = stack.run("preview", "--json", env=env)
    assert TOKEN not in preview.stdout and "INC-7 rotate token *** now" in preview.stdout
    stack.run("up", "--yes", "--skip-preview", env=env)
    assert altcraft.admin.calls().get("activate") == 1
