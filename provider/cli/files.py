"""Files the command line writes: whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, text: str) -> None:
    """The whole file or, if anything fails, the old one untouched: never a half-written file."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent or ".", delete=False) as tmp:
        try:
            tmp.write(text)
            tmp.flush()
            os.fsync(tmp.fileno())
        except BaseException:
            os.unlink(tmp.name)
            raise
    os.replace(tmp.name, path)
