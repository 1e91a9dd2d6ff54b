"""Run the stand-in as its own process (the demo and the benchmark), as users would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def start(data: Path, port: int = 0) -> tuple[subprocess.Popen[str], str]:
    """Start `python -m altcraft_local` on 127.0.0.1; returns the process and its base URL."""
    server = subprocess.Popen(
        [sys.executable, "-m", "altcraft_local", "--port", str(port), "--data", str(data)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    assert server.stdout is not None
    first_line = server.stdout.readline().strip()  # "altcraft-local listening on http://..."
    if "listening on " not in first_line:
        server.kill()
        raise RuntimeError(f"the local Altcraft server did not start: {first_line!r}")
    return server, first_line.rsplit(" ", 1)[1]
