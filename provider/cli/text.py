"""Untrusted text (live campaign names, error messages) made safe to show in GitHub Markdown.

A name is shown, never interpreted: inside a code span an `@mention` pings nobody and HTML, links
and images do not render; characters that hide or reorder text are dropped; and no line grows past
what GitHub shows (`MAX_LINE`).
"""

from __future__ import annotations

import re
import unicodedata

# GitHub folds nothing, so a long line is a wall: every line of the comment stays under this.
MAX_LINE = 1_000
# A name longer than this is cut in a table cell (the JSON output keeps it whole).
MAX_NAME = 120
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def without_invisible(text: str) -> str:
    """`text` without control, format (bidi overrides, zero-width) and separator characters."""
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c) not in _INVISIBLE)


def cut(text: str, limit: int) -> str:
    """`text` at most `limit` characters long, saying how much was cut."""
    if len(text) <= limit:
        return text
    tail = f"... ({len(text) - limit} more characters)"
    return text[: max(limit - len(tail), 0)] + tail


def code_span(text: str, limit: int = MAX_NAME, in_table: bool = True) -> str:
    """`text` on one line as an inline code span: shown literally, whatever it holds."""
    text = cut(without_invisible(text).replace("\n", " "), limit)
    if in_table:
        text = text.replace("|", "\\|")  # a table cell ends at a bare |, even inside code
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def code_block(lines: list[str]) -> list[str]:
    """`lines` (each may hold several) in a fenced block no line of which can close the fence;
    long lines cut."""
    text = "\n".join(cut(without_invisible(line), MAX_LINE) for entry in lines for line in entry.splitlines())
    fence = "`" * max(3, max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    return [fence, text, fence]
