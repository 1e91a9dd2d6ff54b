"""No call a reviewer did not mean (issue: time and irreversible calls), without the engine.

Dates in a sane range, completion only on an explicit `completed: true`, no activation that
changes nothing, `active: scheduled` for a campaign scheduled in Altcraft, sequences built before
their first call and explained when they stop halfway, and writes that land late.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from provider.altcraft.model import LiveCampaign
from provider.campaigns.loader import parse_campaigns
from provider.campaigns.schedule import Schedule, TimeError, parse_time, target
from provider.engine.campaign_provider import CampaignProvider
from provider.errors import CampaignError, SpecError
from provider.planning.reconcile import Call, Desired, Intent, plan
from provider.planning.record import Deployed
from provider.planning.review import review_campaigns as review
from tests.support.review_record import record_diagnostic

MSK = timezone(timedelta(hours=3))
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=MSK)
PAST = datetime(2025, 12, 1, tzinfo=MSK)  # a year typed one too low
AHEAD = datetime(2026, 12, 15, 10, 0, tzinfo=MSK)


def specs(text: str) -> list:
    return parse_campaigns(text.encode(), "c.yaml")


def problems(text: str) -> list[str]:
    with pytest.raises(SpecError) as caught:
        specs(text)
    return [problem.render("c.yaml") for problem in caught.value.problems]


# -- dates in a sane range ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["9999-12-31T23:30:00-01:00", "1999-12-31T23:59:59Z", "2101-01-01T00:00:00+03:00", "0001-01-01T00:00:00Z"]
)
def test_a_time_outside_2000_to_2100_is_refused(text: str) -> None:
    with pytest.raises(TimeError, match="outside the years 2000 to 2100 this tool accepts; is the year a typo"):
        parse_time(text)


@pytest.mark.parametrize("text", ["2000-01-01T00:00:00+03:00", "2100-12-31T23:30:00-01:00"])
def test_the_bounds_themselves_are_accepted_and_convert(text: str) -> None:
    parse_time(text).astimezone(UTC)


def test_the_loader_names_file_line_and_campaign_for_a_far_date() -> None:
    found = problems(
        "campaigns:\n  - id: 18\n    active: true\n    active_from: '9999-12-31T23:30:00-01:00'\n"
        "  - {id: 19, active: true, active_from: 2026-12-01T00:00:00Z, active_until: 9999-01-01T00:00:00Z}\n"
    )
    assert found[0].startswith("c.yaml:4: campaign 18: 'active_from': '9999-12-31T23:30:00-01:00' is outside")
    assert found[1].startswith("c.yaml:5: campaign 19: 'active_until': '9999-01-01T00:00:00Z' is outside")


def test_the_provider_check_refuses_a_far_date_in_its_inputs() -> None:
    news = {"campaign_id": 18.0, "active": True, "active_until": "9999-01-01T00:00:00Z"}
    failures = {f.property: f.reason for f in CampaignProvider().check({}, news).failures}
    assert "outside the years 2000 to 2100" in failures["active_until"]


# -- completion only when the file asks for it now -------------------------------------------


def due(deployed_at: datetime | None) -> tuple[Desired, Intent | None]:
    schedule = Schedule(complete_at=PAST)
    desired = Desired(18, True, expected_name="BF", schedule=schedule, target=target(True, False, schedule, NOW))
    assert desired.target == "completed"
    return desired, (None if deployed_at is None else Intent(True, Schedule(complete_at=deployed_at)))


@pytest.mark.parametrize("deployed_at", [None, AHEAD])  # a new entry, or one whose date changed
def test_a_passed_complete_at_new_or_changed_fails_instead_of_completing(deployed_at: datetime | None) -> None:
    desired, deployed = due(deployed_at)
    with pytest.raises(CampaignError) as caught:
        plan(desired, LiveCampaign(18, "BF", "active"), deployed)
    message = str(caught.value)
    assert "complete_at 2025-12-01T00:00:00+03:00 has already passed" in message and "is the year right?" in message
    assert "write `completed: true`" in message and message.endswith("Nothing was sent.")


def test_an_unchanged_complete_at_that_altcraft_did_not_carry_out_fails_too() -> None:
    desired, deployed = due(PAST)
    with pytest.raises(CampaignError, match="has passed but Altcraft has not completed it \\(it is inactive"):
        plan(desired, LiveCampaign(18, "BF", "inactive"), deployed)
    assert plan(desired, LiveCampaign(18, "BF", "completed"), deployed) is None  # Altcraft carried it out


def test_the_review_reports_the_typo_at_its_line_and_plans_no_call() -> None:
    found = review(
        specs("campaigns:\n  - {id: 18, name: BF, active: true, complete_at: '2025-12-01T00:00:00+03:00'}\n"),
        lambda _id: LiveCampaign(18, "BF", "active"),
        {},
        lambda: NOW,
    )
    assert found.changes == [] and found.calls == 0
    assert found.problems[0].render("c.yaml").startswith("c.yaml:2: campaign 18 (BF): complete_at")


def test_completed_true_is_still_sent() -> None:
    steps = plan(Desired(30, False, expected_name="S", completed=True), LiveCampaign(30, "S", "active"))
    assert steps is not None and [call.method for call in steps.calls] == ["completed"]


# -- no call to a campaign that already is what the file asks -----------------------------------


def test_adopting_a_running_campaign_whose_start_passed_sends_nothing() -> None:
    started = Schedule(active_from=NOW - timedelta(days=1))
    desired = Desired(18, True, schedule=started, target=target(True, False, started, NOW))
    assert plan(desired, LiveCampaign(18, "BF", "active"), None) is None
    # A start moved within the past changes nothing either.
    assert plan(desired, LiveCampaign(18, "BF", "active"), Intent(True, Schedule(NOW - timedelta(days=2)))) is None
    # An end still ahead must reach Altcraft: one activation carrying it.
    ending = Schedule(NOW - timedelta(days=1), AHEAD)
    steps = plan(Desired(18, True, schedule=ending, target="active"), LiveCampaign(18, "BF", "active"), None)
    assert steps is not None and steps.calls == (Call("activate", Schedule(active_until=AHEAD), ()),)


# -- a campaign scheduled in Altcraft keeps its launch -------------------------------------------


SCHEDULED = "campaigns:\n  - {id: 22, name: Seasonal sale, active: scheduled}\n"


@pytest.mark.parametrize("state", ["waiting", "active", "inactive", "completed"])
def test_active_scheduled_sends_nothing_whatever_altcraft_made_of_its_dates(state: str) -> None:
    [spec] = specs(SCHEDULED)
    assert spec.scheduled_in_altcraft and not spec.active
    desired = Desired.from_spec(spec)
    assert desired.target == "altcraft"
    assert plan(desired, LiveCampaign(22, "Seasonal sale", state), desired.intent) is None


def test_the_preview_says_what_happens_at_launch_and_warns_when_active_false_would_stop_it() -> None:
    live = LiveCampaign(22, "Seasonal sale", "waiting")
    found = review(specs(SCHEDULED), lambda _id: live, {}, lambda: NOW)
    assert found.changes == [] and found.launches == [
        "campaign 22 Seasonal sale: waiting for the dates set in Altcraft (active: scheduled): Altcraft starts it "
        "then, and no deploy stops it until the file says otherwise"
    ]
    off = review(specs("campaigns:\n  - {id: 22, active: false}\n"), lambda _id: live, {}, lambda: NOW)
    assert off.changes == [] and "write active: scheduled" in off.notes[0]


def test_changing_scheduled_to_active_false_is_the_files_change() -> None:
    [spec] = specs("campaigns:\n  - {id: 22, name: Seasonal sale, active: false}\n")
    last = {22: Deployed(22, Intent(False, scheduled_in_altcraft=True))}
    found = review([spec], lambda _id: LiveCampaign(22, "Seasonal sale", "active"), last, lambda: NOW)
    assert [w.line() for w in found.changes] == ["campaign 22 Seasonal sale: active -> inactive (change)"]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("{id: 22, active: scheduled, active_from: 2026-12-01T00:00:00Z}", "'active_from' cannot go with active: sch"),
        ("{id: 22, name: X, active: scheduled, completed: true}", "completed: true cannot go with active: scheduled"),
        ("{id: 22, active: later}", "'active' must be one of true, false, scheduled, got the string 'later'"),
    ],
)
def test_active_scheduled_is_checked_like_every_key(entry: str, expected: str) -> None:
    found = problems(f"campaigns:\n  - {entry}\n")
    assert any(expected in text for text in found), found


# -- said in words ------------------------------------------------------------------------------


def test_a_window_added_to_a_running_campaign_says_it_stops_now_and_the_headline_counts_calls() -> None:
    from provider.cli.comment import to_markdown
    from provider.cli.preview_output import read_preview
    from provider.cli.summary import summarize, to_json

    [spec] = specs(
        "campaigns:\n  - {id: 19, name: Cyber Monday, active: true, active_from: 2026-12-15T10:00:00+03:00}\n"
    )
    live = LiveCampaign(19, "Cyber Monday", "active")
    found = review([spec], lambda _id: live, {19: Deployed(19, Intent(True))}, lambda: NOW)
    line = found.changes[0].line()
    assert line == (
        "campaign 19 Cyber Monday: active -> waiting (change, 2 calls): stops now, starts 2026-12-15T10:00:00+03:00 "
        "[from 2026-12-15T10:00:00+03:00]"
    )
    preview = read_preview(json.dumps({"diagnostics": [record_diagnostic(found.changes)], "steps": []}))
    text = to_markdown(summarize(preview))
    assert text.splitlines()[0] == "### Altcraft campaigns: 2 calls (1 activate, 1 deactivate) to 1 campaign"
    assert "**Stops now:** `pulumi up` stops 19 `Cyber Monday` (starts 2026-12-15T10:00:00+03:00)" in text
    assert (
        "| 19 `Cyber Monday` | **stops now**, schedule (starts 2026-12-15T10:00:00+03:00) | active | waiting |" in text
    )
    [row] = json.loads(to_json(summarize(preview)))["rows"]
    assert row["calls"] == ["deactivate", "activate"] and row["stops_now"] == "2026-12-15T10:00:00+03:00"
