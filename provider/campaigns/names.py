"""How a name guard compares the file's name with Altcraft's, and how a mismatch is shown.

Names are compared after Unicode NFC normalisation and nothing more. NFC only joins what Unicode
calls the same text written two ways ("é" as one code point or as "e" plus a combining accent):
editors, browsers and Altcraft's web UI each pick one, and no reader could tell them apart. Wider
rules are refused on purpose: NFKC would make "ﬁ" equal "fi" and full-width digits equal ASCII,
and case folding or a confusables table would make a Cyrillic "\u0412" equal a Latin "B". Those are
different strings, possibly different campaigns, which is what the guard is there to catch; the
message then shows the characters that differ by code point, since on screen they look the same.
"""

from __future__ import annotations

import unicodedata

# More differing characters than this and the names are plainly different: no code points shown.
SHOWN_DIFFERENCES = 3


def same_name(expected: str, actual: str) -> bool:
    return unicodedata.normalize("NFC", expected) == unicodedata.normalize("NFC", actual)


def difference(expected: str, actual: str) -> str | None:
    """Where two names that look alike differ, by code point; None when the difference is visible."""
    left, right = unicodedata.normalize("NFC", expected), unicodedata.normalize("NFC", actual)
    if len(left) != len(right):
        return None
    differing = [(i, a, b) for i, (a, b) in enumerate(zip(left, right, strict=True)) if a != b]
    if not differing or len(differing) > SHOWN_DIFFERENCES:
        return None
    parts = [
        f"character {i + 1} is {_code_point(a)} in the file, {_code_point(b)} in Altcraft" for i, a, b in differing
    ]
    return "; ".join(parts)


def _code_point(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed')}"
