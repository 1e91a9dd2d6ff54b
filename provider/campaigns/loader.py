"""campaigns.yaml -> validated, typed campaign specs. No network.

Every problem is reported with the file, the line and the campaign it concerns, all problems
at once, before anything is sent to Altcraft. The format is published as JSON Schema
(provider/campaigns.schema.json, read by provider.campaigns.options) and validated with it; what JSON Schema cannot see
(duplicate keys, duplicate ids, YAML 1.1 surprises such as `yes` meaning true) is checked on
the YAML node tree, which also gives every value its line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from provider.campaigns.options import DEFAULT_DRIFT, DEFAULT_ON_REMOVE, SCHEDULED, SCHEMA
from provider.campaigns.schedule import KEYS as TIME_KEYS
from provider.campaigns.schedule import Schedule, TimeError, parse_time
from provider.errors import SpecError, UnreadableInput
from provider.inputs import read_regular_file

MAX_FILE_BYTES = 8 * 1024 * 1024
# Aliases can make a small file expand into a huge tree ("billion laughs").
MAX_NODES = 500_000

Path_ = tuple[str | int, ...]

# YAML 1.2 spellings; PyYAML (YAML 1.1) also reads yes/no/on/off/y/n as booleans.
_BOOL_SPELLINGS = {"true", "True", "TRUE", "false", "False", "FALSE"}
# Plain decimal, as every reader means it: `017` is 15 to PyYAML (YAML 1.1 octal) and 17 to a
# YAML 1.2 reader such as ruamel.yaml (adopt-drift), so leading zeros (and a `+`) are refused.
_PLAIN_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
# Characters a diff, git and grep do not show as what YAML makes of them: line breaks YAML honours
# and they do not (so a key can hide in a "comment"), direction overrides that reorder what a
# reviewer reads, and zero-width characters. Refused everywhere in the file, quoted or not: a
# name that holds one is written with its escape in a double-quoted string ("\u200b"), which is
# visible. Code point -> what it is.
HIDDEN = {
    "\u0085": "NEXT LINE (NEL): YAML reads it as a line break, git and grep do not",
    "\u2028": "LINE SEPARATOR: YAML reads it as a line break, git and grep do not",
    "\u2029": "PARAGRAPH SEPARATOR: YAML reads it as a line break, git and grep do not",
    **dict.fromkeys("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f", "a text-direction control"),
    **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff", "a zero-width character"),
}
_SHOWNHIDDEN = 5
# Explicit tags such as !!python/object would ask the loader to build arbitrary objects.
_ALLOWED_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("map", "seq", "str", "int", "bool", "null", "float")}
# An unquoted 2026-11-27T00:00:00+03:00 resolves to a timestamp; it is kept as its text, which
# provider.campaigns.schedule reads strictly (PyYAML would accept a time without an offset as local time).
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
# libyaml's parser when PyYAML has it (five times faster on large files); same nodes and marks.
_NodeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class CampaignSpec:
    """The desired state of one campaign, as written in the file."""

    id: int
    active: bool
    name: str | None = None
    on_remove: str = DEFAULT_ON_REMOVE  # one of options.ON_REMOVE_CHOICES
    drift: str = DEFAULT_DRIFT  # one of options.DRIFT_CHOICES
    protect: bool = False
    line: int = 0
    schedule: Schedule = field(default_factory=Schedule)  # active_from, active_until, complete_at
    completed: bool = False  # the campaign must end up completed (irreversible)
    # `active: scheduled`: the campaign follows dates set in Altcraft (active is then False).
    scheduled_in_altcraft: bool = False


@dataclass(frozen=True)
class Problem:
    line: int | None
    campaign: str | None
    message: str

    def render(self, path: str) -> str:
        where = f"{path}:{self.line}" if self.line else path
        who = f" {self.campaign}:" if self.campaign else ""
        return f"{where}:{who} {self.message}"


class CampaignList(list[CampaignSpec]):
    """The file's entries in file order, and the line its `campaigns` list starts on (what a
    problem with an entry no longer in the file points to)."""

    def __init__(self, specs: list[CampaignSpec], line: int | None = None) -> None:
        super().__init__(specs)
        self.line = line


def load_campaigns(path: str | Path, chosen_by: str | None = None) -> CampaignList:
    """Read and validate a campaigns file; raises SpecError naming file, line and campaign.

    `chosen_by` says which setting named the file, for the message when it is missing.
    """
    shown = str(path)
    try:
        raw = read_regular_file(Path(path), MAX_FILE_BYTES, shown)
    except UnreadableInput as error:
        if not Path(path).exists():
            because = f" ({chosen_by})" if chosen_by else ""
            raise SpecError(shown, [Problem(None, None, f"file not found{because}")]) from None
        fix = "; set campaignsFile to a YAML file" if "not a regular file" in error.reason else ""
        raise SpecError(shown, [Problem(None, None, error.reason + fix)]) from None
    return parse_campaigns(raw, shown)


def parse_campaigns(raw: bytes, path: str) -> CampaignList:
    text = _decode(raw, path)
    try:
        return _parse_text(text, path)
    except RecursionError:  # composing, converting or validating a tree hundreds of levels deep
        raise SpecError(path, [_too_deep(text)]) from None


def _parse_text(text: str, path: str) -> CampaignList:
    document = _compose(text, path)
    data, lines = _Converter(path).convert(document)
    problems = list(_schema_problems(data, lines))
    if problems:
        raise SpecError(path, problems)
    problems = [problem for i, entry in enumerate(data["campaigns"]) for problem in _entry_problems(entry, i, lines)]
    if problems:
        raise SpecError(path, problems)
    specs = [_to_spec(entry, lines[("campaigns", i)]) for i, entry in enumerate(data["campaigns"])]
    problems = list(_duplicate_ids(specs))
    if problems:
        raise SpecError(path, problems)
    return CampaignList(specs, lines.get(("campaigns",)))


# A campaigns file nests three levels (the root, the list, an entry); this much is a broken file.
MAX_DEPTH = 32


def _too_deep(text: str) -> Problem:
    """Where the file first nests deeper than MAX_DEPTH; found on the event stream, which needs no recursion."""
    depth = 0
    for event in yaml.parse(text, Loader=_NodeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else None
                return Problem(line, None, f"nested more than {MAX_DEPTH} levels deep (a campaigns file needs 3)")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return Problem(None, None, "nested too deeply to read")


def _decode(raw: bytes, path: str) -> str:
    if len(raw) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        raise SpecError(path, [Problem(None, None, f"file is larger than the limit of {limit} MiB")])
    if raw.startswith(b"\xef\xbb\xbf"):
        message = "file starts with a byte-order mark (BOM); save it as UTF-8 without BOM"
        raise SpecError(path, [Problem(1, None, message)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); is this a binary file?"
        raise SpecError(path, [Problem(line, None, message)]) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SpecError(path, [Problem(line, None, "contains a NUL character; is this a binary file?")])
    hidden = _hidden_characters(text)
    if hidden:
        raise SpecError(path, hidden)
    return text


def _hidden_characters(text: str) -> list[Problem]:
    """Each character of HIDDEN, with its line as git counts lines (by \\n) and its column."""
    if not any(char in text for char in HIDDEN):  # the common case: one pass in C per character
        return []
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        for column, char in enumerate(line, start=1):
            if char in HIDDEN and len(problems) < _SHOWNHIDDEN:
                problems.append(
                    Problem(
                        number,
                        None,
                        f"column {column}: U+{ord(char):04X}, {HIDDEN[char]}; remove it, or write it as the "
                        f'escape "\\u{ord(char):04x}" inside a double-quoted string',
                    )
                )
    return problems


def _compose(text: str, path: str) -> yaml.Node:
    try:
        documents = list(yaml.compose_all(text, Loader=_NodeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = " ".join(filter(None, [exc.problem, exc.context])) or "invalid YAML"
        if "\t" in reason or "'\\t'" in reason or "tab character" in reason or _tab_near(text, mark):
            reason += " (a tab: tabs cannot indent YAML; use spaces)"
        raise SpecError(path, [Problem(line, None, f"YAML syntax error: {reason}")]) from None
    except yaml.YAMLError as exc:
        raise SpecError(path, [Problem(None, None, f"YAML error: {exc}")]) from None
    documents = [d for d in documents if d is not None]
    if not documents:
        raise SpecError(path, [Problem(1, None, "file is empty; expected a 'campaigns:' list")])
    if len(documents) > 1:
        line = documents[1].start_mark.line + 1
        raise SpecError(path, [Problem(line, None, "file holds several YAML documents ('---'); expected one")])
    return documents[0]


def _tab_near(text: str, mark: Any) -> bool:
    """Whether the line the parser stopped at is indented with a tab (PyYAML then often says only
    "found character that cannot start any token")."""
    if mark is None:
        return False
    lines = text.split("\n")
    line = lines[mark.line] if mark.line < len(lines) else ""
    return "\t" in line[: len(line) - len(line.lstrip(" \t"))]


class _Converter:
    """YAML nodes -> plain Python values, recording the line of every value and key."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lines: dict[Path_, int] = {}
        # (path of the value, line, message); labelled with the campaign once the tree is built
        self.problems: list[tuple[Path_, int, str]] = []
        self.nodes = 0
        self._scalars = yaml.SafeLoader("")

    def convert(self, node: yaml.Node) -> tuple[Any, dict[Path_, int]]:
        value = self._value(node, ())
        if self.problems:
            problems = [Problem(line, _campaign_label(value, at), message) for at, line, message in self.problems]
            raise SpecError(self.path, problems)
        return value, self.lines

    def _value(self, node: yaml.Node, at: Path_) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            problem = Problem(node.start_mark.line + 1, None, "file is too large or too deeply aliased")
            raise SpecError(self.path, [problem])
        self.lines.setdefault(at, node.start_mark.line + 1)
        if node.tag == _TIMESTAMP_TAG and isinstance(node, yaml.ScalarNode):
            return node.value
        if node.tag not in _ALLOWED_TAGS:
            self.problems.append((at, node.start_mark.line + 1, f"the YAML tag {node.tag!r} is not allowed here"))
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, at)
        if isinstance(node, yaml.SequenceNode):
            return [self._value(item, (*at, i)) for i, item in enumerate(node.value)]
        return self._scalar(node, at)

    def _mapping(self, node: yaml.MappingNode, at: Path_) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append((at, line, "a key must be a plain word, not a list or mapping"))
                continue
            key = self._scalar(key_node, at)
            if key in result:
                first = self.lines[(*at, key)]
                self.problems.append((at, line, f"duplicate key '{key}' (first on line {first})"))
                continue
            self.lines[(*at, key)] = line
            result[key] = self._value(value_node, (*at, key))
        return result

    def _scalar(self, node: yaml.ScalarNode, at: Path_) -> Any:
        line = node.start_mark.line + 1
        if node.tag == "tag:yaml.org,2002:bool" and not node.style and node.value not in _BOOL_SPELLINGS:
            message = f"'{node.value}' is ambiguous (YAML 1.1 reads it as a boolean); write true or false"
            self.problems.append((at, line, message))
            return node.value
        if node.tag == "tag:yaml.org,2002:int" and not node.style and not _PLAIN_INT.fullmatch(node.value):
            message = (
                f"'{node.value}': write numbers as plain decimal digits, without a leading zero or sign (YAML "
                "readers disagree on what 017 means: 15 or 17)"
            )
            self.problems.append((at, line, message))
            return node.value
        try:
            return self._scalars.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            reason = getattr(exc, "problem", None) or str(exc)
            self.problems.append((at, line, f"cannot read this value: {reason}"))
            return node.value


@cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = SCHEMA
    # JSON Schema counts 18.0 as an integer; an ID written as a float is a typo here.
    checker = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool)
    )
    validator_class = jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=checker)
    return validator_class(schema)


def _schema_problems(data: Any, lines: dict[Path_, int]) -> Iterator[Problem]:
    for error in _validator().iter_errors(data):
        at: Path_ = tuple(error.absolute_path)
        campaign = _campaign_label(data, at)
        if error.validator == "additionalProperties":
            allowed = sorted(error.schema.get("properties", {}))
            for key in sorted(set(error.instance) - set(allowed), key=str):
                message = f"unknown key '{key}' (allowed: {', '.join(allowed)})"
                yield Problem(lines.get((*at, key)), campaign, message)
            continue
        yield Problem(lines.get(at), campaign, _describe_error(error, at))


def _describe_error(error: jsonschema.ValidationError, at: Path_) -> str:
    field = f"'{at[-1]}'" if at and isinstance(at[-1], str) else "the top level"
    kind = error.validator
    if kind == "type":
        expected = error.validator_value
        if not at:
            return f"the top level must be a mapping with a 'campaigns:' list, got {_describe(error.instance)}"
        if at == ("campaigns",) or (len(at) == 2 and at[0] == "campaigns"):
            field = "'campaigns'" if len(at) == 1 else "each campaign"
        return f"{field} must be {_TYPE_WORDS.get(expected, expected)}, got {_describe(error.instance)}"
    if kind == "required":
        missing = [key for key in error.validator_value if key not in error.instance]
        return f"missing required key {', '.join(repr(k) for k in missing)}"
    if kind in ("minimum", "maximum"):
        schema = error.schema
        return f"{field} must be between {schema['minimum']} and {schema['maximum']}, got {error.instance}"
    if kind == "enum":
        allowed = ", ".join(_literal(value) for value in error.validator_value)
        return f"{field} must be one of {allowed}, got {_describe(error.instance)}"
    if kind == "minLength":
        return f"{field} must not be empty"
    return error.message


