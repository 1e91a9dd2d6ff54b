"""Files the command line writes: whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from provider.errors import UserFacingError


def write_atomically(path: Path, text: str) -> None:
    """The whole file or, if anything fails, the old one untouched: never a half-written file. A
    file that cannot be written (no such directory, no permission) is an error naming it."""
    try:
        _write(path, text)
    except OSError as error:
        raise UserFacingError(f"{path}: cannot write it ({error.strerror or error}); nothing was written") from None


def _write(path: Path, text: str) -> None:
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent or ".", delete=False) as tmp:
        try:
            tmp.write(text)
            tmp.flush()
            os.fsync(tmp.fileno())
        except BaseException:
            os.unlink(tmp.name)
            raise
    os.replace(tmp.name, path)
