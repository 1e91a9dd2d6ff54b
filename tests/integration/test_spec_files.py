"""The campaigns file loader: every bad input is one clear error naming file, line and campaign."""

import pytest

from provider.campaigns.loader import load_campaigns
from provider.errors import SpecError


def test_a_device_or_a_pipe_is_refused_before_reading_and_without_blocking(tmp_path) -> None:
    import os
    import threading

    for special, kind in (("/dev/zero", "a character device"), (str(tmp_path), "a directory")):
        with pytest.raises(SpecError, match=f"is {kind}, not a regular file; set campaignsFile to a YAML file"):
            load_campaigns(special)
    fifo = tmp_path / "campaigns.fifo"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def load() -> None:
        try:
            load_campaigns(fifo)
        except SpecError as error:
            outcome.append(error)

    reader = threading.Thread(target=load, daemon=True)
    reader.start()
    reader.join(timeout=5)
    assert not reader.is_alive(), "opening a FIFO blocked"
    assert "is a named pipe (FIFO), not a regular file" in str(outcome[0])


def test_check_validates_without_altcraft_and_describes_each_lifecycle(tmp_path) -> None:
    import subprocess
    import sys

    good = tmp_path / "campaigns.yaml"
    good.write_text(
        "campaigns:\n"
        "  - {id: 18, name: BF, active: true, active_from: 2099-11-27T00:00:00+03:00,"
        " active_until: 2099-12-01T00:00:00+03:00}\n"
        "  - {id: 30, name: S, completed: true}\n"
        "  - {id: 19, active: true}\n"
    )
    env = {"PATH": "/usr/bin:/bin"}  # no Altcraft settings at all
    run = subprocess.run(
        [sys.executable, "-m", "provider", "check", str(good)], capture_output=True, text=True, env=env
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        f"{good}:2: campaign 18: waiting until 2099-11-27T00:00:00+03:00, then active until "
        "2099-12-01T00:00:00+03:00, then inactive",
        f"{good}:3: campaign 30: completed (irreversible)",
        f"{good}: 3 campaign(s), valid (checked without Altcraft: ids and names are not)",
    ]
    good.write_text("campaigns:\n  - {id: 30, completed: true}\n")
    run = subprocess.run(
        [sys.executable, "-m", "provider", "check", str(good)], capture_output=True, text=True, env=env
    )
    assert run.returncode == 1 and f"{good}:2: campaign 30: completed: true needs a name guard" in run.stderr
    assert "Traceback" not in run.stderr
