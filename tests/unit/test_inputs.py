"""One reading of every input (provider/inputs.py): what is not a regular file, too large, not UTF-8
or not JSON as documented is refused, naming the input, before anything else (issue 31, case 7)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from provider.errors import UnreadableInput
from provider.inputs import parse_json, read_json_file, read_regular_file


def test_a_fifo_a_device_and_a_directory_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "preview.json"
    os.mkfifo(fifo)  # nobody writes to it: reading would wait forever
    with pytest.raises(UnreadableInput, match=r"preview.json: is a named pipe \(FIFO\), not a regular file"):
        read_regular_file(fifo, 1024, str(fifo))
    with pytest.raises(UnreadableInput, match="/dev/zero: is a character device, not a regular file"):
        read_regular_file(Path("/dev/zero"), 1024, "/dev/zero")
    with pytest.raises(UnreadableInput, match="is a directory"):
        read_regular_file(tmp_path, 1024, str(tmp_path))


def test_a_file_past_the_limit_is_refused_after_reading_no_more_than_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 5000)
    with pytest.raises(UnreadableInput, match="file is larger than the limit of 4096 bytes"):
        read_regular_file(big, 4096, "big.json")
    assert read_regular_file(big, 5000, "big.json") == b" " * 5000


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('{"a": NaN}', "NaN is not a JSON number"),
        ('{"a": Infinity}', "Infinity is not a JSON number"),
        ('{"a": 1e400}', "1e400 is out of range"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"a": ', "not JSON"),
    ],
)
def test_json_is_json_as_documented(text: str, why: str) -> None:
    with pytest.raises(UnreadableInput, match=why):
        parse_json(text, "preview.json")


def test_a_file_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    latin = tmp_path / "plan.json"
    latin.write_bytes(b'{\n"a": "\xe9"}')
    with pytest.raises(UnreadableInput, match=r"plan.json: line 2: not UTF-8 text \(byte 0xe9\)"):
        read_json_file(latin, 1024, "plan.json")
