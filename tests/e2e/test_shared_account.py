"""Two stacks on one Altcraft account and one backend, as a CI matrix runs them (issue 19, case 4)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.e2e import campaigns_file
from tests.support.stand_in import TOKEN, LocalAltcraft
from tooling.pulumi_cli import Workspace, new_workspace

SHARDS = ("shard-a", "shard-b")
QUALIFIED = [f"organization/altcraft-campaigns/{shard}" for shard in SHARDS]


def on(ws: Workspace, shard: str, *args: str, check: bool = True):
    return ws.run(*args, "--stack", shard, check=check)


def test_a_campaign_claimed_by_two_stacks_fails_both_previews_and_ups_before_any_write(
    tmp_path: Path, altcraft: LocalAltcraft
) -> None:
    ws = new_workspace(tmp_path, stack=SHARDS[0])
    ws.run("stack", "init", SHARDS[1])
    for shard in SHARDS:
        on(ws, shard, "config", "set", "altcraft:url", altcraft.url)
        on(ws, shard, "config", "set", "--secret", "altcraft:token", TOKEN)
        on(ws, shard, "config", "set", "altcraft-campaigns:campaignsFile", f"campaigns.{shard}.yaml")
    # Before the stacks knew of each other: both manage 19, and every deploy flips it.
    ws.write("campaigns.shard-a.yaml", campaigns_file({19: True, 21: True}))
    ws.write("campaigns.shard-b.yaml", campaigns_file({18: False, 19: False}))
    on(ws, "shard-a", "up", "--yes", "--skip-preview")
    on(ws, "shard-b", "up", "--yes", "--skip-preview")
    assert altcraft.admin.states()[19] == "inactive"
    outputs = json.loads(on(ws, "shard-a", "stack", "output", "campaigns", "--json").stdout)
    assert outputs["ids"] == "19,21"

    # The same list in every stack of the account (each skips its own name).
    for shard in SHARDS:
        for index, name in enumerate(QUALIFIED):
            on(ws, shard, "config", "set", "--path", f"altcraft:siblingStacks[{index}]", name)
    altcraft.admin.reset_calls()
    for shard, other, line in (("shard-a", QUALIFIED[1], 2), ("shard-b", QUALIFIED[0], 3)):
        for command in (("preview",), ("up", "--yes", "--skip-preview")):
            result = on(ws, shard, *command, check=False)
            assert result.returncode != 0, result.stdout
            expected = f"campaigns.{shard}.yaml:{line}: campaign 19: is also managed by stack {other}"
            assert expected in result.stdout, result.stdout
    assert altcraft.admin.calls() == {}  # refused before a single call, reads included

    # Resolved in one file: both stacks deploy, and 19 is flipped no more.
    ws.write("campaigns.shard-b.yaml", campaigns_file({18: False}))
    on(ws, "shard-b", "up", "--yes", "--skip-preview")  # removing 19 here retains it as it is
    ws.write("campaigns.shard-a.yaml", campaigns_file({19: True, 21: True}))
    on(ws, "shard-a", "up", "--yes", "--skip-preview")
    assert altcraft.admin.states()[19] == "active"
    # A stack that is not there (a typo, or not created yet) is named, not skipped.
    on(ws, "shard-a", "config", "set", "--path", "altcraft:siblingStacks[2]", "organization/altcraft-campaigns/shard-c")
    missing = on(ws, "shard-a", "preview", check=False)
    assert "altcraft:siblingStacks names stack organization/altcraft-campaigns/shard-c, which cannot be read" in (
        missing.stdout
    ), missing.stdout
