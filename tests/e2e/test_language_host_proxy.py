"""The toolchain's language-host proxy (tooling/language_host.py) under failure, with the real CLI:
a host that dies mid-run is reported with its reason, and no process outlives a failed run."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.support.stand_in import LocalAltcraft
from tooling.pulumi_cli import TOOLS_BIN, Workspace

REAL_HOST = "pulumi-language-python-v"  # the upstream host behind the proxy (tooling/build-pulumi-cli.sh)
PROGRAM_RUNNER = "pulumi-language-python-exec"  # what the host runs the program with


def processes_in(directory: Path) -> dict[int, str]:
    """{pid: command line} of every process whose working directory is `directory`."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if Path(os.readlink(entry / "cwd")) == directory:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # gone meanwhile, or not ours to read
    return found


def running_the_program(directory: Path) -> int | None:
    """The real host (not the proxy in front of it) whose child runs the Pulumi program, if any."""
    for pid, command in processes_in(directory).items():
        if PROGRAM_RUNNER in command:
            try:
                parent = int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
                host = (Path("/proc") / str(parent) / "cmdline").read_bytes().split(b"\0", 1)[0].decode()
            except (OSError, ValueError, IndexError):
                continue
            if Path(host).name.startswith(REAL_HOST):
                return parent
    return None


def left_behind(directory: Path, within_s: float = 15.0) -> dict[int, str]:
    """What still runs in `directory` once `within_s` has passed (or sooner, when nothing does)."""
    deadline = time.monotonic() + within_s
    while (running := processes_in(directory)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return running


# Stands in for a CLI that starts its language host and exits without closing it, as the real CLI
# sometimes does when a run fails early: it prints the host's port and its pid, then waits.
_A_CLI_THAT_FORGETS_ITS_HOST = """
import os, subprocess, sys, time
host = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, text=True)
print(host.stdout.readline().strip(), host.pid, flush=True)
time.sleep(120)
"""


def test_a_host_whose_cli_exits_without_closing_it_ends_too(tmp_path: Path) -> None:
    env = {**os.environ, "PULUMI_PYTHON_CMD": sys.executable}  # the proxy, not upstream's host alone
    cli = subprocess.Popen(
        [sys.executable, "-c", _A_CLI_THAT_FORGETS_ITS_HOST, str(TOOLS_BIN / "pulumi-language-python"), "127.0.0.1:1"],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert cli.stdout is not None
        ready, _, _ = select.select([cli.stdout], [], [], 30)  # bounded: a proxy that never starts fails here
        assert ready, "the proxy did not print its port within 30 s"
        port, proxy = cli.stdout.readline().split()
        assert port.isdigit()
        assert any("language_host.py" in command for command in processes_in(tmp_path).values())
        cli.kill()  # no signal reaches the host: only its parent is gone
        cli.wait(timeout=10)
    finally:
        if cli.poll() is None:
            cli.kill()
    assert left_behind(tmp_path.resolve()) == {}, f"the proxy was pid {proxy}"


def test_a_wrong_passphrase_leaves_no_process_behind(stack: Workspace) -> None:
    project = stack.project_dir.resolve()
    for _ in range(2):
        result = stack.run("preview", env={**stack.env, "PULUMI_CONFIG_PASSPHRASE": "wrong"}, check=False)
        assert result.returncode != 0 and "passphrase" in (result.stdout + result.stderr).lower()
    assert left_behind(project) == {}


def test_a_host_killed_mid_run_is_reported_with_its_reason(stack: Workspace, altcraft: LocalAltcraft) -> None:
    stack.write("campaigns.yaml", "campaigns:\n  - {id: 18, active: false}\n")
    altcraft.admin.add_fault("latency", "list", seconds=4, times=-1)  # the program waits on Altcraft
    project = stack.project_dir.resolve()
    run = subprocess.Popen(
        [str(TOOLS_BIN / "pulumi"), "--non-interactive", "preview"],
        cwd=project,
        env=stack.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        host = None
        while host is None and time.monotonic() < deadline and run.poll() is None:
            host = running_the_program(project)
            time.sleep(0.1)
        assert host is not None, "the program never started"
        os.kill(host, signal.SIGKILL)  # mid-run: the program waits on the slow listing
        stdout, stderr = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode != 0
    assert "killed by signal 9" in stdout + stderr, stdout + stderr
    assert left_behind(project) == {}
