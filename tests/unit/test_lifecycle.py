"""Windows and completion without the engine: times, the loader, plans, the review, the client."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from provider.altcraft.model import LiveCampaign
from provider.campaigns.loader import parse_campaigns
from provider.campaigns.schedule import Schedule, TimeError, format_time, parse_time, target
from provider.errors import SpecError
from provider.planning.reconcile import Call, Desired, Intent, Steps, plan, plan_removal
from provider.planning.record import Deployed
from provider.planning.review import desired_now
from provider.planning.review import review_campaigns as review

MSK = timezone(timedelta(hours=3))
FROM = datetime(2026, 11, 27, tzinfo=MSK)
UNTIL = datetime(2026, 12, 1, tzinfo=MSK)
WINDOW = Schedule(FROM, UNTIL)


# -- times --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2026-11-27T00:00:00+03:00", "2026-11-26T21:00:00Z"),
        ("2026-11-26T21:00:00Z", "2026-11-26T21:00:00Z"),
        ("2026-11-26t21:00:00z", "2026-11-26T21:00:00Z"),
        ("2026-11-26 21:00:00-00:00", "2026-11-26T21:00:00Z"),
        ("2026-11-26T21:00:00.123456789+00:00", "2026-11-26T21:00:00.123456Z"),
    ],
)
def test_rfc3339_times_with_an_offset(text: str, utc: str) -> None:
    assert format_time(parse_time(text).astimezone(UTC)) == utc


def test_a_time_keeps_the_offset_it_was_written_in() -> None:
    assert format_time(parse_time("2026-11-27T00:00:00+03:00")) == "2026-11-27T00:00:00+03:00"
    assert parse_time("2026-11-27T00:00:00+03:00") == parse_time("2026-11-26T21:00:00Z")  # one instant


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-11-27T00:00:00", "has no time-zone offset"),
        ("2026-11-27", "has no time-zone offset"),
        ("2026-11-27T00:00", "has no time-zone offset"),
        ("2026-02-30T00:00:00Z", "is not a valid date and time"),
        ("2026-11-27T25:00:00Z", "is not a valid date and time"),
        ("2026-11-27T00:00:00+3", "is not an RFC 3339 time"),
        ("27.11.2026 00:00 +03:00", "is not an RFC 3339 time"),
        ("tomorrow", "is not an RFC 3339 time"),
    ],
)
def test_bad_times_say_why(text: str, reason: str) -> None:
    with pytest.raises(TimeError, match=reason):
        parse_time(text)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 26, 23, 59, 59, tzinfo=MSK), "waiting"),
        (FROM, "active"),
        (UNTIL - timedelta(seconds=1), "active"),
        (UNTIL, "inactive"),
    ],
)
def test_the_window_read_at_now(now: datetime, expected: str) -> None:
    assert target(True, False, WINDOW, now) == expected


def test_targets_without_a_window() -> None:
    now = datetime(2026, 11, 26, tzinfo=UTC)
    assert target(True, False, Schedule(), now) == "active"
    assert target(False, False, Schedule(), now) == "off"
    assert target(False, False, Schedule(), now, cancel_waiting=True) == "inactive"
    assert target(False, True, Schedule(), now) == "completed"
    assert target(True, False, Schedule(complete_at=now), now) == "completed"


# -- the loader -----------------------------------------------------------------------------


def problems(text: str) -> list[str]:
    with pytest.raises(SpecError) as caught:
        parse_campaigns(text.encode(), "c.yaml")
    return [problem.render("c.yaml") for problem in caught.value.problems]


def test_windows_and_completion_load_unquoted_or_quoted() -> None:
    specs = parse_campaigns(
        b"campaigns:\n"
        b"  - id: 18\n    name: Black Friday\n    active: true\n"
        b"    active_from: 2026-11-27T00:00:00+03:00\n    active_until: '2026-12-01T00:00:00+03:00'\n"
        b"  - {id: 30, name: Summer 2025, completed: true}\n",
        "c.yaml",
    )
    assert specs[0].schedule == WINDOW and specs[0].active and not specs[0].completed
    assert specs[1].completed and not specs[1].active and not specs[1].schedule


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("{id: 18, active: true, active_from: 2026-11-27T00:00:00}", "c.yaml:2: campaign 18: 'active_from': "),
        ("{id: 18, active: true, active_until: 2026-11-27}", "has no time-zone offset"),
        ("{id: 18, active: true, active_from: '2026-13-01T00:00:00Z'}", "is not a valid date and time"),
        (
            "{id: 18, active: true, active_from: 2026-11-27T00:00:00Z, active_until: 2026-11-27T00:00:00Z}",
            "'active_until' must be after 'active_from'",
        ),
        ("{id: 18, active: false, active_from: 2026-11-27T00:00:00Z}", "'active_from' needs active: true"),
        ("{id: 18, completed: true}", "completed: true needs a name guard"),
        ("{id: 18, name: X, completed: true, active: true}", "completed: true cannot go with active: true"),
        (
            "{id: 18, name: X, completed: true, active_until: 2026-11-27T00:00:00Z}",
            "'active_until' cannot go with completed: true",
        ),
        ("{id: 18, active: true, complete_at: 2026-11-27T00:00:00Z}", "complete_at needs a name guard"),
        (
            "{id: 18, name: X, active: true, active_until: 2026-12-27T00:00:00Z, complete_at: 2026-11-27T00:00:00Z}",
            "'complete_at' is before 'active_until'",
        ),
        ("{id: 18}", "missing required key 'active' (or completed: true)"),
        ("{id: 18, active: true, active_from: 20261127}", "'active_from' must be a string, got the number"),
    ],
)
def test_bad_windows_name_file_line_and_campaign(entry: str, expected: str) -> None:
    found = problems(f"campaigns:\n  - {entry}\n")
    assert any(expected in text for text in found), found
    assert all(text.startswith("c.yaml:2: campaign 18:") for text in found), found


# -- plans --------------------------------------------------------------------------------


def methods(steps: Steps | None) -> list[str]:
    return [call.method for call in steps.calls] if steps else []


def windowed(now: datetime, **kwargs) -> Desired:
    return Desired(18, True, schedule=WINDOW, target=target(True, False, WINDOW, now), **kwargs)


BEFORE, INSIDE, AFTER = FROM - timedelta(hours=1), FROM + timedelta(hours=1), UNTIL + timedelta(hours=1)


@pytest.mark.parametrize(
    ("now", "state", "calls", "after"),
    [
        (BEFORE, "inactive", ["activate"], "waiting"),
        (BEFORE, "waiting", [], None),  # in sync (dates as last deployed)
        (BEFORE, "active", ["deactivate", "activate"], "waiting"),  # started early: drift
        (INSIDE, "inactive", ["activate"], "active"),
        (INSIDE, "active", [], None),
        (AFTER, "inactive", [], None),  # Altcraft ended it: no write
        (AFTER, "active", ["deactivate"], "inactive"),
        (AFTER, "waiting", ["deactivate"], "inactive"),
    ],
)
def test_a_managed_window(now: datetime, state: str, calls: list[str], after: str | None) -> None:
    steps = plan(windowed(now), LiveCampaign(18, "BF", state), Intent(True, WINDOW))
    assert methods(steps) == calls
    assert (steps.after if steps else None) == after


def test_the_activation_carries_the_dates_still_ahead() -> None:
    scheduled = plan(windowed(BEFORE), LiveCampaign(18, "BF", "inactive"), None)
    assert scheduled.calls == (Call("activate", WINDOW, ("waiting", "active")),)
    now_on = plan(windowed(INSIDE), LiveCampaign(18, "BF", "inactive"), None)
    assert now_on.calls == (Call("activate", Schedule(active_until=UNTIL), ("active",)),)


def test_new_dates_are_sent_again_in_the_same_state_and_the_look_cannot_tell_they_landed() -> None:
    moved = Schedule(FROM, UNTIL + timedelta(days=1))
    desired = Desired(18, True, schedule=moved, target="waiting")
    steps = plan(desired, LiveCampaign(18, "BF", "waiting"), Intent(True, WINDOW))
    assert steps.calls == (Call("activate", moved, ()),)
    # A window adopted as Altcraft has it: its dates are unknown, so ours are sent.
    assert methods(plan(desired, LiveCampaign(18, "BF", "waiting"), None)) == ["activate"]
    # Dates dropped from the file while it runs: a new activation without them.
    plain = plan(Desired(18, True), LiveCampaign(18, "BF", "active"), Intent(True, WINDOW))
    assert plain.calls == (Call("activate", Schedule(), ()),)
    # The same instants written in another offset: nothing.
    utc = Schedule(FROM.astimezone(UTC), UNTIL.astimezone(UTC))
    assert (
        plan(Desired(18, True, schedule=utc, target="waiting"), LiveCampaign(18, "BF", "waiting"), Intent(True, WINDOW))
        is None
    )


def test_active_false_cancels_only_a_wait_this_tool_scheduled() -> None:
    waiting = LiveCampaign(18, "BF", "waiting")
    someone_elses = Desired(18, False, target=target(False, False, Schedule(), BEFORE))
    assert plan(someone_elses, waiting, Intent(False)) is None
    ours = desired_now(
        parse_campaigns(b"campaigns:\n  - {id: 18, active: false}\n", "c")[0],
        Deployed(18, Intent(True, WINDOW)),
        BEFORE,
    )
    assert ours.target == "inactive" and methods(plan(ours, waiting, Intent(True, WINDOW))) == ["deactivate"]
    assert methods(plan_removal("deactivate", waiting, scheduled=True)) == ["deactivate"]
    assert plan_removal("deactivate", waiting, scheduled=False) is None
    assert plan_removal("retain", waiting, scheduled=True) is None


def test_completion() -> None:
    done = Desired(30, False, expected_name="S", completed=True)
    assert methods(plan(done, LiveCampaign(30, "S", "inactive"))) == ["completed"]
    assert methods(plan(done, LiveCampaign(30, "S", "active"))) == ["completed"]
    assert plan(done, LiveCampaign(30, "S", "completed")) is None
    with pytest.raises(Exception, match="is deleted in Altcraft and cannot be completed"):
        plan(done, LiveCampaign(30, "S", "deleted"))
    due = Desired(30, True, expected_name="S", schedule=Schedule(complete_at=FROM), target="completed")
    assert plan(due, LiveCampaign(30, "S", "completed"), Intent(True, due.schedule)) is None  # Altcraft did it


# -- the review -------------------------------------------------------------------------------


def test_a_window_that_ended_before_a_new_entry_is_worth_a_note_not_a_failure() -> None:
    spec = parse_campaigns(
        b"campaigns:\n  - {id: 18, active: true, active_from: 2025-11-27T00:00:00+03:00, "
        b"active_until: 2025-12-01T00:00:00+03:00}\n",
        "c.yaml",
    )
    found = review(spec, lambda _id: LiveCampaign(18, "BF", "inactive"), {}, lambda: INSIDE)
    assert found.problems == [] and found.changes == []
    assert found.notes == [
        "campaign 18 BF: its window ended at 2025-12-01T00:00:00+03:00, before this run (2026-11-27T01:00:00+03:00); "
        "the entry now means inactive. Is the year right?"
    ]
    # Once deployed, the same entry is quiet: the window simply ended.
    deployed = {18: Deployed(18, Intent(True, spec[0].schedule))}
    assert review(spec, lambda _id: LiveCampaign(18, "BF", "inactive"), deployed, lambda: INSIDE).notes == []


def test_two_calls_count_twice_toward_the_limit() -> None:
    spec = parse_campaigns(
        b"campaigns:\n  - {id: 18, active: true, active_from: 2026-11-27T00:00:00+03:00}\n", "c.yaml"
    )
    found = review(
        spec,
        lambda _id: LiveCampaign(18, "BF", "active"),
        {18: Deployed(18, Intent(True, spec[0].schedule))},
        lambda: BEFORE,
    )
    assert found.calls == 2
    assert found.changes[0].line() == (
        "campaign 18 BF: active -> waiting (drift: changed in Altcraft by unknown at unknown, 2 calls): stops now, starts 2026-11-27T00:00:00+03:00 "
        "[from 2026-11-27T00:00:00+03:00]"
    )
