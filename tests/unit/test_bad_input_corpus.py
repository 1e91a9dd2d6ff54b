"""Every malformed campaigns file in tests/data/bad is refused with file, line and reason.

No Python traceback and no network: the loader is pure, and SpecError is the only way it fails.
"""

import re
from pathlib import Path

import pytest

from provider.campaigns.loader import load_campaigns
from provider.errors import SpecError

CORPUS = Path(__file__).resolve().parent.parent / "data" / "bad"

# file -> (line, words the reason must contain)
EXPECTED = {
    "active_maybe.yaml": (3, "'active' must be one of true, false, scheduled, got the string 'maybe'"),
    "active_null.yaml": (3, "got nothing (null)"),
    "alias_bomb.yaml": (1, "too deeply aliased"),
    "bad_on_remove.yaml": (4, "'on_remove' must be one of retain, deactivate"),
    "binary_junk.yaml": (1, "binary file"),
    "bom.yaml": (1, "byte-order mark"),
    "campaigns_not_a_list.yaml": (1, "'campaigns' must be a list"),
    "deep_block_nesting.yaml": (35, "nested more than 32 levels deep (a campaigns file needs 3)"),
    "deep_flow_nesting.yaml": (4, "nested more than 32 levels deep"),
    "duplicate_ids.yaml": (6, "campaign 18: duplicate id (first on line 2)"),
    "duplicate_keys.yaml": (4, "duplicate key 'active' (first on line 3)"),
    "empty.yaml": (1, "file is empty"),
    "empty_name.yaml": (4, "'name' must not be empty"),
    "entry_not_a_mapping.yaml": (2, "each campaign must be a mapping"),
    "float_id.yaml": (2, "'id' must be a whole number, got the number 18.0"),
    "hex_id.yaml": (2, "write numbers as plain decimal digits"),
    "huge_id.yaml": (2, "'id' must be between 1 and 2147483647"),
    "latin1.yaml": (3, "not UTF-8 text"),
    "list_root.yaml": (1, "the top level must be a mapping"),
    "missing_active.yaml": (2, "missing required key 'active'"),
    "misspelled_root_key.yaml": (1, "unknown key 'campaign'"),
    "negative_id.yaml": (2, "'id' must be between 1 and 2147483647, got -18"),
    "only_comments.yaml": (1, "file is empty"),
    "python_tag.yaml": (3, "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    "quoted_true.yaml": (3, "got the string 'true'"),
    "scalar_root.yaml": (1, "the top level must be a mapping"),
    "string_id.yaml": (2, "'id' must be a whole number, got the string 'abc'"),
    "syntax_unclosed_bracket.yaml": (3, "YAML syntax error"),
    "tab_indent.yaml": (3, "tabs cannot indent YAML"),
    "two_documents.yaml": (3, "several YAML documents"),
    "unknown_key.yaml": (4, "unknown key 'activ'"),
    "yaml11_off.yaml": (3, "'Off' is ambiguous"),
    "yaml11_on.yaml": (3, "'on' is ambiguous"),
    "yaml11_yes.yaml": (3, "'yes' is ambiguous"),
    "zero_id.yaml": (2, "'id' must be between 1 and 2147483647, got 0"),
    # Issue 31: one meaning for every reader, and nothing a diff does not show.
    "octal_id.yaml": (2, "'017': write numbers as plain decimal digits"),
    "plus_id.yaml": (2, "'+17': write numbers as plain decimal digits"),
    "tab_before_a_flow_entry.yaml": (2, "tabs cannot indent YAML"),
    "paragraph_separator_hides_a_key.yaml": (4, "U+2029, PARAGRAPH SEPARATOR: YAML reads it as a line break"),
    "bidi_override_in_a_name.yaml": (2, "column 27: U+202E, a text-direction control"),
    "next_line_control.yaml": (2, "U+0085, NEXT LINE (NEL)"),
}


def test_the_corpus_is_complete() -> None:
    assert sorted(p.name for p in CORPUS.glob("*.yaml")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 20


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_file_is_refused_with_file_line_and_reason(name: str) -> None:
    line, reason = EXPECTED[name]
    path = CORPUS / name
    with pytest.raises(SpecError) as caught:
        load_campaigns(path)
    message = str(caught.value)
    assert f"{path}:{line}:" in message, message
    assert reason in message, message
    assert "Traceback" not in message
    assert re.search(r"nothing was sent to Altcraft", message)


def test_a_10_mb_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ten-megabytes.yaml"
    path.write_bytes(b"campaigns:\n" + b"  - {id: 1, active: true}  # padding padding padding padding\n" * 180_000)
    assert path.stat().st_size > 10_000_000
    with pytest.raises(SpecError, match=r"ten-megabytes\.yaml: file is larger than the limit of 8 MiB"):
        load_campaigns(path)
