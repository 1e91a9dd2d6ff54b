"""Onboarding an existing account and the pull-request summary, with the real CLI."""

from __future__ import annotations

from pathlib import Path

from tests.support.e2e import helper
from tests.support.stand_in import TOKEN, LocalAltcraft
from tooling.pulumi_cli import Workspace
from tooling.pulumi_env import REPO_ROOT

# The console script `make setup` installs (pyproject.toml), as a user runs it.


def clean(env: dict[str, str]) -> dict[str, str]:
    """The workspace's pulumi environment, without Altcraft's variables or any path to our code."""
    return {k: v for k, v in env.items() if not k.startswith("ALTCRAFT_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def test_export_then_up_adopts_everything_without_a_write(stack: Workspace, altcraft: LocalAltcraft, tmp_path) -> None:
    for campaign_id in range(100, 130):  # a bigger account than the seed
        altcraft.admin.add(campaign_id, f"Campaign {campaign_id}", "active" if campaign_id % 3 else "inactive")
    before = altcraft.admin.states()
    env = {**stack.env, "ALTCRAFT_URL": altcraft.url, "ALTCRAFT_TOKEN": TOKEN}
    exported = tmp_path / "exported.yaml"
    result = helper("export", "--project", str(stack.project_dir), "--output", str(exported), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert TOKEN not in exported.read_text() + result.stderr

    stack.write("campaigns.yaml", exported.read_text())
    altcraft.admin.reset_calls()
    up = stack.up()
    assert "+ 36 created" in up.stdout, up.stdout  # 35 campaigns and the stack; 30 and 31 are terminal
    assert altcraft.admin.write_calls() == 0
    assert altcraft.admin.states() == before
    stack.preview("--expect-no-changes")


def test_export_reads_the_stack_config_from_another_directory(
    stack: Workspace, altcraft: LocalAltcraft, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    args = ("export", "--state", "completed", "--project", str(stack.project_dir))
    result = helper(*args, env=clean(stack.env), cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert "  - id: 30\n" in result.stdout and "  - id: 18\n" not in result.stdout
    assert f"Altcraft at {altcraft.url}/api/v1.1 (from altcraft:url; stack {stack.stack})" in result.stderr
    assert TOKEN not in result.stdout + result.stderr

    # Run inside the project, the same without --project.
    inside = helper("export", "--state", "completed", env=clean(stack.env), cwd=stack.project_dir)
    assert inside.returncode == 0 and inside.stdout == result.stdout, inside.stderr

    # A stack named with --stack that does not exist is an error, not a silent fall back to the environment.
    missing = helper(*args, "--stack", "nope", env={**clean(stack.env), "ALTCRAFT_URL": altcraft.url}, cwd=elsewhere)
    assert missing.returncode == 1 and "cannot read stack nope's config" in missing.stderr, missing.stderr
    assert "Traceback" not in missing.stderr


def test_preview_json_becomes_a_reviewers_table(stack: Workspace, altcraft: LocalAltcraft) -> None:
    stack.write("campaigns.yaml", "campaigns:\n  - {id: 18, active: false}\n  - {id: 19, active: true}\n")
    stack.up()
    stack.write("campaigns.yaml", "campaigns:\n  - {id: 18, active: true}\n  - {id: 19, active: false}\n")
    preview = stack.run("preview", "--json")
    table = helper("summary", env=clean(stack.env), cwd=stack.project_dir.parent, stdin=preview.stdout)
    assert table.returncode == 0, table.stderr
    assert "| 18 `Black Friday` | activate | inactive | active |" in table.stdout
    assert "| 19 `Cyber Monday` | deactivate | active | inactive |" in table.stdout
    assert altcraft.admin.write_calls() == 0  # both were already as the first file said; preview writes nothing


def test_each_stack_uses_its_own_campaigns_file(tmp_path, altcraft: LocalAltcraft) -> None:
    from tooling.pulumi_cli import new_workspace

    staging_files = {name: (REPO_ROOT / name).read_text() for name in ("Pulumi.staging.yaml", "campaigns.staging.yaml")}
    ws = new_workspace(tmp_path, stack="staging", extra_files=staging_files)
    ws.set_config("altcraft:url", altcraft.url)  # the example points at a host we cannot reach
    ws.set_config("altcraft:token", TOKEN, secret=True)
    altcraft.admin.add(5, "Black Friday (staging copy)", "inactive")  # the staging account's campaigns
    altcraft.admin.add(6, "Welcome series (staging copy)", "inactive")
    assert ws.run("config", "get", "campaignsFile").stdout.strip() == "campaigns.staging.yaml"
    # `check` without a file checks the stack's file, from any directory.
    checked = helper("check", "--project", str(ws.project_dir), "--stack", "staging", env=clean(ws.env), cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.splitlines()[-1].startswith(f"{ws.project_dir / 'campaigns.staging.yaml'}: ")
    preview = ws.preview()
    assert "campaign-5" in preview.stdout and "campaign-6" in preview.stdout
    assert "campaign-18" not in preview.stdout

    # A stack that requires name guards: `check --stack` refuses an entry without one, as the
    # program would; the same file checked alone is valid.
    ws.set_config("altcraft:requireNameGuards", "true")
    (tmp_path / "unguarded.yaml").write_text("campaigns:\n  - {id: 5, active: true}\n")
    args = ("check", "unguarded.yaml", "--project", str(ws.project_dir))
    refused = helper(*args, "--stack", "staging", env=clean(ws.env), cwd=tmp_path)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "unguarded.yaml:2: campaign 5: has no name guard: stack staging requires `name:`" in refused.stderr
    assert "(altcraft:requireNameGuards)" in refused.stderr
    assert helper(*args, env=clean(ws.env), cwd=tmp_path).returncode == 0
