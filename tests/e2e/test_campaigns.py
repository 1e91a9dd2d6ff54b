"""The product end to end: the real pulumi CLI, our program, the local Altcraft server."""

from __future__ import annotations

import re

from tests.support.stand_in import TOKEN, LocalAltcraft
from tooling.pulumi_cli import Workspace

FIRST_FILE = """\
campaigns:
  - id: 18            # inactive -> activate
    name: Black Friday
    active: true
  - id: 19            # active -> deactivate
    active: false
  - id: 21            # already active
    active: true
  - id: 22            # waiting counts as not active
    active: false
  - id: 30            # completed: inactive is satisfied
    active: false
"""


def test_first_preview_writes_nothing_up_writes_exactly_what_is_needed(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    stack.write("campaigns.yaml", FIRST_FILE)
    preview = stack.preview()
    assert "+ 6 to create" in preview.stdout, preview.stdout
    assert altcraft.admin.write_calls() == 0

    stack.up()
    calls = altcraft.admin.calls()
    assert (calls.get("activate"), calls.get("deactivate"), calls.get("completed")) == (1, 1, None), calls
    assert {k: v for k, v in altcraft.admin.states().items() if k in (18, 19, 21, 22, 30)} == {
        18: "active",
        19: "inactive",
        21: "active",
        22: "waiting",
        30: "completed",
    }
    summary = stack.outputs()["campaigns"]
    assert summary == {
        "managed": 5,
        "ids": "18-19,21-22,30",
        "states": {"active": 2, "completed": 1, "inactive": 1, "waiting": 1},
        "not_in_desired_state": {},
    }

    altcraft.admin.reset_calls()
    again = stack.preview("--expect-no-changes")
    assert "6 unchanged" in again.stdout, again.stdout
    assert altcraft.admin.write_calls() == 0


def test_drift_shows_in_preview_and_one_call_fixes_it(stack: Workspace, altcraft: LocalAltcraft) -> None:
    stack.write("campaigns.yaml", FIRST_FILE)
    stack.up()
    altcraft.admin.set_state(18, "inactive")  # paused in the web UI
    altcraft.admin.reset_calls()

    # Pulumi.yaml's `refresh: always` alone makes plain `pulumi preview` see the drift.
    plain_env = {k: v for k, v in stack.env.items() if k != "PULUMI_RUN_PROGRAM"}
    for env in (plain_env, stack.env):
        preview = stack.run("preview", "--diff", env=env)
        # The reviewed calls are the resource's `plan` input: the diff shows exactly what is sent.
        assert re.search(
            r'[+~] plan\s*: .*"activate: inactive -> active \(drift\) plan/1 [0-9a-f]{16}"', preview.stdout
        ), preview.stdout
        assert "~ 1 to update" in preview.stdout, preview.stdout
    assert altcraft.admin.write_calls() == 0

    stack.up()
    assert altcraft.admin.calls().get("activate") == 1 and altcraft.admin.write_calls() == 1
    assert altcraft.admin.states()[18] == "active"


def test_removing_entries_follows_on_remove_and_so_does_destroy(stack: Workspace, altcraft: LocalAltcraft) -> None:
    stack.write(
        "campaigns.yaml",
        "campaigns:\n"
        "  - {id: 19, active: true, on_remove: deactivate}\n"
        "  - {id: 21, active: true}\n"
        "  - {id: 18, active: true, on_remove: deactivate}\n"
        "  - {id: 23, active: true, on_remove: retain}\n",
    )
    stack.up()
    assert [altcraft.admin.states()[i] for i in (19, 21, 18, 23)] == ["active"] * 4

    stack.write(
        "campaigns.yaml", "campaigns:\n  - {id: 18, active: true, on_remove: deactivate}\n  - {id: 23, active: true}\n"
    )
    altcraft.admin.reset_calls()
    removal = stack.up()
    assert "- 2 deleted" in removal.stdout, removal.stdout
    assert altcraft.admin.states()[19] == "inactive"  # deactivate
    assert altcraft.admin.states()[21] == "active"  # retain (the default)
    assert altcraft.admin.calls().get("deactivate") == 1

    # `pulumi destroy` sends no call (it has no review): it forgets what it may, and refuses to
    # forget a running campaign whose entry says to stop it on removal.
    refused = stack.destroy(check=False)
    assert refused.returncode != 0 and altcraft.admin.calls().get("deactivate") == 1
    assert "campaign 18 (Black Friday) is active in Altcraft and its entry says on_remove: deactivate" in refused.stdout
    assert altcraft.admin.states()[18] == "active" and altcraft.admin.states()[23] == "active"
    # Released through a reviewed change of the file, the stack then destroys cleanly.
    stack.write("campaigns.yaml", "campaigns: []\n")
    stack.up()
    assert altcraft.admin.states()[18] == "inactive" and altcraft.admin.states()[23] == "active"
    stack.destroy()


def test_a_bad_file_fails_preview_with_the_loaders_message_and_no_api_call(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    stack.write("campaigns.yaml", FIRST_FILE)
    stack.up()  # a populated stack: even its refresh must not reach Altcraft
    stack.write("campaigns.yaml", "campaigns:\n  - id: 18\n    active: maybe\n")
    altcraft.admin.reset_calls()
    for command in (stack.preview, stack.up):
        result = command(check=False)
        assert result.returncode != 0
        assert (
            "campaigns.yaml:3: campaign 18: 'active' must be one of true, false, scheduled, got the string 'maybe'"
            in result.stdout
        )
        assert "Traceback" not in result.stdout + result.stderr
    assert altcraft.admin.calls() == {}


def test_the_token_stays_out_of_state_and_output(stack: Workspace, altcraft: LocalAltcraft) -> None:
    stack.write("campaigns.yaml", FIRST_FILE)
    stack.preview("--diff")
    stack.up()
    stack.run("refresh", "--yes")
    exported = stack.run("stack", "export").stdout
    assert TOKEN not in exported
    assert "altcraft:token" in stack.run("config").stdout  # set, but shown as [secret]
    # The serialized provider is a small, plain (non-secret) reference, not code or config.
    providers = re.findall(r'"__provider": "([^"]+)"', exported)
    assert providers and all(len(p) < 200 for p in providers)


def test_preview_diff_shows_the_flip(stack: Workspace, altcraft: LocalAltcraft) -> None:
    stack.write("campaigns.yaml", "campaigns:\n  - id: 23\n    active: false\n")
    stack.up()
    stack.write("campaigns.yaml", "campaigns:\n  - id: 23\n    active: true\n")
    preview = stack.preview("--diff")
    assert re.search(r"~ active\s*: false => true", preview.stdout), preview.stdout
    assert "campaign-23" in preview.stdout
    assert altcraft.admin.write_calls() == 0
