"""Edit entries of a campaigns file in place, keeping every byte outside the edit. No network.

The file is a reviewed document: its comments, blank lines, quotes, anchors, flow-style entries,
line endings and key order are its authors'. So nothing is re-emitted: ruamel.yaml's round-trip
parser only says where each entry's values are (line and column), and the edit replaces those
characters in the original text: the value of `active`, and the lines (or, in a flow entry, the
`, key: value` run) of the keys that cannot go with it. A trailing comment keeps its column where
the spaces before it allow. The result is read back by the loader (provider.campaigns.loader), and
every entry must mean what it meant before, but the edited ones, which must mean exactly what was
asked: an edit never yields a file the program reads differently.

Why ruamel.yaml and not only text search: an entry can be a block or a flow mapping, hold
comments and quoted names with `#`, `:` or `,` in them; a round-trip parser knows where each key
and value starts, a regular expression only guesses. Why not ruamel's own dump: it attaches the
comments and blank lines above an entry to the key before them, so dropping a key dropped the next
entry's comments, and it re-quotes escapes (`"\\x09"` became `"\\t"`), so the file `export` wrote
could not be edited.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from provider.campaigns.loader import CampaignSpec, Problem, parse_campaigns
from provider.campaigns.schedule import KEYS as TIME_KEYS
from provider.errors import SpecError

# What an entry's `active` becomes, by the state Altcraft shows; the keys that go with it are dropped
# (a window needs `active: true`; a running campaign's start has passed).
ADOPTABLE = {"active": True, "inactive": False, "waiting": "scheduled"}
_DROPPED = {
    True: ("active_from", "completed"),
    False: (*TIME_KEYS, "completed"),
    "scheduled": (*TIME_KEYS, "completed"),
}
_WRITTEN = {True: "true", False: "false", "scheduled": "scheduled"}


@dataclasses.dataclass(frozen=True)
class _Cut:
    """Characters [start, end) of line `line` become `text`."""

    line: int
    start: int
    end: int
    text: str


def set_active(text: str, path: str, wanted: dict[int, bool | str]) -> str:
    """`text` with each listed campaign's `active` set to what `wanted` gives it (true, false or
    "scheduled"), and the keys that cannot go with it removed; every other byte as it was."""
    before = {spec.id: spec for spec in parse_campaigns(text.encode(), path)}  # a refused file is not edited
    missing = sorted(set(wanted) - set(before))
    if missing:
        raise SpecError(path, [Problem(None, f"campaign {i}", "is not in the file") for i in missing])
    entries = _entries(text, path)
    lines = text.splitlines(keepends=True)
    cuts: list[_Cut] = []
    for campaign_id, value in wanted.items():
        entry = entries[campaign_id]
        cuts.append(_value_cut(lines, entry, "active", _WRITTEN[value], path, campaign_id))
        cuts += [_key_cut(lines, entry, key, path, campaign_id) for key in _DROPPED[value] if key in entry]
    edited = _applied(lines, cuts)
    _check_meaning(before, edited, path, wanted)
    return edited


def _entries(text: str, path: str) -> dict[int, Any]:
    try:
        document = YAML().load(text)  # round trip: it keeps each key's and value's line and column
    except YAMLError as error:
        raise SpecError(path, [Problem(None, None, f"cannot edit it: {error}")]) from None
    return {int(entry["id"]): entry for entry in document["campaigns"]}


def _value_cut(lines: list[str], entry: Any, key: str, text: str, path: str, campaign_id: int) -> _Cut:
    line, column = entry.lc.value(key)
    if entry.lc.key(key)[0] != line:
        why = f"the value of `{key}` is not on its key's line (an alias, or a value on a line of its own)"
        _refuse(path, entry.lc.key(key)[0], campaign_id, why)
    end = _token_end(_content(lines[line]), column, _flow(entry), path, line, campaign_id)
    return _Cut(line, column, end, text)


def _key_cut(lines: list[str], entry: Any, key: str, path: str, campaign_id: int) -> _Cut:
    """The cut that removes `key` and its value: its whole line in a block entry, its `, key: value`
    in a flow entry."""
    key_line, key_column = entry.lc.key(key)
    value_line, value_column = entry.lc.value(key)
    content = _content(lines[key_line])
    if value_line != key_line:
        _refuse(path, key_line, campaign_id, f"`{key}` and its value are on different lines")
    end = _token_end(content, value_column, _flow(entry), path, key_line, campaign_id)
    if not _flow(entry):
        if content[:key_column].strip():
            _refuse(path, key_line, campaign_id, f"`{key}` shares its line with the start of the entry")
        return _Cut(key_line, 0, len(lines[key_line]), "")  # the line, its end of line included
    comma = content.rfind(",", 0, key_column)
    if comma != -1 and not content[comma + 1 : key_column].strip():
        return _Cut(key_line, comma, end, "")  # `, key: value`
    after = content.find(",", end)
    if after == -1 or content[:key_column].rstrip()[-1:] != "{":
        _refuse(path, key_line, campaign_id, f"`{key}` is not between commas on one line")
    spaces = len(content[after + 1 :]) - len(content[after + 1 :].lstrip(" "))
    return _Cut(key_line, key_column, after + 1 + spaces, "")  # `key: value, ` after the brace


def _token_end(content: str, column: int, flow: bool, path: str, line: int, campaign_id: int) -> int:
    """Where the scalar that starts at `column` ends (quoted, or plain up to a comment, a flow
    separator or the end of the line)."""
    quote = content[column : column + 1]
    if quote == '"':
        index = column + 1
        while index < len(content):
            if content[index] == "\\":
                index += 2
                continue
            if content[index] == '"':
                return index + 1
            index += 1
        _refuse(path, line, campaign_id, "a double-quoted value goes on past its line")
    if quote == "'":
        index = column + 1
        while index < len(content):
            if content[index] == "'":
                if content[index + 1 : index + 2] == "'":
                    index += 2
                    continue
                return index + 1
            index += 1
        _refuse(path, line, campaign_id, "a single-quoted value goes on past its line")
    if quote in ("*", "&", "!", "|", ">"):
        _refuse(path, line, campaign_id, f"a value written with {quote!r} (an alias, anchor, tag or block scalar)")
    end = len(content)
    comment = content.find(" #", column)
    if comment != -1:
        end = comment
    if flow:
        stops = [i for i in (content.find(",", column), content.find("}", column)) if i != -1]
        end = min([end, *stops])
    return len(content[:end].rstrip(" \t"))


def _applied(lines: list[str], cuts: Iterable[_Cut]) -> str:
    edited = list(lines)
    for cut in sorted(cuts, key=lambda c: (c.line, c.start), reverse=True):
        line = edited[cut.line]
        if cut.start == 0 and cut.end == len(line) and not cut.text:
            edited[cut.line] = ""
            continue
        edited[cut.line] = _keeping_comment_column(line, cut)
    return "".join(edited)


def _keeping_comment_column(line: str, cut: _Cut) -> str:
    """The line with the cut made; a comment after it moves back to its column where spaces allow."""
    after = line[cut.end :]
    grown = len(cut.text) - (cut.end - cut.start)
    comment = after.find("#")
    if comment > 0 and not after[:comment].strip(", }") and grown:
        gap = len(after[:comment]) - len(after[:comment].rstrip(" "))
        kept = after[: comment - gap] + " " * max(1, gap - grown) + after[comment:]
        return line[: cut.start] + cut.text + kept
    return line[: cut.start] + cut.text + after


def _content(line: str) -> str:
    return line.rstrip("\r\n")


def _flow(entry: Any) -> bool:
    return bool(entry.fa.flow_style())


def _refuse(path: str, line: int, campaign_id: int, why: str) -> None:
    raise SpecError(path, [Problem(line + 1, f"campaign {campaign_id}", f"cannot be edited in place: {why}")])


def _check_meaning(before: dict[int, CampaignSpec], text: str, path: str, wanted: dict[int, bool | str]) -> None:
    """The edited file as the program reads it: the edited entries as asked, every other as before."""
    after = {spec.id: spec for spec in parse_campaigns(text.encode(), path)}
    for campaign_id, spec in before.items():
        now = after.get(campaign_id)
        expected = _expected(spec, wanted[campaign_id]) if campaign_id in wanted else spec
        if now is None or dataclasses.replace(now, line=0) != dataclasses.replace(expected, line=0):
            raise SpecError(path, [Problem(spec.line, f"campaign {campaign_id}", "the edit would change its meaning")])


def _expected(spec: CampaignSpec, value: bool | str) -> CampaignSpec:
    """What an entry means once its `active` says `value` and the keys that go with it are gone."""
    schedule = dataclasses.replace(spec.schedule, active_from=None) if value is True else type(spec.schedule)()
    return dataclasses.replace(
        spec,
        active=value is True,
        scheduled_in_altcraft=value == "scheduled",
        completed=False,
        schedule=schedule,
    )
