"""The whole-file review: problems with their lines, the calls `pulumi up` would send, and why."""

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provider.altcraft.model import LiveCampaign
from provider.campaigns.loader import parse_campaigns
from provider.errors import NotFound
from provider.planning.lines import PlannedChange
from provider.planning.reconcile import Intent
from provider.planning.record import Deployed
from provider.planning.review import review_campaigns as review_at
from tests.support.review_record import record_diagnostic

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def review(specs, lookup, deployed, now=NOW):
    return review_at(specs, lookup, deployed, lambda: now)


def was(active: bool, **kwargs) -> Intent:
    return Intent(active, **kwargs)


LIVE = {
    18: LiveCampaign(18, "Black Friday", "inactive"),
    19: LiveCampaign(19, "Cyber Monday", "active"),
    21: LiveCampaign(21, "Spring collection", "active"),
    22: LiveCampaign(22, "Seasonal sale", "waiting"),
    23: LiveCampaign(23, "Welcome series", "active"),
    30: LiveCampaign(30, "Summer 2025", "completed"),
}


def lookup(campaign_id: int) -> LiveCampaign:
    if campaign_id not in LIVE:
        raise NotFound(f"campaign {campaign_id} was not found")
    return LIVE[campaign_id]


def specs(text: str):
    return parse_campaigns(text.encode(), "c.yaml")


def test_every_call_with_its_cause_sorted_by_id() -> None:
    deployed = {
        18: Deployed(18, was(False)),  # the file flips it: change
        23: Deployed(23, was(False)),  # live is active, the file still says false: drift
        19: Deployed(19, was(True), on_remove="deactivate"),  # gone from the file: remove
        21: Deployed(21, was(True)),  # gone, retain: nothing
    }
    found = review(
        specs(
            "campaigns:\n"
            "  - {id: 23, active: false}\n"
            "  - {id: 22, active: true}\n"  # new, waiting -> activate: adopt
            "  - {id: 18, active: true}\n"
            "  - {id: 30, active: false}\n"  # new, already satisfied: no call
        ),
        lookup,
        deployed,
    )
    assert found.problems == []
    assert [w.line() for w in found.changes] == [
        "campaign 18 Black Friday: inactive -> active (change)",
        "campaign 19 Cyber Monday: active -> inactive (remove)",
        "campaign 22 Seasonal sale: waiting -> active (adopt)",
        "campaign 23 Welcome series: active -> inactive (drift: changed in Altcraft by unknown at unknown)",
    ]


def test_every_problem_with_its_line_new_and_managed_alike() -> None:
    found = review(
        specs(
            "campaigns:\n"
            "  - {id: 18, active: true}\n"
            "  - {id: 999, active: false}\n"
            "  - {id: 21, active: true, name: Autumn collection}\n"  # managed and already right: still checked
            "  - {id: 30, active: true}\n"
        ),
        lookup,
        {21: Deployed(21, was(True))},
    )
    assert [(p.line, p.message.split(":")[0]) for p in found.problems] == [
        (3, "campaign 999 does not exist in Altcraft (check the id in the campaigns file)"),
        (4, "campaign 21"),
        (5, "campaign 30 (Summer 2025) is completed in Altcraft and cannot be activated"),
    ]
    assert (
        "expects the name 'Autumn collection', but in Altcraft it is 'Spring collection'" in found.problems[1].message
    )
    assert [w.campaign_id for w in found.changes] == [18]  # the review still lists what is fine


def test_a_removed_entry_whose_campaign_is_gone_sends_nothing() -> None:
    found = review([], lookup, {77: Deployed(77, was(True), on_remove="deactivate")})
    assert found == review([], lookup, {})


def test_a_failure_to_read_altcraft_is_not_a_problem_of_one_entry() -> None:
    from provider.errors import BadToken

    def rejected(_campaign_id: int) -> LiveCampaign:
        raise BadToken("Altcraft rejected the API token (error 401)")

    with pytest.raises(BadToken):
        review(specs("campaigns:\n  - {id: 18, active: true}\n"), rejected, {})


