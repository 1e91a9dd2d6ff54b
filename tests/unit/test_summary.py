"""The reviewer's summary of `pulumi preview --json` (a real preview's JSON, recorded)."""

import json
from pathlib import Path

from provider.summary import Change, changes, to_json, to_markdown

PREVIEW = json.loads((Path(__file__).resolve().parent.parent / "data" / "preview.json").read_text())


def test_every_campaign_change_and_nothing_else() -> None:
    assert changes(PREVIEW) == [
        Change(18, "Black Friday", "activate", "inactive", "active"),
        Change(19, "Cyber Monday", "deactivate", "active", "inactive"),
        Change(21, "Spring collection", "release (on_remove: deactivate)", "active", "inactive"),
        Change(22, None, "adopt", "unknown until adopted", "not active"),
        Change(23, "Welcome series", "deactivate", "active", "inactive"),  # drift made in the UI
    ]


def test_markdown_table() -> None:
    text = to_markdown(changes(PREVIEW))
    assert text.splitlines()[0] == "### Altcraft campaigns: 1 activate, 1 adopt, 2 deactivate, 1 release"
    assert "| 18 Black Friday | activate | inactive | active |" in text
    assert "| 22 | adopt | unknown until adopted | not active |" in text


def test_json_for_bots() -> None:
    rows = json.loads(to_json(changes(PREVIEW)))
    assert rows[0] == {
        "campaign_id": 18,
        "name": "Black Friday",
        "change": "activate",
        "before": "inactive",
        "after": "active",
    }


def test_no_changes_and_retained_releases() -> None:
    assert "No campaign changes." in to_markdown(changes({"steps": []}))
    step = {
        "op": "delete",
        "urn": "urn:pulumi:s::p::pulumi-python:dynamic/altcraft:Campaign::campaign-7",
        "oldState": {
            "type": "pulumi-python:dynamic/altcraft:Campaign",
            "outputs": {"campaign_id": 7, "name": "A | B", "state": "active", "active": True},
        },
    }
    found = changes({"steps": [step]})
    assert found == [Change(7, "A | B", "release (on_remove: retain)", "active", "active")]
    assert "| 7 A \\| B |" in to_markdown(found)
