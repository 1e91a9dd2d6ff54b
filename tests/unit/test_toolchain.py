"""The toolchain pins and the offline environment shared by tests, demo and benchmarks."""

import importlib.metadata
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


def test_missing_cli_is_an_error_not_a_skip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pulumi_cli, "TOOLS_BIN", tmp_path)
    with pytest.raises(pulumi_cli.CliMissing, match="make setup"):
        pulumi_cli.require_cli()


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


def test_the_proxy_reports_a_host_that_crashed_not_one_the_cli_interrupted() -> None:
    """About one successful preview in twelve printed `... killed by signal 2 during the run`: the CLI
    interrupts its plugins at the end of a run, and the host could see it before the proxy did."""
    import signal
    from types import SimpleNamespace

    from tooling.language_host import HostWatch

    watch = HostWatch()
    watch.process = SimpleNamespace(poll=lambda: -signal.SIGINT)  # type: ignore[assignment]
    assert watch.reason() is None
    watch.process = SimpleNamespace(poll=lambda: -signal.SIGKILL)  # type: ignore[assignment]
    assert (
        watch.reason() == "the Python language host behind tooling/language_host.py killed by signal 9 during the run"
    )
    watch.process = SimpleNamespace(poll=lambda: 1)  # type: ignore[assignment]
    assert watch.reason() is not None and "exited with code 1" in watch.reason()
