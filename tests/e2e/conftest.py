"""A fresh stack of the real program, with the real CLI, against the local Altcraft server."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import TOKEN, LocalAltcraft
from tooling.pulumi_cli import Workspace, new_workspace
from tooling.pulumi_env import REPO_ROOT


@pytest.fixture
def stack(tmp_path: Path, altcraft: LocalAltcraft) -> Iterator[Workspace]:
    ws = new_workspace(tmp_path)
    ws.set_config("altcraft:url", altcraft.url)
    ws.set_config("altcraft:token", TOKEN, secret=True)
    yield ws
    # Whatever the test did, the token must not show in any output or in the state.
    exported = ws.run("stack", "export", check=False)
    for result in ws.history:
        assert TOKEN not in result.stdout and TOKEN not in result.stderr, result.args
    for state_file in (tmp_path / "state").rglob("*.json"):
        assert TOKEN not in state_file.read_text(), state_file
    assert exported.returncode == 0


def add_campaigns(altcraft: LocalAltcraft, ids: Iterable[int], state: str | Callable[[int], str] = "active") -> None:
    """Campaigns named `Campaign <id>` in the stand-in; `state` may depend on the id."""
    for campaign_id in ids:
        altcraft.admin.add(campaign_id, f"Campaign {campaign_id}", state(campaign_id) if callable(state) else state)


def campaigns_file(entries: Mapping[int, bool]) -> str:
    """A campaigns file of `{id: N, active: ...}` entries, in the mapping's order."""
    return "campaigns:\n" + "".join(f"  - {{id: {i}, active: {str(a).lower()}}}\n" for i, a in entries.items())


# A sitecustomize that moves this machine's clock for the program and provider (tests only).
MACHINE_CLOCK_DIR = Path(__file__).resolve().parent.parent / "machine_clock"
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
        [sys.executable, "-m", "provider", "summary", *args],
        input=preview,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done
