"""Removal records: what the program declares for entries that left the file, and their ledger's shape."""

from __future__ import annotations

import pytest

from provider.planning import removals
from provider.planning.plan import CampaignPlan
from provider.planning.record import CAMPAIGN_TYPE, LEDGER_SIZE, LedgerEntry, capped, with_ledger
from provider.planning.removals import REMOVAL_TYPE, Removal, removal_outputs, removals_to_declare

ADOPT = "2026-11-28T09:00:02Z activate: inactive -> active (adopt)"
DRIFT = "2026-11-29T09:00:02Z activate: inactive -> active (drift: changed in Altcraft by j.smith at unknown)"
SEEN = "2026-11-29T08:00:00Z no call: active -> inactive (seen: changed in Altcraft by j.smith at unknown)"


def campaign(campaign_id: int, *entries: str, **outputs: object) -> tuple[str, dict]:
    outs = {"campaign_id": float(campaign_id), "active": True, "state": "active", "changes": list(entries), **outputs}
    return f"urn::campaign-{campaign_id}", {"type": CAMPAIGN_TYPE, "outputs": outs}


def record(campaign_id: int, newest: str, **outputs: object) -> tuple[str, dict]:
    outs = {"removed_campaign": float(campaign_id), "on_remove": "retain", "changes": [newest], **outputs}
    return f"urn::removal-{campaign_id}", {"type": REMOVAL_TYPE, "outputs": outs}


def test_a_campaign_that_left_the_file_gets_a_record_carrying_its_deploys_but_not_its_sightings() -> None:
    window = {"active_from": "2026-11-27T00:00:00+03:00", "on_remove": "deactivate"}
    checkpoint = dict([campaign(18, DRIFT, SEEN, ADOPT, **window), campaign(19, ADOPT)])
    [removal] = removals_to_declare(checkpoint, in_file={19})
    assert removal == Removal(18, "deactivate", scheduled=True, generation=1, carried=(DRIFT, ADOPT))
    assert removal.inputs() == {
        "removed_campaign": 18,
        "on_remove": "deactivate",
        "scheduled": True,
        "carried": [DRIFT, ADOPT],
    }
    assert removals_to_declare(checkpoint, in_file={18, 19}) == []
    # The review's release rides on the record, and only on the record of the run that removes it.
    release = CampaignPlan("00000000000000aa", "active", ("deactivate",), "inactive", "remove")
    [planned] = removals_to_declare(checkpoint, in_file={19}, plans={18: release, 19: release})
    assert Removal.of(planned.inputs()) == planned and planned.inputs()["plan"] == release.to_input()
    assert "plan" not in removal_outputs(planned, "Black Friday", ADOPT, [])


def test_earlier_records_are_declared_again_as_they_are_and_a_second_removal_is_a_new_generation() -> None:
    removed = "2026-11-30T09:00:00Z no call (remove)"
    checkpoint = dict([record(20, removed), record(18, removed), campaign(18, ADOPT)])  # 18 came back
    # Back in the file, 18 keeps its record (its history before it came back).
    assert removals_to_declare(checkpoint, in_file={18}) == [
        Removal(20, "retain", False, 1),
        Removal(18, "retain", False, 1),
    ]
    # 18 leaves again: the same record, its second removal.
    assert removals_to_declare(checkpoint, in_file=set()) == [
        Removal(18, "retain", False, 2, carried=(ADOPT,)),
        Removal(20, "retain", False, 1),
    ]
    assert Removal(18, "retain", False, 2).inputs() == {"removed_campaign": 18, "on_remove": "retain", "generation": 2}


def test_the_newest_records_are_kept_and_this_runs_removals_always(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(removals, "REMOVALS_KEPT", 3)
    checkpoint = dict(record(i, f"2026-11-{10 + i}T09:00:00Z no call (remove)") for i in range(1, 6))
    checkpoint.update([campaign(40), campaign(41)])
    kept = removals_to_declare(checkpoint, in_file=set())
    assert [r.campaign_id for r in kept] == [40, 41, 5]  # older records leave the stack


def test_a_hand_edited_record_is_not_declared_again() -> None:
    checkpoint = dict([record(20, ADOPT, on_remove="explode"), ("urn::x", {"type": REMOVAL_TYPE, "outputs": {}})])
    assert removals_to_declare(checkpoint, in_file=set()) == []


def test_the_record_keeps_the_removal_first_then_carried_then_earlier_deploys_capped() -> None:
    removal = Removal(18, "deactivate", False, 2, carried=(DRIFT,))
    entry = "2026-11-30T09:00:03Z deactivate: active -> inactive (remove)"
    outs = removal_outputs(removal, "Black Friday", entry, earlier=[ADOPT] * (LEDGER_SIZE + 3))
    assert outs["changes"] == [entry, DRIFT, *[ADOPT] * (LEDGER_SIZE - 2)]
    assert {k: v for k, v in outs.items() if k != "changes"} == {
        "removed_campaign": 18,
        "on_remove": "deactivate",
        "generation": 2,
        "name": "Black Friday",
    }
    assert "name" not in removal_outputs(removal, None, entry, earlier=[])


def test_a_ledger_keeps_its_newest_deploys_and_sightings_apart() -> None:
    ledger = [SEEN] * (LEDGER_SIZE + 2) + [ADOPT] * (LEDGER_SIZE + 2)
    assert capped(ledger) == [SEEN] * LEDGER_SIZE + [ADOPT] * LEDGER_SIZE  # a refresh pushes no deploy out
    assert with_ledger({"a": 1}, []) == {"a": 1}


def test_an_entry_without_states_says_no_altcraft_state_was_read() -> None:
    entry = LedgerEntry.parse("2026-11-30T09:00:01Z no call (remove)")
    assert entry is not None and (entry.sent, entry.before, entry.after, entry.cause) == ((), None, None, "remove")
    assert entry.text() == '{"at":"2026-11-30T09:00:01Z","sent":[],"cause":"remove"}'
    assert LedgerEntry.parse(entry.text()) == entry
    assert LedgerEntry.parse("2026-11-30T09:00:01Z no call: active (remove)") is None
