"""The reviewer's summary of `pulumi preview --json` (real previews' JSON, recorded by the CLI)."""

import json
import re
import unicodedata
from pathlib import Path

import pytest

from provider.review import Write
from provider.summary import Row, Summary, summarize, to_json, to_markdown

DATA = Path(__file__).resolve().parent.parent / "data"
# A deployed stack, then: 18 flipped in the file, 19 removed (on_remove: deactivate), 21 and 22 added,
# 23 switched on in the web UI, 30's on_remove edited.
PREVIEW = json.loads((DATA / "preview.json").read_text())
FAILED = json.loads((DATA / "preview-failed.json").read_text())


def test_each_row_says_why() -> None:
    assert summarize(PREVIEW).rows == [
        Row(18, "Black Friday", "activate", "inactive", "active", "change"),
        Row(19, "Cyber Monday", "deactivate", "active", "inactive", "remove"),
        Row(21, "Spring collection", "deactivate", "active", "inactive", "adopt"),
        Row(22, None, "none", None, None, "adopt"),  # adopted as it is (waiting, active: false)
        Row(23, "Welcome series", "deactivate", "active", "inactive", "drift"),
        Row(30, "Summer 2025", "none", "completed", "completed", "change"),  # on_remove edited
    ]


def test_markdown_sets_drift_apart_with_a_sentence() -> None:
    text = to_markdown(summarize(PREVIEW))
    own, drift = text.split("#### Drift: changed in Altcraft outside the campaigns file")
    assert text.splitlines()[0] == "### Altcraft campaigns: 1 activate, 3 deactivate; 1 of them undoes drift"
    assert "| 18 `Black Friday` | activate | inactive | active | changed in the file since the last deploy |" in own
    assert "| 21 `Spring collection` | deactivate | active | inactive | new entry |" in own
    assert "| 19 `Cyber Monday` | deactivate | active | inactive | removed from the file |" in own
    assert "Welcome series" not in own
    assert "since the last deploy; this pull request did not. `pulumi up` will put them back" in drift
    assert "| 23 `Welcome series` | deactivate | active | inactive |" in drift
    assert "No call to Altcraft for: 22 (adopted as it is); 30 `Summer 2025` (settings only)" in drift


def test_json_rows_keep_their_fields_and_add_the_cause() -> None:
    rows = json.loads(to_json(summarize(PREVIEW)))
    assert rows[0] == {
        "campaign_id": 18,
        "name": "Black Friday",
        "change": "activate",
        "before": "inactive",
        "after": "active",
        "cause": "change",
        "schedule": None,
        "irreversible": False,
    }
    assert {row["campaign_id"]: row["cause"] for row in rows} == {
        18: "change",
        19: "remove",
        21: "adopt",
        22: "adopt",
        23: "drift",
        30: "change",
    }


def test_a_failed_preview_shows_its_problems() -> None:
    found = summarize(FAILED)
    assert found.rows == []
    text = to_markdown(found)
    assert "#### The preview failed" in text
    assert "campaigns.yaml:3: campaign 999 does not exist in Altcraft" in text


def test_nothing_to_do() -> None:
    assert to_markdown(Summary([], [])) == "### Altcraft campaigns: no calls to Altcraft\n"


HOSTILE_NAMES = [
    "A | B",
    "line\rfeed",
    "\x1b[31mred\x1b[0m",
    "\x9bcsi",
    "\u202eevil",  # right-to-left override
    "ping @octocat and @org/team",
    "<img src=x onerror=alert(1)>",
    "![pixel](https://tracker.example/p.png)",
    "[click](https://phish.example)",
    "``a`b``",
    "`edge`",
]


def _outside_code_spans(markdown: str) -> str:
    return re.sub(r"(`+)(?:(?!\1).)+?\1", "", markdown)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_live_name_is_safe_to_post(name: str) -> None:
    line = Write(7, name, "inactive", "active", "change").line()  # as the preview prints it
    error = f"error: campaign 8: the campaigns file expects the name 'x', but in Altcraft it is {name!r}"
    preview = {
        "diagnostics": [{"message": line + "\n", "severity": "info"}, {"message": error, "severity": "error"}],
        "steps": [],
    }
    text = to_markdown(summarize(preview))
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in text.replace("\n", ""))
    row = next(line for line in text.splitlines() if line.startswith("| 7 "))
    assert row.count(" | ") == 4, row  # the row still has its five cells
    outside = _outside_code_spans(row)
    for dangerous in ("@", "<", "![", "](", "\x1b"):
        assert dangerous not in outside, (dangerous, row)
    block = text.split("#### The preview failed")[1]
    fence = block.strip().splitlines()[0]
    assert set(fence) == {"`"} and block.strip().endswith(fence) and block.count(fence) == 2
