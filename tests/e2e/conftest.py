"""A fresh stack of the real program, with the real CLI, against the local Altcraft server."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import pytest

from tests.conftest import TOKEN, LocalAltcraft
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


def add_campaigns(altcraft: LocalAltcraft, ids: Iterable[int], state: str | Callable[[int], str] = "active") -> None:
    """Campaigns named `Campaign <id>` in the stand-in; `state` may depend on the id."""
    for campaign_id in ids:
        altcraft.admin.add(campaign_id, f"Campaign {campaign_id}", state(campaign_id) if callable(state) else state)


def campaigns_file(entries: Mapping[int, bool]) -> str:
    """A campaigns file of `{id: N, active: ...}` entries, in the mapping's order."""
    return "campaigns:\n" + "".join(f"  - {{id: {i}, active: {str(a).lower()}}}\n" for i, a in entries.items())
