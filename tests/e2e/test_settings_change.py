"""A changed altcraft:url or altcraft:token, with plain `pulumi preview` and `up` (no PULUMI_RUN_PROGRAM).

Pulumi's refresh before the program (Pulumi.yaml: refresh: always) uses the config saved at the
last `pulumi up`. These tests change the settings and run the very next preview and up as a user
would, without any variable, and check what they read and write.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.stand_in import TOKEN, LocalAltcraft, start_altcraft
from tooling.pulumi_cli import Workspace

FILE = "campaigns:\n  - {id: 18, name: Black Friday, active: false}\n  - {id: 19, name: Cyber Monday, active: true}\n"
NEW_TOKEN = "tok-rotated-e2e-91d0c4"


def plain(stack: Workspace) -> dict[str, str]:
    """The workspace's environment as a user's shell has it: no PULUMI_RUN_PROGRAM."""
    return {k: v for k, v in stack.env.items() if k != "PULUMI_RUN_PROGRAM"}


def test_a_rotated_token_fails_the_refresh_with_what_to_run_then_takes_effect(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    stack.write("campaigns.yaml", FILE)
    stack.up()
    altcraft.admin.issue_token(NEW_TOKEN)
    altcraft.admin.revoke_token(TOKEN)
    stack.set_config("altcraft:token", NEW_TOKEN, secret=True)

    # The refresh runs before any of our code sees the new token: it fails, saying what to run.
    refused = stack.run("preview", check=False, env=plain(stack))
    assert refused.returncode != 0
    output = refused.stdout + refused.stderr
    assert "rejected the API token" in output or "401" in output, output
    assert "PULUMI_RUN_PROGRAM=true pulumi up" in output and "Traceback" not in output, output

    altcraft.admin.reset_calls()
    up = stack.run("up", "--yes", env={**plain(stack), "PULUMI_RUN_PROGRAM": "true"})
    assert "changed since the last `pulumi up`" in up.stdout, up.stdout
    assert altcraft.admin.write_calls() == 0
    # Saved by that up: from now on a plain preview works with the new token.
    stack.run("preview", "--expect-no-changes", env=plain(stack))
    for result in stack.history:
        assert NEW_TOKEN not in result.stdout + result.stderr


def test_a_moved_url_is_read_and_written_by_the_very_next_plain_preview_and_up(
    stack: Workspace, altcraft: LocalAltcraft, tmp_path: Path
) -> None:
    stack.write("campaigns.yaml", FILE)
    stack.up()
    moved = start_altcraft(tmp_path / "moved.json")  # the account after a migration: 18 is active there
    try:
        moved.admin.set_state(18, "active")
        stack.set_config("altcraft:url", moved.url)
        altcraft.admin.reset_calls()

        preview = stack.run("preview", env=plain(stack))
        # The refresh read the old host with the saved URL; the plan comes from the new one.
        assert f"would send 1 call to Altcraft at {moved.url}/api/v1.1" in preview.stdout, preview.stdout
        assert "campaign 18 Black Friday: active -> inactive" in preview.stdout
        assert "~ 1 to update" in preview.stdout, preview.stdout

        up = stack.run("up", "--yes", env=plain(stack))
        assert "1 updated" in up.stdout, up.stdout
        assert moved.admin.states()[18] == "inactive" and moved.admin.write_calls() == 1
        assert altcraft.admin.write_calls() == 0  # nothing was sent to the old host
        stack.run("preview", "--expect-no-changes", env=plain(stack))
    finally:
        moved.server.stop()


def test_a_url_without_a_scheme_is_explained_once_not_per_campaign(stack: Workspace, altcraft: LocalAltcraft) -> None:
    stack.write("campaigns.yaml", FILE)
    stack.run("config", "rm", "altcraft:url")
    env = {**plain(stack), "ALTCRAFT_URL": altcraft.url}
    stack.run("up", "--yes", env=env)
    # The refresh reads ALTCRAFT_URL at call time: every campaign meets the bad value.
    result = stack.run("preview", check=False, env={**env, "ALTCRAFT_URL": altcraft.url.removeprefix("http://")})
    assert result.returncode != 0
    diagnostics = result.stdout.split("Diagnostics:")[-1]  # the progress lines repeat each error once more
    assert diagnostics.count("ALTCRAFT_URL: Altcraft URL must start with http:// or https://") == 1, result.stdout
    # The other campaign's read does not repeat it: its record is left as it was (CampaignProvider.read in provider.engine.campaign_provider).
    assert "the Altcraft settings are unusable" not in diagnostics and diagnostics.count("error:") <= 2
