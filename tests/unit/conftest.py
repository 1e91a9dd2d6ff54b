"""The unit tree is pure: a test here that opens a socket or starts a process fails, and belongs in
tests/integration (a local or hostile server, a subprocess) or tests/e2e (the real CLI)."""

import socket
import subprocess
from typing import Any

import pytest


class NotAUnitTest(AssertionError):
    pass


def _refuse(what: str) -> Any:
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise NotAUnitTest(f"a unit test {what}: move it to tests/integration")

    return refuse


@pytest.fixture(autouse=True)
def no_network_no_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _refuse("opened a connection"))
    monkeypatch.setattr(socket, "getaddrinfo", _refuse("looked up a host name"))
    monkeypatch.setattr(subprocess.Popen, "__init__", _refuse("started a process"))
