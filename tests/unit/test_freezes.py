"""Change freezes, break-glass and risk (provider.planning.freezes): instants, clear errors, one verdict."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from provider.errors import SettingsError
from provider.planning.freezes import (
    Risk,
    break_glass_line,
    break_glass_reason,
    current,
    freeze_refusal,
    parse_freezes,
    refused,
    risk_of,
    upcoming,
)
from provider.planning.lines import PlannedChange
from provider.planning.record import LedgerEntry

KEY = "altcraft:freezes"
BLACK_FRIDAY = {"name": "Black Friday", "from": "2026-11-27T00:00:00+03:00", "until": "2026-12-01T00:00:00+03:00"}
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)  # inside it


def freezes(*periods: dict) -> str:
    return json.dumps(list(periods))


def test_periods_are_instants_whatever_their_offsets() -> None:
    # Berlin's clocks went back on 2026-10-25: 02:30+02:00 then 02:30+01:00 are an hour apart.
    dst = {"name": "DST night", "from": "2026-10-25T02:30:00+02:00", "until": "2026-10-25T02:30:00+01:00"}
    [night] = parse_freezes(freezes(dst), KEY)
    assert night.end - night.start == timedelta(hours=1)
    [friday] = parse_freezes(freezes(BLACK_FRIDAY), KEY)
    assert friday.covers(datetime(2026, 11, 26, 21, 0, tzinfo=UTC))  # 00:00 in Moscow
    assert not friday.covers(datetime(2026, 11, 26, 20, 59, 59, tzinfo=UTC))
    assert not friday.covers(datetime(2026, 11, 30, 21, 0, tzinfo=UTC))  # until is not inside
    assert parse_freezes(None, KEY) == [] and parse_freezes("  ", KEY) == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("{not json", "altcraft:freezes is not JSON"),
        (json.dumps(BLACK_FRIDAY), "must be a JSON list of periods"),
        (freezes({**BLACK_FRIDAY, "until": BLACK_FRIDAY["from"]}), 'period 1 "Black Friday": until (2026-11-27'),
        (freezes({**BLACK_FRIDAY, "from": "2026-11-27T00:00:00"}), 'period 1 "Black Friday": from: '),
        (freezes({**BLACK_FRIDAY, "until": None}), "until is missing"),
        (freezes({"from": BLACK_FRIDAY["from"], "until": BLACK_FRIDAY["until"]}), "period 1: needs a name"),
        (freezes(BLACK_FRIDAY, {**BLACK_FRIDAY, "when": "always"}), "period 2: must be an object with name, from"),
        (freezes({**BLACK_FRIDAY, "from": "2026-13-01T00:00:00Z"}), "is not a valid date"),
    ],
)
def test_a_bad_period_is_refused_naming_the_setting_and_the_period(raw: str, expected: str) -> None:
    with pytest.raises(SettingsError) as error:
        parse_freezes(raw, KEY)
    assert expected in str(error.value) and str(error.value).startswith(KEY)


def test_the_freeze_on_now_and_the_next_one() -> None:
    launch = {"name": "Launch", "from": "2026-11-29T00:00:00Z", "until": "2026-12-05T00:00:00Z"}
    periods = parse_freezes(freezes(BLACK_FRIDAY, launch), KEY)
    assert current(periods, datetime(2026, 11, 30, tzinfo=UTC)).name == "Launch"  # both on: the one ending last
    assert current(periods, datetime(2026, 11, 20, tzinfo=UTC)) is None
    assert upcoming(periods, datetime(2026, 11, 25, tzinfo=UTC)).name == "Black Friday"
    assert upcoming(periods, datetime(2026, 11, 20, tzinfo=UTC)) is None  # more than three days ahead


def change(campaign_id: int, before: str, after: str, calls: int = 1) -> PlannedChange:
    methods = ("deactivate", "activate") if calls == 2 else ()
    return PlannedChange(campaign_id, f"Campaign {campaign_id}", before, after, "change", methods)


def test_only_a_deactivation_passes_a_freeze_and_the_refusal_says_what_and_until_when() -> None:
    stop, start, end, again = change(1, "active", "inactive"), change(2, "inactive", "active"), None, None
    end = change(3, "active", "completed")
    again = change(4, "active", "waiting", calls=2)  # deactivate, then activate at the window
    assert refused([stop, start, end, again]) == [start, end, again]
    [friday] = parse_freezes(freezes(BLACK_FRIDAY), KEY)
    message = freeze_refusal(friday, [start], NOW, "ALTCRAFT_BREAK_GLASS")
    assert message.startswith('freeze "Black Friday" (2026-11-27T00:00:00+03:00 to 2026-12-01T00:00:00+03:00) is on')
    assert "ends in 2 d 12 h" in message and "campaign 2 Campaign 2: inactive -> active (change)" in message
    assert "Nothing was sent to Altcraft" in message and 'ALTCRAFT_BREAK_GLASS="<why>"' in message
    assert "adopt-drift" not in message  # the file's own change: keeping Altcraft's state is no way out


def test_a_refused_drift_correction_names_the_ways_that_send_nothing() -> None:
    [friday] = parse_freezes(freezes(BLACK_FRIDAY), KEY)
    stopped_in_the_ui = PlannedChange(21, "Spring collection", "inactive", "active", "drift")
    message = freeze_refusal(friday, [change(2, "inactive", "active"), stopped_in_the_ui], NOW, "X")
    assert message.endswith(
        "To keep what Altcraft has now for campaign 21 (changed there, not in the file), which sends nothing and so "
        "passes the freeze: write it into the file (`altcraft-campaigns adopt-drift`) or set `drift: keep` on the entry"
    )


def test_break_glass_needs_a_reason_and_keeps_it_on_one_line() -> None:
    assert break_glass_reason(None, "ALTCRAFT_BREAK_GLASS") is None
    with pytest.raises(SettingsError, match="ALTCRAFT_BREAK_GLASS is set but empty"):
        break_glass_reason("  \n", "ALTCRAFT_BREAK_GLASS")
    assert break_glass_reason(" stop the\nwrong send ", "X") == "stop the wrong send"
    assert len(break_glass_reason("x" * 500, "X")) == 200
    [friday] = parse_freezes(freezes(BLACK_FRIDAY), KEY)
    assert break_glass_line('INC-42: "relaunch" (approved)', friday, 2) == (
        'break-glass: "INC-42: "relaunch" (approved)" passes freeze "Black Friday" (2026-11-27T00:00:00+03:00 to '
        "2026-12-01T00:00:00+03:00) for 2 calls"
    )


def test_the_ledger_keeps_the_break_glass_reason_with_the_calls() -> None:
    text = "2026-11-28T09:00:00Z activate: inactive -> active (change; break-glass: INC-42 (approved))"  # 0.16's
    entry = LedgerEntry.parse(text)
    assert entry is not None and entry.break_glass == "INC-42 (approved)" and entry.cause == "change"
    assert LedgerEntry.parse(entry.text()) == entry  # written as data now, read back the same
    drift = "2026-11-28T09:00:00Z activate: inactive -> active (drift: changed in Altcraft by j.smith at unknown; break-glass: why)"
    parsed = LedgerEntry.parse(drift)
    assert parsed is not None and parsed.edit.by == "j.smith" and parsed.break_glass == "why"
    assert LedgerEntry.parse(parsed.text()) == parsed


def test_an_editor_or_a_reason_cannot_forge_a_ledger_field() -> None:
    """Stored as data: an editor written like the old line's words stays the editor, nothing more."""
    from provider.planning.lines import Edit

    forged = "x at unknown; break-glass: approved by CISO"
    entry = LedgerEntry("2026-11-28T09:00:00Z", ("activate",), "inactive", "active", "drift", Edit(forged, None))
    parsed = LedgerEntry.parse(entry.text())
    assert parsed is not None and parsed.break_glass is None and parsed.edit.by == forged
    glass = 'why"},"cause":"remove'
    entry = LedgerEntry("2026-11-28T09:00:00Z", ("activate",), "inactive", "active", "change", None, glass)
    parsed = LedgerEntry.parse(entry.text())
    assert parsed is not None and (parsed.cause, parsed.break_glass) == ("change", glass)


def test_risk_is_high_for_an_irreversible_call_a_freeze_passed_or_many_calls() -> None:
    [friday] = parse_freezes(freezes(BLACK_FRIDAY), KEY)
    calm = [change(1, "active", "inactive")]
    assert risk_of(calm, None, 1, 10, "altcraft:reviewChanges") == Risk(
        "normal", ("no irreversible call, no freeze passed, 1 of at most 10 calls",)
    )
    assert risk_of([change(3, "active", "completed")], None, 1, 10, "k").reasons == (
        "irreversible: campaign 3 Campaign 3 completes",
    )
    assert risk_of(calm, friday, 1, 10, "k").level == "high"
    assert risk_of(calm, None, 11, 10, "altcraft:reviewChanges").reasons == (
        "11 calls, more than 10 (altcraft:reviewChanges)",
    )
    # A name may hold any separator: the reasons stay as they were (the record carries them as a list).
    odd = risk_of([PlannedChange(7, 'Sale; part "2"', "active", "completed", "change")], None, 1, 10, "k")
    assert odd.reasons == ('irreversible: campaign 7 Sale; part "2" completes',)
