"""Run the real pulumi CLI on a scratch copy of this project.

Tests, the demo and the benchmarks never run pulumi in the repository itself: `stack init`
writes Pulumi.<stack>.yaml next to Pulumi.yaml, so each run gets its own copy of the project
files, its own file backend and its own PULUMI_HOME (see tooling.pulumi_env).
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tooling.pulumi_env import REPO_ROOT, TOOLS_BIN, offline_env, pinned_version

# What a copy of the project needs to run; everything else in the repo is not part of it.
PROJECT_FILES = ("Pulumi.yaml", "__main__.py", "provider")
OPTIONAL_PROJECT_FILES = ("campaigns.yaml",)


class CliMissing(RuntimeError):
    """The pinned pulumi CLI is not installed in .tools/bin."""


class PulumiFailed(RuntimeError):
    """A pulumi command exited non-zero; carries its output."""

    def __init__(self, args: list[str], result: subprocess.CompletedProcess[str]) -> None:
        self.result = result
        super().__init__(
            f"pulumi {' '.join(args)} exited {result.returncode}\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
        )


def _default_sigint() -> None:
    # A shell starts background jobs with SIGINT ignored, and children inherit that. Pulumi stops
    # its language host with SIGINT and waits 5 s before killing it, so an inherited "ignore"
    # added 5 s to every command run from a backgrounded script (the benchmark, CI runners).
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def require_cli() -> Path:
    """Path of the pinned pulumi; raises CliMissing (never skips) when it is absent or wrong."""
    cli = TOOLS_BIN / "pulumi"
    if not cli.exists():
        raise CliMissing(f"{cli} does not exist: run `make setup` to install the Pulumi CLI")
    found = subprocess.run([str(cli), "version"], capture_output=True, text=True, check=False).stdout.strip()
    wanted = f"v{pinned_version()}"
    if found != wanted:
        raise CliMissing(f"{cli} reports {found!r}, expected {wanted!r}: run `make setup`")
    return cli


def copy_project(dest: Path, extra_files: dict[str, str] | None = None) -> Path:
    """Copy the project's files into `dest`; `extra_files` adds or overrides files by name."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES + OPTIONAL_PROJECT_FILES:
        src = REPO_ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
        elif src.exists():
            shutil.copy2(src, dest / name)
    # Pulumi.yaml names `.venv` relative to the project; the dynamic-provider process uses it.
    if not (dest / ".venv").is_symlink():
        (dest / ".venv").symlink_to(REPO_ROOT / ".venv")
    for name, text in (extra_files or {}).items():
        (dest / name).write_text(text)
    return dest


@dataclass
class Workspace:
    """A project directory plus the offline environment its pulumi runs use."""

    project_dir: Path
    env: dict[str, str]
    stack: str
    # Every command's result, so tests can scan all output (e.g. for the API token).
    history: list[subprocess.CompletedProcess[str]] = field(default_factory=list)

    def run(
        self, *args: str, check: bool = True, timeout: float = 900, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        argv = [str(TOOLS_BIN / "pulumi"), "--non-interactive", *args]
        result = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            preexec_fn=_default_sigint,
            cwd=self.project_dir,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        self.history.append(result)
        if check and result.returncode != 0:
            raise PulumiFailed(list(args), result)
        return result

    def preview(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("preview", *args, check=check)

    def up(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("up", "--yes", "--skip-preview", *args, check=check)

    def destroy(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("destroy", "--yes", "--skip-preview", *args, check=check)

    def write(self, name: str, text: str) -> None:
        (self.project_dir / name).write_text(text)

    def set_config(self, key: str, value: str, secret: bool = False) -> None:
        self.run("config", "set", *(["--secret"] if secret else []), "--", key, value)

    def outputs(self) -> dict[str, Any]:
        return json.loads(self.run("stack", "output", "--json", "--show-secrets").stdout)

    def export(self) -> dict[str, Any]:
        return json.loads(self.run("stack", "export").stdout)


def new_workspace(root: Path, stack: str = "test", extra_files: dict[str, str] | None = None) -> Workspace:
    """A fresh stack on a scratch copy of the project under `root`."""
    require_cli()
    project_dir = copy_project(root / "project", extra_files)
    env = offline_env(root / "state", root / "pulumi-home")
    workspace = Workspace(project_dir=project_dir, env=env, stack=stack)
    workspace.run("stack", "init", stack)
    return workspace
