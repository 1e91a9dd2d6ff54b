"""Tests only: this machine's clock, moved for the program and the provider of one pulumi run.

The e2e tests move the local Altcraft stand-in's clock through a window (days in a second), and the
program trusts Altcraft's clock only while this machine's agrees (provider.altcraft.clock). So a test that
moves one moves the other: `tests.e2e.conftest.set_clocks` puts this directory on PYTHONPATH and
the offset in ALTCRAFT_TEST_MACHINE_CLOCK_OFFSET_SECONDS, and Python runs this file at start-up.

It moves only `provider.altcraft.clock.machine_now`, the one place the provider reads this machine's clock,
by wrapping that module when it is first imported. Not the whole process's clock: gRPC mixes
Python's wall clock with its C core's when it computes deadlines, and a process whose wall clock
runs days ahead waits days for an answer that has already come. Never on a user's PYTHONPATH.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
from datetime import timedelta
from types import ModuleType

TARGET = "provider.altcraft.clock"


class _MoveMachineClock(importlib.abc.MetaPathFinder):
    def __init__(self, offset: timedelta) -> None:
        self.offset = offset

    def find_spec(self, name: str, path: object, target: object = None) -> importlib.machinery.ModuleSpec | None:
        if name != TARGET:
            return None
        sys.meta_path.remove(self)  # find the real module, once
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        loader, offset = spec.loader, self.offset
        execute = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            execute(module)
            real = module.machine_now
            module.machine_now = lambda: real() + offset

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


_OFFSET = os.environ.get("ALTCRAFT_TEST_MACHINE_CLOCK_OFFSET_SECONDS")
if _OFFSET:
    sys.meta_path.insert(0, _MoveMachineClock(timedelta(seconds=float(_OFFSET))))
