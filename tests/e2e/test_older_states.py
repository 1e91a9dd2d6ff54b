"""A stack whose records 0.15 wrote, under the real CLI: read as they were meant, then rewritten in
today's shape. Up to 0.15 a campaign's outputs held the live "is active" in `active`, what the file
asked for in `desired_active`, and the live name even when the name guard held it already."""

from __future__ import annotations

import json
from typing import Any

from provider.planning.record import CAMPAIGN_TYPE, LedgerEntry
from tests.support.stand_in import LocalAltcraft
from tooling.pulumi_cli import Workspace

FILE = "campaigns:\n  - {id: 18, name: Black Friday, active: false}\n  - {id: 19, active: true}\n"
LIVE_NAMES = {18: "Black Friday", 19: "Cyber Monday"}


def as_written_by_0_15(outputs: dict[str, Any], live_state: str) -> dict[str, Any]:
    campaign_id = int(outputs["campaign_id"])
    return {
        **outputs,
        "active": live_state == "active",
        "state": live_state,
        "name": LIVE_NAMES[campaign_id],
        "desired_active": outputs["active"],
    }


def campaign_outputs(stack: Workspace) -> dict[int, dict[str, Any]]:
    resources = stack.export()["deployment"]["resources"]
    return {int(r["outputs"]["campaign_id"]): r["outputs"] for r in resources if r["type"] == CAMPAIGN_TYPE}


def test_a_state_written_by_0_15_still_tells_drift_from_a_change_and_is_rewritten(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    stack.write("campaigns.yaml", FILE)
    stack.up()
    # 18 was started in the web UI, and a refresh by 0.15 recorded it: its `active` says what
    # Altcraft had (true), its `desired_active` what the file asked for (false).
    altcraft.admin.set_state(18, "active", user="j.smith")
    exported = stack.export()
    for resource in exported["deployment"]["resources"]:
        if resource["type"] == CAMPAIGN_TYPE:
            live = altcraft.admin.states()[int(resource["outputs"]["campaign_id"])]
            resource["outputs"] = as_written_by_0_15(resource["outputs"], live)
    (stack.project_dir / "older.json").write_text(json.dumps(exported))
    stack.run("stack", "import", "--file", "older.json")
    altcraft.admin.reset_calls()

    preview = stack.preview()
    # Read as the file's ask, the record's `active` (true) would make this the file's own change.
    assert "campaign 18 Black Friday: active -> inactive (drift: changed in Altcraft by j.smith at " in preview.stdout
    assert "campaign 19" not in preview.stdout, preview.stdout

    stack.up()
    assert altcraft.admin.calls().get("deactivate") == 1 and altcraft.admin.write_calls() == 1
    records = campaign_outputs(stack)  # the refresh and the update rewrote both records
    for record in records.values():
        record.pop("__provider")
    [entry] = [LedgerEntry.parse(text) for text in records[18].pop("changes")]
    assert entry is not None and (entry.sent, entry.before, entry.after, entry.cause) == (
        ("deactivate",),
        "active",
        "inactive",
        "drift",
    )
    assert entry.edit is not None and entry.edit.by == "j.smith"
    assert len(records[18].pop("applied")) == 16  # the plan it carried out
    assert records == {
        18: {"campaign_id": 18, "active": False, "expected_name": "Black Friday", "state": "inactive"},
        19: {"campaign_id": 19, "active": True, "state": "active", "name": "Cyber Monday"},
    }
    stack.preview("--expect-no-changes")
