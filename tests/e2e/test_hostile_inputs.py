"""Hostile data and unlucky operators, end to end with the real CLI and the local Altcraft server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.support.e2e import add_campaigns, campaigns_file
from tests.support.stand_in import TOKEN, LocalAltcraft
from tooling.pulumi_cli import TOOLS_BIN, Workspace
from tooling.pulumi_env import REPO_ROOT

HOSTILE_NAMES = {
    40: "DEL\x7fin the middle",
    41: "C1 \x85 next line and \x9b CSI",
    42: "line\u2028separator",
    43: "\x1b[31mred\x1b[0m",
    44: "\ufeffBOM first",
    45: 'quotes " and \\ backslash: # not a comment',
    46: "lone \ud800 surrogate",
    47: "Черная пятница 🎉",
    48: "@octocat <img src=x> ![p](https://t.example/p.png)",
}


def provider_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "provider", *args],
        cwd=cwd,
        env={**env, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )


# 5. Export writes files it can read back, whatever the names, and never half a file.


def test_export_of_hostile_names_adopts_with_zero_writes_and_a_clean_preview(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    for campaign_id, name in HOSTILE_NAMES.items():
        altcraft.admin.add(campaign_id, name, "active" if campaign_id % 2 else "inactive")
    exported = stack.project_dir / "campaigns.yaml"
    exported.write_text("# the previous file\ncampaigns: []\n")
    result = provider_cli("export", "--output", str(exported), env=stack.env, cwd=stack.project_dir)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr

    altcraft.admin.reset_calls()
    stack.up()
    assert altcraft.admin.write_calls() == 0
    stack.preview("--expect-no-changes")


def test_export_reads_settings_in_the_providers_order_and_says_which_it_used(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    env = {**stack.env, "ALTCRAFT_URL": "http://127.0.0.1:9", "ALTCRAFT_TOKEN": "not-this-one"}
    result = provider_cli("export", env=env, cwd=stack.project_dir)
    assert result.returncode == 0, result.stderr  # the stack's altcraft:url wins, as in `pulumi up`
    assert f"Altcraft at {altcraft.url}/api/v1.1 (from altcraft:url; stack test)" in result.stderr
    assert "  - id: 18\n" in result.stdout


def test_export_that_fails_leaves_the_existing_file_untouched(stack: Workspace, altcraft: LocalAltcraft) -> None:
    existing = stack.project_dir / "campaigns.yaml"
    existing.write_text("campaigns:\n  - {id: 18, active: true}\n")
    stack.set_config("altcraft:token", "revoked-token", secret=True)
    result = provider_cli("export", "--output", str(existing), env=stack.env, cwd=stack.project_dir)
    assert result.returncode == 1 and "Altcraft rejected the API token" in result.stderr
    assert existing.read_text() == "campaigns:\n  - {id: 18, active: true}\n"


# 7. The token: never stored in plain text, never in verbose logs when it comes from the environment.


def test_a_token_in_plain_text_stack_config_is_refused_before_any_call(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    stack.run("config", "set", "--plaintext", "altcraft:token", TOKEN)
    result = stack.preview(check=False)
    assert result.returncode != 0
    assert f"altcraft:token is stored in plain text in Pulumi.{stack.stack}.yaml" in result.stdout
    assert "pulumi config set --secret altcraft:token" in result.stdout
    assert altcraft.admin.calls() == {}
    stack.run("config", "rm", "altcraft:token")  # the fixture scans every output for the token after this


def test_a_token_from_the_environment_stays_out_of_verbose_logs(stack: Workspace, altcraft: LocalAltcraft) -> None:
    stack.run("config", "rm", "altcraft:token")
    env = {**stack.env, "ALTCRAFT_TOKEN": TOKEN}
    result = stack.run("preview", "-v=9", "--logtostderr", env=env)
    assert "campaign 18 Black Friday: inactive -> active (adopt)" in result.stdout
    assert TOKEN not in result.stdout + result.stderr


# 9. A killed run: the lock, what state is left, and why running again is safe.


def _kill_orphans(engine_address: str) -> None:
    """The language host and dynamic provider outlive a killed CLI; each names the engine's address."""
    for pid in os.listdir("/proc"):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            continue
        if engine_address in cmdline:
            os.kill(int(pid), signal.SIGKILL)


def _engine_address(project_dir: Path) -> str | None:
    for pid in os.listdir("/proc"):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"pulumi.dynamic" in argv and str(project_dir).encode() in argv[0]:
            return argv[argv.index(b"pulumi.dynamic") + 1].decode()
    return None


def test_after_a_killed_up_cancel_unlocks_and_the_next_up_converges_without_repeating_a_write(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    ids = range(1000, 1040)
    add_campaigns(altcraft, ids, "inactive")
    stack.write("campaigns.yaml", campaigns_file(dict.fromkeys(ids, True)))
    stack.set_config("altcraft:maxChanges", "0")  # 40 calls, more than the default limit of 25
    altcraft.admin.add_fault("latency", "activate", seconds=0.3, times=-1)
    run = subprocess.Popen(
        [str(TOOLS_BIN / "pulumi"), "--non-interactive", "up", "--yes", "--skip-preview"],
        cwd=stack.project_dir,
        env=stack.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    engine = None
    try:
        deadline = time.monotonic() + 120
        while altcraft.admin.calls().get("activate", 0) < 5 and time.monotonic() < deadline:
            engine = engine or _engine_address(stack.project_dir)
            time.sleep(0.05)
        run.kill()  # SIGKILL, as a CI runner that times out would
        run.wait(timeout=30)
    finally:
        if engine:
            _kill_orphans(engine)
    altcraft.admin.clear_faults()
    sent_before = altcraft.admin.calls()["activate"]
    assert 5 <= sent_before < len(ids)

    locked = stack.up(check=False)
    assert locked.returncode != 0 and "the stack is currently locked" in locked.stdout + locked.stderr
    stack.run("cancel", "--yes")
    stack.up()
    assert all(altcraft.admin.states()[i] == "active" for i in ids)
    assert altcraft.admin.calls()["activate"] == len(ids)  # campaigns switched before the kill: not again
    stack.preview("--expect-no-changes")
