"""Writing a file the command line was given: the target of a link, its mode kept, never a device (issue 31, case 6)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from provider.cli.files import write_atomically
from provider.errors import UserFacingError


def test_a_symlink_is_followed_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "prod.yaml").write_text("old\n")
    link = tmp_path / "campaigns.yaml"
    link.symlink_to("real/prod.yaml")
    assert write_atomically(link, "new\n") == real / "prod.yaml"
    assert link.is_symlink() and (real / "prod.yaml").read_text() == "new\n"


def test_the_mode_is_kept_and_a_new_file_follows_the_umask(tmp_path: Path) -> None:
    kept = tmp_path / "kept.yaml"
    kept.write_text("old\n")
    kept.chmod(0o640)
    write_atomically(kept, "new\n")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_text() == "new\n"
    mask = os.umask(0o022)
    try:
        write_atomically(tmp_path / "new.yaml", "x\n")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "new.yaml").stat().st_mode) == 0o644  # not 0600


def test_a_read_only_file_is_refused(tmp_path: Path) -> None:
    frozen = tmp_path / "frozen.yaml"
    frozen.write_text("old\n")
    frozen.chmod(0o444)
    with pytest.raises(UserFacingError, match=r"is read-only \(mode 0444\); nothing was written"):
        write_atomically(frozen, "new\n")
    assert frozen.read_text() == "old\n"


@pytest.mark.parametrize(("where", "kind"), [("/dev/full", "a character device"), ("dir", "a directory")])
def test_what_is_not_a_regular_file_is_refused_not_replaced(tmp_path: Path, where: str, kind: str) -> None:
    path = Path(where) if where.startswith("/") else tmp_path / where
    if not path.is_absolute() or not path.exists():
        path.mkdir(exist_ok=True)
    before = path.stat()
    with pytest.raises(UserFacingError, match=f"is {kind}, not a regular file; nothing was written"):
        write_atomically(path, "x\n")
    assert path.stat().st_mode == before.st_mode and path.stat().st_ino == before.st_ino
