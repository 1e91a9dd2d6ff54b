"""Edit entries of a campaigns file in place, keeping everything else byte for byte. No network.

The file is a reviewed document: its comments, blank lines, quotes, flow-style entries and key
order are its authors'. ruamel.yaml's round-trip mode keeps them, provided it emits the file with
the same indentation it was written with; so the editor first finds the layout under which an
unedited round trip gives back the very same bytes, and refuses a file for which none does,
rather than reformat lines nobody asked to change. The result is read back by the loader
(provider.campaigns.loader) before it is returned: an edit never yields a file the program refuses.

Why ruamel.yaml and not text surgery: an entry can be a block or a flow mapping, span lines, hold
comments and quoted names with `#` or `:` in them; a round-trip parser knows where each value
starts and ends, a regular expression only guesses.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from provider.campaigns.loader import Problem, parse_campaigns
from provider.campaigns.schedule import KEYS as TIME_KEYS
from provider.errors import SpecError

# The indentations campaigns files are written with: (mapping, sequence, offset of the dash).
_LAYOUTS = ((2, 4, 2), (2, 2, 0), (4, 6, 4), (4, 4, 0), (2, 4, 0), (4, 4, 2))
# What an entry's `active` becomes, by the state Altcraft shows; the keys that go with it are dropped
# (a window needs `active: true`; a running campaign's start has passed).
ADOPTABLE = {"active": True, "inactive": False, "waiting": "scheduled"}
_DROPPED = {True: ("active_from",), False: TIME_KEYS, "scheduled": TIME_KEYS}

Edit = Callable[[Any], None]


def _yaml(layout: tuple[int, int, int]) -> YAML:
    yaml = YAML()  # round trip
    yaml.preserve_quotes = True
    yaml.width = 1 << 30  # never fold a long line
    mapping, sequence, offset = layout
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _dump(yaml: YAML, document: Any) -> str:
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def set_active(text: str, path: str, wanted: dict[int, bool | str]) -> str:
    """`text` with each listed campaign's `active` set to what `wanted` gives it (true, false or
    "scheduled"), and the date keys that cannot go with it removed; every other byte as it was."""

    def edit(entry: Any) -> None:
        value = wanted[entry["id"]]
        entry["active"] = value
        for key in _DROPPED[value]:
            entry.pop(key, None)
        entry.pop("completed", None)

    return edit_entries(text, path, {campaign_id: edit for campaign_id in wanted})


def edit_entries(text: str, path: str, edits: dict[int, Edit]) -> str:
    yaml, document = _layout_of(text, path)
    entries = {entry.get("id"): entry for entry in _entries(document)}
    missing = sorted(set(edits) - set(entries))
    if missing:
        raise SpecError(path, [Problem(None, f"campaign {i}", "is not in the file") for i in missing])
    for campaign_id, edit in edits.items():
        edit(entries[campaign_id])
    edited = _dump(yaml, document)
    parse_campaigns(edited.encode(), path)  # raises SpecError, naming the line, if the edit broke it
    return edited


def _layout_of(text: str, path: str) -> tuple[YAML, Any]:
    """The round-trip loader that gives `text` back byte for byte, and the document it read."""
    parse_campaigns(text.encode(), path)  # a file the program refuses is not edited
    for layout in _LAYOUTS:
        yaml = _yaml(layout)
        try:
            document = yaml.load(text)
        except YAMLError as error:
            raise SpecError(path, [Problem(None, None, f"cannot edit it: {error}")]) from None
        if _dump(yaml, document) == text:
            return yaml, document
    message = (
        "cannot edit it without reformatting lines nobody asked to change (its indentation is not one a "
        "round trip keeps); indent the campaigns list consistently, e.g. `campaigns:` then `  - id: 18`"
    )
    raise SpecError(path, [Problem(None, None, message)])


def _entries(document: Any) -> Iterable[Any]:
    return document["campaigns"] if isinstance(document, dict) else []
