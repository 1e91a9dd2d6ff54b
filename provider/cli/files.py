"""Files the command line writes: whole or not at all, where the path really leads, as they were.

- A symlink is followed (every level): its target is edited, and the link stays a link.
- What is there must be a regular file: a directory, a device (`/dev/full`), a FIFO or a socket is
  refused, never replaced by a file.
- A read-only file (no write bit for anyone) is refused: someone made it so on purpose.
- The new content keeps the file's mode and owner; a new file gets the mode the umask allows.
- The content goes to a temporary file beside the target, then replaces it in one rename: a
  reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from provider.errors import UserFacingError
from provider.inputs import file_kind


def write_atomically(path: Path, text: str) -> Path:
    """Writes `text` to `path` (see the module's rules); the file written, which is the link's
    target when `path` is a symlink. A file that cannot be written is an error naming it."""
    target = Path(os.path.realpath(path))
    try:
        existing = os.stat(target)
    except FileNotFoundError:
        existing = None
    except OSError as error:
        raise UserFacingError(f"{path}: cannot write it ({error.strerror or error}); nothing was written") from None
    if existing is not None:
        kind = file_kind(existing.st_mode)
        if kind is not None:
            raise UserFacingError(f"{path} is {kind}, not a regular file; nothing was written")
        if not existing.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            mode = stat.S_IMODE(existing.st_mode)
            raise UserFacingError(f"{path} is read-only (mode {mode:04o}); nothing was written")
    try:
        _write(target, text, existing)
    except OSError as error:
        raise UserFacingError(f"{path}: cannot write it ({error.strerror or error}); nothing was written") from None
    return target


def _write(target: Path, text: str, existing: os.stat_result | None) -> None:
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, delete=False) as tmp:
        try:
            tmp.write(text)
            tmp.flush()
            if existing is not None:
                os.fchmod(tmp.fileno(), stat.S_IMODE(existing.st_mode))
                if (existing.st_uid, existing.st_gid) != (os.getuid(), os.getgid()):
                    os.fchown(tmp.fileno(), existing.st_uid, existing.st_gid)
            else:
                os.fchmod(tmp.fileno(), 0o666 & ~_umask())
            os.fsync(tmp.fileno())
        except BaseException:
            os.unlink(tmp.name)
            raise
    os.replace(tmp.name, target)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
