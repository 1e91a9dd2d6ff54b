"""A fresh stack of the real program, with the real CLI, against the local Altcraft server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.stand_in import TOKEN, LocalAltcraft
from tooling.pulumi_cli import Workspace, new_workspace


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
