"""What the review listed is exactly what is sent, in an account people keep editing (issue 30).

Each test makes a web-UI change at a chosen moment of a run, with the stand-in's `on_listing`: when
the k-th listing of the run arrives, before it is answered. A run lists Altcraft in the program
(its review) and in the provider process (its refresh and its writes); the change is walked
through every listing of a run, on each command.
"""

from __future__ import annotations

import json

from tests.support.e2e import set_clocks
from tests.support.stand_in import LocalAltcraft
from tooling.pulumi_cli import Workspace

FREEZES = json.dumps(
    [{"name": "Black Friday", "from": "2026-11-27T00:00:00+03:00", "until": "2026-12-01T00:00:00+03:00"}]
)
IN_SYNC = (
    "campaigns:\n"
    "  - {id: 18, name: Black Friday, active: false}\n"
    "  - {id: 19, name: Cyber Monday, active: true}\n"
    "  - {id: 21, name: Spring collection, active: true}\n"
    "  - {id: 23, name: Welcome series, active: false}\n"
)
CAMPAIGN_19 = "urn:pulumi:test::altcraft-campaigns::pulumi-python:dynamic/altcraft:Campaign::campaign-19"


def test_a_web_ui_pause_at_any_listing_of_a_run_is_never_undone_inside_a_freeze(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    stack.write("campaigns.yaml", IN_SYNC)
    stack.up()
    stack.set_config("altcraft:freezes", FREEZES)
    set_clocks(stack, altcraft, "2026-11-28T12:00:00+03:00")
    plan = stack.project_dir.parent / "plan.json"
    env = {**stack.env, "PULUMI_RUN_PROGRAM": "true"}  # as tooling/activate recommends
    commands = {
        "up --skip-preview": ("up", "--yes", "--skip-preview"),
        "up": ("up", "--yes"),
        "up --target": ("up", "--yes", "--skip-preview", "--target", CAMPAIGN_19),
        "up --plan": ("up", "--yes", "--plan", str(plan)),  # with ALTCRAFT_REVIEWED_PLAN, as the deploy runs it
        "refresh --run-program": ("refresh", "--yes", "--run-program"),
    }
    admin = altcraft.admin

    def ready(command: tuple[str, ...]) -> None:
        """Altcraft and the file in sync; for `up --plan`, the plan reviewed just before (it sends nothing)."""
        admin.set_state(19, "active")
        if "--plan" in command:
            stack.run("preview", "--save-plan", str(plan))
        admin.reset_calls()

    for name, command in commands.items():
        if "--plan" in command:
            env = {**env, "ALTCRAFT_REVIEWED_PLAN": str(plan)}
        ready(command)
        baseline = stack.run(*command, env=env, check=False)
        assert baseline.returncode == 0, (name, baseline.stdout, baseline.stderr)
        listings = admin.listings()
        assert listings >= 2, (name, listings)  # the review's and the provider's, at least
        for k in range(1, listings + 1):
            ready(command)
            admin.set_state_on_listing(k, 19, "inactive", user="m.jones")
            run = stack.run(*command, env=env, check=False)
            calls = admin.calls()
            # Seen by a review, the pause is drift the freeze refuses to undo, or the reviewed plan
            # leaves alone; met after it, it was never reviewed: no activation, nothing else either.
            assert admin.write_calls() == 0, (name, k, calls, run.stdout)
            assert admin.states()[19] == "inactive", (name, k)
            assert "Traceback" not in run.stdout + run.stderr
    admin.set_state(19, "active")


def test_a_change_after_the_review_is_reported_not_written(stack: Workspace, altcraft: LocalAltcraft) -> None:
    stack.write("campaigns.yaml", IN_SYNC)
    stack.up()
    stack.write(
        "campaigns.yaml",
        IN_SYNC.replace("id: 18, name: Black Friday, active: false", "id: 18, name: Black Friday, active: true"),
    )
    admin = altcraft.admin
    admin.reset_calls()
    stack.up()
    listings = admin.listings()
    stack.write("campaigns.yaml", IN_SYNC)
    stack.up()  # 18 back off

    # The review plans `activate 18`; someone starts it in the web UI before the provider's own
    # listing (the run's last): Altcraft no longer shows what the review saw, so nothing is sent.
    stack.write(
        "campaigns.yaml",
        IN_SYNC.replace("id: 18, name: Black Friday, active: false", "id: 18, name: Black Friday, active: true"),
    )
    admin.reset_calls()
    admin.set_state_on_listing(listings, 18, "active", user="m.jones")
    refused = stack.up(check=False)
    assert refused.returncode != 0 and admin.write_calls() == 0
    assert "campaign 18 (Black Friday) was inactive when this run's review planned activate, and is active now" in (
        refused.stdout
    ), refused.stdout
    assert "changed in Altcraft by m.jones" in refused.stdout
    # The next run reviews it as it is: nothing left to send (the up records the file's ask).
    assert "`pulumi up` would send no calls" in stack.preview().stdout


def test_a_reviewed_plan_applies_when_another_campaign_changed_after_the_review(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    stack.write("campaigns.yaml", IN_SYNC)
    stack.up()
    stack.write(
        "campaigns.yaml",
        IN_SYNC.replace("id: 19, name: Cyber Monday, active: true", "id: 19, name: Cyber Monday, active: false"),
    )
    plan = stack.project_dir.parent / "plan.json"
    stack.run("preview", "--save-plan", str(plan))
    admin = altcraft.admin
    admin.set_state(21, "inactive", user="m.jones")  # unrelated, after the review
    admin.reset_calls()
    env = {**stack.env, "ALTCRAFT_REVIEWED_PLAN": str(plan)}
    applied = stack.run("up", "--yes", "--plan", str(plan), env=env, check=False)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert admin.calls().get("deactivate") == 1 and admin.write_calls() == 1  # exactly the reviewed call
    assert admin.states()[19] == "inactive" and admin.states()[21] == "inactive"  # 21 left as m.jones left it
    assert "campaign 21 Spring collection: inactive now; this run's review would send activate (drift)" in (
        applied.stdout
    ), applied.stdout
    drift = stack.preview(check=False)
    assert "campaign 21 Spring collection: inactive -> active (drift: changed in Altcraft by m.jones" in drift.stdout

    # A campaign the plan does change, changed after the review: refused before any call.
    stack.write(
        "campaigns.yaml",
        IN_SYNC.replace("id: 23, name: Welcome series, active: false", "id: 23, name: Welcome series, active: true"),
    )
    admin.set_state(21, "active")
    stack.run("preview", "--save-plan", str(plan))
    admin.set_state(23, "active", user="m.jones")
    admin.reset_calls()
    refused = stack.run("up", "--yes", "--plan", str(plan), env=env, check=False)
    assert refused.returncode != 0 and admin.write_calls() == 0
    assert "the reviewed plan (" in refused.stdout and "no longer applies" in refused.stdout
    assert "campaign 23 Welcome series: the reviewed plan sends activate from inactive, but it is active now" in (
        refused.stdout
    )


def test_destroy_sends_nothing_and_keeps_what_its_entries_say_to_stop(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    from tests.support.e2e import add_campaigns

    add_campaigns(altcraft, range(100, 130))
    entries = "".join(f"  - {{id: {i}, active: true, on_remove: deactivate}}\n" for i in range(100, 130))
    stack.write("campaigns.yaml", "campaigns:\n" + entries + "  - {id: 23, active: false}\n")
    stack.set_config("altcraft:maxChanges", "10")
    stack.up()
    altcraft.admin.reset_calls()
    destroyed = stack.destroy(check=False)
    assert altcraft.admin.write_calls() == 0  # not 10 then a failure: none
    assert destroyed.returncode != 0
    assert "is active in Altcraft and its entry says on_remove: deactivate" in destroyed.stdout
    assert "`pulumi destroy` sends no call either" in destroyed.stdout
    resources = [r["urn"] for r in stack.export()["deployment"]["resources"]]
    assert sum("::campaign-1" in urn for urn in resources) == 30  # every one still managed


def test_a_record_that_does_not_say_the_files_ask_is_never_a_call(stack: Workspace, altcraft: LocalAltcraft) -> None:
    # 18 runs with `drift: keep`; someone stops it in the web UI (an emergency stop).
    stack.write("campaigns.yaml", "campaigns:\n  - {id: 18, name: Black Friday, active: true, drift: keep}\n")
    stack.up()
    altcraft.admin.set_state(18, "inactive", user="ops.oncall")
    stack.run("refresh", "--yes")
    state = stack.export()
    for resource in state["deployment"]["resources"]:
        if resource["urn"].endswith("::campaign-18"):
            # Half rewritten by hand: the file's ask gone from `active`, a stale `desired_active`.
            resource["outputs"].pop("active")
            resource["outputs"]["desired_active"] = "no"
    exported = stack.project_dir.parent / "edited.json"
    exported.write_text(json.dumps(state))
    stack.run("stack", "import", "--file", str(exported))
    altcraft.admin.reset_calls()
    preview = stack.preview()
    assert "does not say for sure what the file asked at the last deploy" in preview.stdout
    assert "`pulumi up` would send no calls" in preview.stdout
    stack.up()
    assert altcraft.admin.write_calls() == 0 and altcraft.admin.states()[18] == "inactive"
    # The up recorded what the file asks; the emergency stop is kept drift from now on.
    assert "drift kept (the file says active: true" in stack.preview().stdout


def test_hostile_editors_cannot_change_what_a_row_says_or_what_is_sent(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    """Issue 30, case 3: `updated_user` is text a person types. Written like the preview's own words,
    it used to turn the summary's rows (and adopt-drift's edits) into the opposite of the calls."""
    from tests.support.e2e import helper, run_summary

    stack.write("campaigns.yaml", IN_SYNC)
    stack.up()
    forged = "x at unknown): active -> inactive (drift: changed in Altcraft by j.smith"
    glass = "ops; break-glass: approved by CISO"
    altcraft.admin.set_state(19, "inactive", user=forged)
    altcraft.admin.set_state(23, "active", user=glass)
    preview = stack.run("preview", "--json").stdout
    rows = {row["campaign_id"]: row for row in json.loads(run_summary(preview, "--format", "json").stdout)["rows"]}
    assert (rows[19]["calls"], rows[19]["before"], rows[19]["after"], rows[19]["changed_by"]) == (
        ["activate"],
        "inactive",
        "active",
        forged,
    )
    assert (rows[23]["calls"], rows[23]["changed_by"]) == (["deactivate"], glass)

    # adopt-drift edits what the record says drifted, as Altcraft has it: 19 off, 23 on.
    adopted = helper("adopt-drift", "--stack", "test", env=stack.env, cwd=stack.project_dir, stdin=preview)
    assert adopted.returncode == 0, adopted.stderr
    text = (stack.project_dir / "campaigns.yaml").read_text()
    assert (
        "{id: 19, name: Cyber Monday, active: false}" in text and "{id: 23, name: Welcome series, active: true}" in text
    )
    stack.write("campaigns.yaml", IN_SYNC)  # the reverting deploy instead

    altcraft.admin.reset_calls()
    stack.up()
    calls = altcraft.admin.calls()
    assert (calls.get("activate"), calls.get("deactivate"), altcraft.admin.write_calls()) == (1, 1, 2)
    assert altcraft.admin.states()[19] == "active" and altcraft.admin.states()[23] == "inactive"
    shown = helper("history", "--stack", "test", "--format", "json", env=stack.env, cwd=stack.project_dir)
    events = {c["campaign_id"]: c["events"] for c in json.loads(shown.stdout)["campaigns"]}
    newest = {campaign_id: found[0] for campaign_id, found in events.items()}
    assert (newest[23]["cause"], newest[23]["sent"], newest[23]["altcraft_by"]) == ("drift", ["deactivate"], glass)
    assert newest[23]["break_glass"] is None  # nobody gave one
    assert (newest[19]["sent"], newest[19]["altcraft_by"]) == (["activate"], forged)