_TYPE_WORDS = {
    "boolean": "true or false",
    "integer": "a whole number",
    "string": "a string",
    "object": "a mapping",
    "array": "a list",
}


def _literal(value: Any) -> str:
    """A value as it is written in YAML: true, false, retain."""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _campaign_label(data: Any, at: Path_) -> str | None:
    if len(at) < 2 or at[0] != "campaigns" or not isinstance(at[1], int):
        return None
    try:
        entry = data["campaigns"][at[1]]
    except (TypeError, KeyError, IndexError):
        return None
    campaign_id = entry.get("id") if isinstance(entry, dict) else None
    if isinstance(campaign_id, int) and not isinstance(campaign_id, bool):
        return f"campaign {campaign_id}"
    return f"campaign entry #{at[1] + 1}"


_IRREVERSIBLE_NEEDS_NAME = (
    "needs a name guard (name: ...): completion is irreversible, and the name makes sure the id is the "
    "campaign you mean"
)


def _entry_problems(entry: dict[str, Any], index: int, lines: dict[Path_, int]) -> Iterator[Problem]:
    """What the schema cannot say about one entry: the window, completion, and how they combine."""
    at: Path_ = ("campaigns", index)
    label = f"campaign {entry['id']}"

    def line_of(key: str) -> int:
        return lines.get((*at, key)) or lines[at]

    completed, active = entry.get("completed") is True, entry.get("active")
    times: dict[str, Any] = {}
    for key in TIME_KEYS:
        if key in entry:
            try:
                times[key] = parse_time(entry[key])
            except TimeError as error:
                yield Problem(line_of(key), label, f"'{key}': {error}")
    if active is None and not completed:
        yield Problem(lines[at], label, "missing required key 'active' (or completed: true)")
    if completed:
        if active in (True, SCHEDULED):
            message = f"completed: true cannot go with active: {_literal(active)} (a completed campaign never runs "
            yield Problem(line_of("completed"), label, message + "again); remove active")
        for key in TIME_KEYS:
            if key in entry:
                yield Problem(line_of(key), label, f"'{key}' cannot go with completed: true (remove one of them)")
        if not entry.get("name"):
            yield Problem(line_of("completed"), label, f"completed: true {_IRREVERSIBLE_NEEDS_NAME}")
        return
    if active is False:
        for key in TIME_KEYS:
            if key in entry:
                message = f"'{key}' needs active: true (it schedules an activation); remove it or set active: true"
                yield Problem(line_of(key), label, message)
        return
    if active == SCHEDULED:
        for key in TIME_KEYS:
            if key in entry:
                message = (
                    f"'{key}' cannot go with active: scheduled (the dates of that schedule are set in Altcraft); "
                    "remove it, or write active: true to schedule the campaign from this file"
                )
                yield Problem(line_of(key), label, message)
        return
    if "complete_at" in entry and not entry.get("name"):
        yield Problem(line_of("complete_at"), label, f"complete_at {_IRREVERSIBLE_NEEDS_NAME}")
    yield from _order_problems(times, line_of, label)