@given(
    campaign_id=st.integers(1, 2**31 - 1),
    name=st.text(max_size=60),
    editor=st.one_of(st.none(), st.text(max_size=60)),
    before=st.sampled_from(["cloning", "inactive", "waiting", "active"]),
    after=st.sampled_from(["active", "inactive", "waiting", "completed"]),
    cause=st.sampled_from(["adopt", "change", "drift", "remove"]),
    calls=st.integers(1, 2),
    reason=st.one_of(st.none(), st.text(max_size=60)),
    dates=st.lists(
        st.datetimes(
            min_value=datetime(2000, 1, 1), max_value=datetime(2100, 12, 31), timezones=st.sampled_from([UTC])
        ),
        max_size=3,
    ),
)
def test_the_summary_rows_are_the_calls_sent_whatever_names_editors_and_reasons_say(
    campaign_id, name, editor, before, after, cause, calls, reason, dates
) -> None:
    """The summary reads the review record, never the lines: any name, editor or break-glass reason
    (those of issue 30 included: an editor written like a line's own words) leaves every row equal
    to the calls the provider is given."""
    from provider.campaigns.schedule import KEYS, Schedule
    from provider.cli.preview_output import read_preview
    from provider.cli.summary import summarize
    from provider.planning.lines import Edit
    from provider.planning.plan import CampaignPlan

    schedule = Schedule(**dict(zip(KEYS, dates, strict=False)))
    methods = ("deactivate", "activate") if calls == 2 else ()
    edit = Edit(editor, dates[0] if dates else None) if cause == "drift" else None
    sent = PlannedChange(campaign_id, name, before, after, cause, methods, schedule, edit)
    hostile = PlannedChange(campaign_id + 1, sent.line(), after, before, "change")  # a name that is a line
    lines = "\n".join(change.line() for change in (sent, hostile))  # the human lines, next to the record
    preview = {
        "diagnostics": [{"message": lines, "severity": "info"}, record_diagnostic([sent, hostile], break_glass=reason)]
    }
    rows = {row.campaign_id: row for row in summarize(read_preview(json.dumps(preview))).rows}
    assert set(rows) == {campaign_id, campaign_id + 1}
    row = rows[campaign_id]
    plan = CampaignPlan.of_change(sent, None)
    assert (row.calls, row.before, row.after, row.cause) == (list(plan.calls), plan.start, plan.end, plan.cause)
    assert row.name == (name or None) and row.changed_by == (editor if cause == "drift" else None)
    assert summarize(read_preview(json.dumps(preview))).break_glass == reason
    assert "\n" not in sent.line() and "\r" not in sent.line() and "\x1b" not in sent.line()


def test_more_calls_than_the_limit_name_the_first_and_how_to_allow_them() -> None:
    from provider.planning.review import over_limit

    writes = [PlannedChange(i, f"C{i}", "active", "inactive", "change") for i in range(1, 31)]
    assert over_limit(writes, 30, "altcraft:maxChanges") is None
    assert over_limit(writes, 0, "altcraft:maxChanges") is None  # 0: no limit
    message = over_limit(writes, 10, "altcraft:maxChanges")
    assert (
        message.splitlines()[0]
        == "this run would send 30 calls to Altcraft, more than the limit of 10 (altcraft:maxChanges):"
    )
    assert "  campaign 1 C1: active -> inactive (change)" in message and "campaign 11 " not in message
    assert "  ... and 20 more" in message
    assert "allow it for one run: ALTCRAFT_MAX_CHANGES=30 pulumi up" in message


def test_the_environment_overrides_the_limit_for_one_run() -> None:
    from provider.errors import SettingsError
    from provider.settings import max_changes

    assert max_changes(lambda _k: None, {}) == (25, "altcraft:maxChanges (default)")
    assert max_changes({"altcraft:maxChanges": "10"}.get, {}) == (10, "altcraft:maxChanges")
    assert max_changes({"altcraft:maxChanges": "10"}.get, {"ALTCRAFT_MAX_CHANGES": "30"}) == (
        30,
        "ALTCRAFT_MAX_CHANGES",
    )
    with pytest.raises(SettingsError, match="ALTCRAFT_MAX_CHANGES must be a whole number of calls >= 0"):
        max_changes(lambda _k: None, {"ALTCRAFT_MAX_CHANGES": "lots"})


def test_drift_names_who_changed_the_campaign_in_altcraft_and_when() -> None:
    """From the listing's `updated_user` and `updatetime`; the summary reads both from the review record."""
    from provider.cli.preview_output import read_preview
    from provider.cli.summary import summarize

    edited = datetime(2026, 11, 28, 10, 2, 31, 412000, tzinfo=UTC)
    live = {23: LiveCampaign(23, "Welcome series", "active", changed_by="j.smith", changed_at=edited)}
    deployed = {23: Deployed(23, Intent(False))}
    [spec] = parse_campaigns(b"campaigns:\n  - {id: 23, active: false}\n", "c.yaml")
    found = review_at([spec], live.__getitem__, deployed, lambda: NOW)
    [line] = [change.line() for change in found.changes]
    assert (
        line
        == "campaign 23 Welcome series: active -> inactive (drift: changed in Altcraft by j.smith at 2026-11-28 10:02:31 UTC)"
    )
    record = record_diagnostic(found.changes)
    [row] = summarize(read_preview(json.dumps({"diagnostics": [record]}))).rows
    assert (row.changed_by, row.changed_at) == ("j.smith", "2026-11-28T10:02:31Z")
    # A change the file made is no drift: nobody is named.
    [spec] = parse_campaigns(b"campaigns:\n  - {id: 23, active: true}\n", "c.yaml")
    live[23] = LiveCampaign(23, "Welcome series", "inactive", changed_by="j.smith", changed_at=edited)
    assert review_at([spec], live.__getitem__, deployed, lambda: NOW).changes[0].line().endswith("(change)")
