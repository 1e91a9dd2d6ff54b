"""Every file and document the tool reads, read one way: the campaigns file's standards for all.

A path must be a regular file (a FIFO would block forever, /dev/zero never ends, a directory is a
mistake), is read without blocking on open and never past a size limit; text must be UTF-8; JSON
must be JSON as `json` documents it, without NaN, Infinity or a number too large for a float, and
not nested past what the reader can walk. Each failure is an `UnreadableInput` naming the input
and what the user controls (the path, the variable or the option that named it), and the command
line exits 2 for it, with nothing written and nothing sent.
"""

from __future__ import annotations

import json
import math
import os
import stat
import sys
from pathlib import Path
from typing import IO, Any

from provider.errors import UnreadableInput

# Previews of 10,000 campaigns with calls are tens of MB; a plan file a few MB.
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024
_CHUNK = 1 << 20


def file_kind(mode: int) -> str | None:
    """None for a regular file, else what it is instead."""
    if stat.S_ISREG(mode):
        return None
    kinds = [
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def read_regular_file(path: Path, limit: int, what: str) -> bytes:
    """At most `limit` bytes of a regular file, and UnreadableInput past it. Opening never blocks
    (a FIFO would wait for a writer forever) and a device is refused before a byte is read. `what`
    names the input for the message: `campaigns.yaml`, `plan.json (from ALTCRAFT_REVIEWED_PLAN)`."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as error:
        raise UnreadableInput(what, f"cannot read it ({error.strerror or error})") from None
    try:
        kind = file_kind(os.fstat(fd).st_mode)
        if kind is not None:
            raise UnreadableInput(what, f"is {kind}, not a regular file")
        os.set_blocking(fd, True)
        return _bounded(lambda size: os.read(fd, size), limit, what)
    except OSError as error:
        raise UnreadableInput(what, f"cannot read it ({error.strerror or error})") from None
    finally:
        os.close(fd)


def read_stream(stream: IO[bytes], limit: int, what: str) -> bytes:
    """At most `limit` bytes of a stream (standard input), and UnreadableInput past it."""
    return _bounded(stream.read, limit, what)


def _bounded(read: Any, limit: int, what: str) -> bytes:
    chunks, size = [], 0
    while True:
        chunk = read(min(_CHUNK, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise UnreadableInput(what, f"file is larger than the limit of {_size(limit)}")


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"


def utf8(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise UnreadableInput(what, f"line {line}: not UTF-8 text (byte 0x{raw[error.start]:02x})") from None


def loads(text: str) -> Any:
    """`json.loads` as JSON documents it: NaN, Infinity and numbers past a float's range raise
    ValueError (Python's parser would read them as nan and inf); too deep raises RecursionError."""
    return json.loads(text, parse_constant=_no_constant, parse_float=_finite)


def parse_json(text: str, what: str) -> Any:
    """`loads`, with UnreadableInput naming `what` for anything that is not such JSON."""
    try:
        return loads(text)
    except RecursionError:
        raise UnreadableInput(what, "nested too deeply to be the JSON this command reads") from None
    except ValueError as error:
        raise UnreadableInput(what, f"not JSON ({error})") from None


def read_json_file(path: Path, limit: int, what: str) -> Any:
    return parse_json(utf8(read_regular_file(path, limit, what), what), what)


def read_text_argument(argument: str, limit: int, what: str) -> str:
    """A command's input: a path, or `-` for standard input."""
    if argument == "-":
        return utf8(read_stream(sys.stdin.buffer, limit, what), what)
    return utf8(read_regular_file(Path(argument), limit, what), what)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is out of range for a number")
    return value
