"""The campaigns file loader: every bad input is one clear error naming file, line and campaign."""

from pathlib import Path

import pytest

from provider.campaigns.loader import CampaignSpec, load_campaigns, parse_campaigns
from provider.errors import SpecError
from tooling.pulumi_env import REPO_ROOT


def problems_of(text: str | bytes) -> list[str]:
    raw = text.encode() if isinstance(text, str) else text
    with pytest.raises(SpecError) as caught:
        parse_campaigns(raw, "campaigns.yaml")
    return [p.render("campaigns.yaml") for p in caught.value.problems]


def test_a_good_file_gives_typed_specs_with_lines() -> None:
    specs = parse_campaigns(
        b"campaigns:\n  - id: 18\n    active: true\n    name: Black Friday\n"
        b"  - id: 19\n    active: false\n    on_remove: deactivate\n",
        "campaigns.yaml",
    )
    assert specs == [
        CampaignSpec(id=18, active=True, name="Black Friday", on_remove="retain", line=2),
        CampaignSpec(id=19, active=False, name=None, on_remove="deactivate", line=5),
    ]


def test_the_shipped_example_is_valid() -> None:
    specs = load_campaigns(REPO_ROOT / "campaigns.yaml")
    assert [s.id for s in specs] == [18, 19, 21, 23, 30]


def test_an_empty_list_is_allowed() -> None:
    assert parse_campaigns(b"campaigns: []\n", "c.yaml") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "campaigns:\n  - id: 18\n    active: maybe\n",
            "campaigns.yaml:3: campaign 18: 'active' must be one of true, false, scheduled",
        ),
        (
            'campaigns:\n  - id: 18\n    active: "true"\n',
            "campaigns.yaml:3: campaign 18: 'active' must be one of true, false, scheduled, got the string 'true'",
        ),
        (
            "campaigns:\n  - id: abc\n    active: true\n",
            "campaigns.yaml:2: campaign entry #1: 'id' must be a whole number, got the string 'abc'",
        ),
        (
            "campaigns:\n  - id: -4\n    active: true\n",
            "campaigns.yaml:2: campaign -4: 'id' must be between 1 and 2147483647",
        ),
        (
            "campaigns:\n  - id: 0\n    active: true\n",
            "campaigns.yaml:2: campaign 0: 'id' must be between 1 and 2147483647",
        ),
        (
            "campaigns:\n  - id: 18.5\n    active: true\n",
            "campaigns.yaml:2: campaign entry #1: 'id' must be a whole number, got the number 18.5",
        ),
        (
            "campaigns:\n  - id: 18\n    active: true\n    activ: true\n",
            "campaigns.yaml:4: campaign 18: unknown key 'activ'",
        ),
        ("campaigns:\n  - id: 18\n", "campaigns.yaml:2: campaign 18: missing required key 'active'"),
        (
            "campaigns:\n  - id: 18\n    active: true\n    on_remove: delete\n",
            "campaigns.yaml:4: campaign 18: 'on_remove' must be one of retain, deactivate",
        ),
        (
            "campaigns:\n  - id: 18\n    active: true\n    name: ''\n",
            "campaigns.yaml:4: campaign 18: 'name' must not be empty",
        ),
        ("campaigns:\n  - id: 18\n    active: yes\n", "campaigns.yaml:3: campaign 18: 'yes' is ambiguous"),
        ("campaigns:\n  - id: 18\n    active: on\n", "campaigns.yaml:3: campaign 18: 'on' is ambiguous"),
        (
            "campaigns:\n  - id: 0x12\n    active: true\n",
            "campaigns.yaml:2: campaign entry #1: '0x12': write numbers as plain decimal digits",
        ),
        (
            "campaigns:\n  - id: 18\n    active: true\n    active: false\n",
            "campaigns.yaml:4: campaign 18: duplicate key 'active' (first on line 3)",
        ),
        (
            "campaigns:\n  - id: 18\n    active: true\n  - id: 18\n    active: false\n",
            "campaigns.yaml:4: campaign 18: duplicate id (first on line 2)",
        ),
        (
            "- id: 18\n  active: true\n",
            "campaigns.yaml:1: the top level must be a mapping with a 'campaigns:' list, got a list",
        ),
        ("campaign:\n  - id: 18\n", "campaigns.yaml:1: unknown key 'campaign' (allowed: campaigns)"),
        ("campaigns: 18\n", "campaigns.yaml:1: 'campaigns' must be a list, got the number 18"),
        (
            "campaigns:\n  - 18\n",
            "campaigns.yaml:2: campaign entry #1: each campaign must be a mapping, got the number 18",
        ),
        ("campaigns:\n  - id: 18\n\tactive: true\n", "campaigns.yaml:3: YAML syntax error"),
        ("campaigns:\n  - id: [18\n", "campaigns.yaml:3: YAML syntax error"),
        ("", "campaigns.yaml:1: file is empty"),
        ("# nothing here\n", "campaigns.yaml:1: file is empty"),
        ("campaigns: []\n---\ncampaigns: []\n", "campaigns.yaml:3: file holds several YAML documents"),
    ],
)
def test_bad_input_is_named_by_file_line_and_campaign(text: str, expected: str) -> None:
    rendered = problems_of(text)
    assert any(line.startswith(expected) for line in rendered), rendered


def test_every_problem_is_reported_at_once() -> None:
    rendered = problems_of("campaigns:\n  - id: 18\n    active: maybe\n  - id: 19\n    active: 1\n")
    assert rendered == [
        "campaigns.yaml:3: campaign 18: 'active' must be one of true, false, scheduled, got the string 'maybe'",
        "campaigns.yaml:5: campaign 19: 'active' must be one of true, false, scheduled, got the number 1",
    ]


def test_message_says_nothing_was_sent() -> None:
    with pytest.raises(SpecError, match="nothing was sent to Altcraft"):
        parse_campaigns(b"campaigns: 1\n", "campaigns.yaml")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"\xef\xbb\xbfcampaigns: []\n", "byte-order mark"),
        (b"campaigns:\n  - id: 1\n    name: \xff\xfe\n", "campaigns.yaml:3: not UTF-8 text"),
        (b"\x00\x01\x02binary", "contains a NUL character"),
        (b"campaigns:\n" + b"  - id: 1\n    active: true\n" * 500_000, "file is larger than the limit of 8 MiB"),
    ],
)
def test_files_that_are_not_text_are_refused(raw: bytes, expected: str) -> None:
    assert any(expected in line for line in problems_of(raw))


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"nowhere\.yaml: file not found"):
        load_campaigns(tmp_path / "nowhere.yaml")


def test_alias_bombs_are_refused() -> None:
    # Eight levels of ten aliases each: 10**8 nodes if expanded.
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 8):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]")
    assert any("too large or too deeply aliased" in line for line in problems_of("\n".join(lines) + "\n"))


def test_an_endless_regular_read_stops_at_the_limit(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from provider import inputs
    from provider.campaigns import loader as spec

    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (spec.MAX_FILE_BYTES * 2))
    reads: list[int] = []
    real_read = inputs.os.read
    monkeypatch.setattr(inputs.os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    with pytest.raises(SpecError, match="larger than the limit"):
        load_campaigns(big)
    assert sum(reads) <= spec.MAX_FILE_BYTES + 1
