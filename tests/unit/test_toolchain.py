"""The toolchain pins and the offline environment shared by tests, demo and benchmarks."""

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest

from tooling import pulumi_cli, pulumi_env


def test_one_pinned_version_for_sdk_and_requirements() -> None:
    version = pulumi_env.pinned_version()
    requirements = (pulumi_env.REPO_ROOT / "requirements.txt").read_text().splitlines()
    assert f"pulumi=={version}" in requirements
    assert importlib.metadata.version("pulumi") == version


def test_offline_env_is_offline_and_local(tmp_path: Path) -> None:
    base = {"PATH": "/usr/bin", "PULUMI_ACCESS_TOKEN": "pul-secret", "HOME": "/root"}
    env = pulumi_env.offline_env(tmp_path / "state", tmp_path / "home", base=base)
    assert env["PULUMI_BACKEND_URL"] == f"file://{(tmp_path / 'state').resolve()}"
    assert env["PULUMI_HOME"] == str((tmp_path / "home").resolve())
    assert env["PATH"].split(":")[0] == str(pulumi_env.TOOLS_BIN)
    for flag in (
        "PULUMI_SKIP_UPDATE_CHECK",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION",
        "PULUMI_SKIP_CONFIRMATIONS",
        "PULUMI_IGNORE_AMBIENT_PLUGINS",
    ):
        assert env[flag] == "true"
    assert env["PULUMI_CONFIG_PASSPHRASE"]
    assert "PULUMI_ACCESS_TOKEN" not in env
    assert (tmp_path / "state").is_dir() and (tmp_path / "home").is_dir()


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


def test_missing_cli_is_an_error_not_a_skip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pulumi_cli, "TOOLS_BIN", tmp_path)
    with pytest.raises(pulumi_cli.CliMissing, match="make setup"):
        pulumi_cli.require_cli()


def test_wrong_cli_version_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "pulumi"
    fake.write_text("#!/bin/sh\necho v0.0.1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(pulumi_cli, "TOOLS_BIN", tmp_path)
    with pytest.raises(pulumi_cli.CliMissing, match=r"v0\.0\.1"):
        pulumi_cli.require_cli()


def test_activate_script_sets_up_a_shell(tmp_path: Path) -> None:
    script = f"cd {tmp_path} && . {pulumi_env.REPO_ROOT}/tooling/activate && command -v pulumi && command -v python && echo $PULUMI_RUN_PROGRAM"
    shown = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert shown == [
        str(pulumi_env.TOOLS_BIN / "pulumi"),
        str(pulumi_env.REPO_ROOT / ".venv" / "bin" / "python"),
        "true",
    ]


def test_the_language_host_proxy_finds_the_virtualenv_as_the_official_host_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tooling import language_host

    project = tmp_path / "project"
    (project / "sub").mkdir(parents=True)
    (project / "Pulumi.yaml").write_text("name: p\nruntime:\n  name: python\n  options:\n    virtualenv: .venv\n")
    assert language_host.project_virtualenv(project / "sub") == str(project / ".venv")
    (project / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    assert language_host.project_virtualenv(project) is None

    pack = tmp_path / "policies"
    assert language_host.python_for(pack, "venv") == str(pack / "venv" / "bin" / "python")
    assert language_host.python_for(pack, "/opt/venv") == "/opt/venv/bin/python"
    monkeypatch.setenv("PULUMI_PYTHON_CMD", "/usr/bin/python3.11")
    assert language_host.python_for(pack, None) == "/usr/bin/python3.11"


def test_the_proxy_forwards_every_call_of_the_language_runtime(tmp_path: Path) -> None:
    from pulumi.runtime.proto import language_pb2

    from tooling import language_host

    methods = language_pb2.DESCRIPTOR.services_by_name["LanguageRuntime"].methods
    streaming = {f"/pulumirpc.LanguageRuntime/{m.name}" for m in methods if m.server_streaming}
    assert language_host.RUN_PLUGIN in streaming and streaming <= language_host._STREAMING | {language_host.RUN_PLUGIN}


def test_make_help_lists_every_target() -> None:
    import re
    import subprocess

    from tooling.pulumi_env import REPO_ROOT

    makefile = (REPO_ROOT / "Makefile").read_text()
    targets = re.search(r"^\.PHONY: (.+)$", makefile, re.M)[1].split()
    shown = subprocess.run(["make", "-s", "help"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
    listed = {line.split()[1] for line in shown.splitlines() if line.startswith("make ")}
    assert set(targets) - {"help", "venv", "cli"} <= listed, set(targets) - listed
