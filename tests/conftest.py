"""Fixtures shared by every test tree: a local Altcraft server seeded with campaigns (tests/support/stand_in.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.support.stand_in import LocalAltcraft, start_altcraft

# CI runs the same examples every time (a red build must be reproducible); locally hypothesis explores.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def altcraft(tmp_path: Path) -> Iterator[LocalAltcraft]:
    local = start_altcraft(tmp_path / "altcraft.json")
    yield local
    local.server.stop()


@pytest.fixture(autouse=True)
def a_new_provider_process() -> None:
    """Each test's providers start as a new provider process would: no runtime shared from an
    earlier test (provider.engine.runtime keeps one per configuration for the process)."""
    from provider.engine import runtime

    runtime.forget_all()