def _order_problems(times: dict[str, Any], line_of: Callable[[str], int], label: str) -> Iterator[Problem]:
    start, end, complete = (times.get(key) for key in TIME_KEYS)
    if start is not None and end is not None and end <= start:
        yield Problem(line_of("active_until"), label, "'active_until' must be after 'active_from'")
    if start is not None and complete is not None and complete <= start:
        yield Problem(line_of("complete_at"), label, "'complete_at' must be after 'active_from'")
    if end is not None and complete is not None and complete < end:
        message = (
            "'complete_at' is before 'active_until': the campaign would be completed before its window ends; "
            "move complete_at, or remove active_until"
        )
        yield Problem(line_of("complete_at"), label, message)


def _to_spec(entry: dict[str, Any], line: int) -> CampaignSpec:
    return CampaignSpec(
        id=entry["id"],
        active=entry.get("active") is True,
        scheduled_in_altcraft=entry.get("active") == SCHEDULED,
        schedule=Schedule(**{key: parse_time(entry[key]) for key in TIME_KEYS if key in entry}),
        completed=entry.get("completed") is True,
        name=entry.get("name"),
        on_remove=entry.get("on_remove", DEFAULT_ON_REMOVE),
        drift=entry.get("drift", DEFAULT_DRIFT),
        protect=entry.get("protect", False),
        line=line,
    )


def missing_name_guards(specs: list[CampaignSpec], stack: str, setting: str) -> list[Problem]:
    """The entries without a name guard, in a stack whose `setting` requires one on every entry."""
    message = (
        f"has no name guard: stack {stack} requires `name:` (the campaign's name in Altcraft) on every entry "
        f"({setting}), so that a mistyped id fails instead of changing another campaign"
    )
    return [Problem(spec.line, f"campaign {spec.id}", message) for spec in specs if not spec.name]


def _duplicate_ids(specs: list[CampaignSpec]) -> Iterator[Problem]:
    first_line: dict[int, int] = {}
    for spec in specs:
        if spec.id in first_line:
            yield Problem(spec.line, f"campaign {spec.id}", f"duplicate id (first on line {first_line[spec.id]})")
        else:
            first_line[spec.id] = spec.line
