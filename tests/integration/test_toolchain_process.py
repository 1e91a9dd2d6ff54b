"""The toolchain pins and the offline environment shared by tests, demo and benchmarks."""

import subprocess
import sys
from pathlib import Path

import pytest

from tooling import pulumi_cli, pulumi_env


def test_shell_form_exports_the_same_environment(tmp_path: Path) -> None:
    script = subprocess.run(
        [sys.executable, "-m", "tooling.pulumi_env", "--state", str(tmp_path / "s"), "--home", str(tmp_path / "h")],
        cwd=pulumi_env.REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    shown = subprocess.run(
        ["bash", "-c", f"{script}\necho $PULUMI_BACKEND_URL; echo $PULUMI_SKIP_UPDATE_CHECK"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert shown == [f"file://{(tmp_path / 's').resolve()}", "true"]


def test_activate_script_sets_up_a_shell(tmp_path: Path) -> None:
    script = f"cd {tmp_path} && . {pulumi_env.REPO_ROOT}/tooling/activate && command -v pulumi && command -v python && echo $PULUMI_RUN_PROGRAM"
    shown = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert shown == [
        str(pulumi_env.TOOLS_BIN / "pulumi"),
        str(pulumi_env.REPO_ROOT / ".venv" / "bin" / "python"),
        "true",
    ]


def test_make_help_lists_every_target() -> None:
    import re
    import subprocess

    from tooling.pulumi_env import REPO_ROOT

    makefile = (REPO_ROOT / "Makefile").read_text()
    targets = re.search(r"^\.PHONY: (.+)$", makefile, re.M)[1].split()
    shown = subprocess.run(["make", "-s", "help"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
    listed = {line.split()[1] for line in shown.splitlines() if line.startswith("make ")}
    assert set(targets) - {"help", "venv", "cli"} <= listed, set(targets) - listed


def test_wrong_cli_version_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "pulumi"
    fake.write_text("#!/bin/sh\necho v0.0.1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(pulumi_cli, "TOOLS_BIN", tmp_path)
    with pytest.raises(pulumi_cli.CliMissing, match=r"v0\.0\.1"):
        pulumi_cli.require_cli()
