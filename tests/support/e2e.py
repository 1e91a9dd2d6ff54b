"""Helpers of the end-to-end tests: campaigns in the stand-in, campaigns files, both clocks, and
the command line run as CI runs it. The stack fixture itself is tests/e2e/conftest.py's; the
workspace around the real CLI is tooling/pulumi_cli.py (the demo and the benchmark use it too)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from tests.support.stand_in import LocalAltcraft
from tooling.pulumi_cli import Workspace
from tooling.pulumi_env import REPO_ROOT

# The console script `make setup` installs beside this interpreter.
CONSOLE_SCRIPT = Path(sys.executable).with_name("altcraft-campaigns")


def add_campaigns(altcraft: LocalAltcraft, ids: Iterable[int], state: str | Callable[[int], str] = "active") -> None:
    """Campaigns named `Campaign <id>` in the stand-in; `state` may depend on the id."""
    for campaign_id in ids:
        altcraft.admin.add(campaign_id, f"Campaign {campaign_id}", state(campaign_id) if callable(state) else state)


def campaigns_file(entries: Mapping[int, bool]) -> str:
    """A campaigns file of `{id: N, active: ...}` entries, in the mapping's order."""
    return "campaigns:\n" + "".join(f"  - {{id: {i}, active: {str(a).lower()}}}\n" for i, a in entries.items())


# A sitecustomize that moves this machine's clock for the program and provider (tests only).
MACHINE_CLOCK_DIR = Path(__file__).resolve().parent / "machine_clock"
MACHINE_CLOCK_OFFSET = "ALTCRAFT_TEST_MACHINE_CLOCK_OFFSET_SECONDS"


def set_clocks(stack: Workspace, altcraft: LocalAltcraft, moment: str) -> None:
    """Altcraft's clock (the stand-in's) and this machine's, as the stack's next runs see it, both
    read `moment` (RFC 3339 with an offset) and run on from there: time passing, for both."""
    altcraft.admin.set_clock(moment)
    offset = datetime.fromisoformat(moment) - datetime.now(UTC)
    paths = [str(MACHINE_CLOCK_DIR), *filter(None, [os.environ.get("PYTHONPATH")])]
    stack.env.update({"PYTHONPATH": os.pathsep.join(paths), MACHINE_CLOCK_OFFSET: str(offset.total_seconds())})


def run_summary(preview: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`altcraft-campaigns summary ARGS` over a preview's output, as CI runs it; no traceback, ever."""
    done = subprocess.run(
        [sys.executable, "-m", "provider.cli", "summary", *args],
        input=preview,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def summary(stack: Workspace, preview_json: str, *args: str) -> str:
    """The summary's Markdown of a preview that succeeded."""
    result = run_summary(preview_json, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def helper(*args: str, env: dict[str, str], cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CONSOLE_SCRIPT), *args], cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=300
    )
