"""The campaign lifecycle end to end: a window Altcraft carries out itself, and completion.

The stand-in's clock is moved through the window (admin API) instead of sleeping, and this machine's
clock with it (`set_clocks`): the program reads windows by Altcraft's clock (the Date header) only
while this machine's agrees, so preview and up see the time the stand-in sees.
"""

from __future__ import annotations

import json
import re

from tests.support.e2e import set_clocks
from tests.support.stand_in import LocalAltcraft
from tooling.pulumi_cli import Workspace

WINDOW = """\
campaigns:
  - id: 18
    name: Black Friday
    active: true
    active_from: 2026-11-27T00:00:00+03:00
    active_until: 2026-12-01T00:00:00+03:00
"""
SCHEDULED = "[from 2026-11-27T00:00:00+03:00, until 2026-12-01T00:00:00+03:00]"


def summary(stack: Workspace, preview_json: str, *args: str) -> str:
    from tests.support.e2e import summary as run_summary

    return run_summary(stack, preview_json, *args)


def test_a_window_runs_on_altcraft_clock_with_one_activation_and_no_other_write(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    set_clocks(stack, altcraft, "2026-11-26T12:00:00+03:00")  # the day before Black Friday
    stack.write("campaigns.yaml", WINDOW)
    preview = stack.preview()
    assert f"campaign 18 Black Friday: inactive -> waiting (adopt) {SCHEDULED}" in preview.stdout, preview.stdout
    assert "windows read at 2026-11-26T09:00:" in preview.stdout  # Altcraft's clock, not this machine's
    altcraft.admin.reset_calls()
    stack.up()
    assert altcraft.admin.calls().get("activate") == 1 and altcraft.admin.write_calls() == 1
    assert altcraft.admin.states()[18] == "waiting"
    assert altcraft.admin.schedules()[18] == {
        "activate_at": "2026-11-26T21:00:00+00:00",
        "deactivate_at": "2026-11-30T21:00:00+00:00",
    }
    stack.preview("--expect-no-changes")  # waiting before the window is in sync

    for moment, state in (("2026-11-27T10:00:00+03:00", "active"), ("2026-12-02T10:00:00+03:00", "inactive")):
        set_clocks(stack, altcraft, moment)  # Altcraft carries out the window by itself
        assert altcraft.admin.states()[18] == state
        stack.preview("--expect-no-changes")
        stack.up()
        assert stack.outputs()["campaigns"]["not_in_desired_state"] == {}
    assert altcraft.admin.write_calls() == 1  # the one activation, nothing after it


def test_active_before_the_window_is_drift_put_back_to_waiting(stack: Workspace, altcraft: LocalAltcraft) -> None:
    set_clocks(stack, altcraft, "2026-11-26T12:00:00+03:00")
    stack.write("campaigns.yaml", WINDOW)
    stack.up()
    altcraft.admin.set_state(18, "active")  # started early in the web UI
    preview = stack.preview(check=False)
    # Started by web.ui on the stand-in's clock, a moment after 2026-11-26T09:00:00Z.
    drift = r"\(drift: changed in Altcraft by web\.ui at 2026-11-26 09:0\d:\d\d UTC, 2 calls\)"
    stops = re.escape(f": stops now, starts 2026-11-27T00:00:00+03:00 {SCHEDULED}")
    assert re.search(f"campaign 18 Black Friday: active -> waiting {drift}{stops}", preview.stdout), preview.stdout
    altcraft.admin.reset_calls()
    stack.up()
    calls = altcraft.admin.calls()
    assert (calls.get("deactivate"), calls.get("activate"), altcraft.admin.write_calls()) == (1, 1, 2)
    assert altcraft.admin.states()[18] == "waiting" and 18 in altcraft.admin.schedules()
    stack.preview("--expect-no-changes")


def test_a_preview_days_later_says_what_up_would_do_then_with_the_window_drawn(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    set_clocks(stack, altcraft, "2026-11-25T12:00:00+03:00")  # the pull request is opened
    stack.write("campaigns.yaml", WINDOW)
    assert "inactive -> waiting (adopt)" in stack.preview().stdout
    set_clocks(stack, altcraft, "2026-11-28T12:00:00+03:00")  # merged late: the window is open
    preview_json = stack.run("preview", "--json").stdout
    rows = json.loads(summary(stack, preview_json, "--format", "json"))["rows"]
    assert rows == [
        {
            "campaign_id": 18,
            "name": "Black Friday",
            "change": "activate",
            "before": "inactive",
            "after": "active",
            "cause": "adopt",
            "schedule": {"active_from": "2026-11-27T00:00:00+03:00", "active_until": "2026-12-01T00:00:00+03:00"},
            "irreversible": False,
            "calls": ["activate"],
            "stops_now": None,
            "no_call": None,
            "changed_by": None,
            "changed_at": None,
            "file_active": None,
        }
    ]
    markdown = summary(stack, preview_json)
    assert "Windows read at 2026-11-28T09:00:" in markdown
    assert "```mermaid\ngantt\n    title Windows (times in UTC+03:00)" in markdown
    assert "    section 18 Black Friday\n    active :2026-11-27 00:00:00, 2026-12-01 00:00:00" in markdown
    altcraft.admin.reset_calls()
    stack.up()
    assert altcraft.admin.write_calls() == 1 and altcraft.admin.states()[18] == "active"
    # Altcraft still deactivates it at the end of the window: the activation carried that date.
    assert altcraft.admin.schedules()[18] == {"deactivate_at": "2026-11-30T21:00:00+00:00"}


def test_new_dates_reschedule_once_and_the_same_instants_in_another_offset_change_nothing(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    set_clocks(stack, altcraft, "2026-11-26T12:00:00+03:00")
    stack.write("campaigns.yaml", WINDOW)
    stack.up()
    # The same moments, in UTC and with the keys in another order: no change.
    stack.write(
        "campaigns.yaml",
        "campaigns:\n  - id: 18\n    active_until: 2026-11-30T21:00:00Z\n    name: Black Friday\n"
        "    active_from: '2026-11-26T21:00:00Z'\n    active: true\n",
    )
    stack.preview("--expect-no-changes")
    stack.write("campaigns.yaml", WINDOW.replace("2026-12-01T00:00:00", "2026-12-02T00:00:00"))
    preview = stack.preview()
    assert (
        "campaign 18 Black Friday: waiting -> waiting (change) [from 2026-11-27T00:00:00+03:00, until 2026-12-02"
        in (preview.stdout)
    )
    altcraft.admin.reset_calls()
    stack.up()
    assert altcraft.admin.write_calls() == 1
    assert altcraft.admin.schedules()[18]["deactivate_at"] == "2026-12-01T21:00:00+00:00"
    stack.preview("--expect-no-changes")


COMPLETE = """\
campaigns:
  - {id: 23, name: Welcome series, completed: true}
  - {id: 21, name: Spring collection, completed: true}
"""


def test_completion_is_shown_as_irreversible_counts_toward_the_limit_and_is_sent_once(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    stack.set_config("altcraft:maxChanges", "1")
    stack.write("campaigns.yaml", COMPLETE)
    altcraft.admin.reset_calls()
    refused = stack.preview(check=False)
    assert refused.returncode != 0 and "this run would send 2 calls to Altcraft, more than the limit of 1" in (
        refused.stdout
    )
    stack.set_config("altcraft:maxChanges", "2")
    preview = stack.preview()
    assert "warning: campaign 21 Spring collection: active -> completed (adopt, irreversible)" in preview.stdout
    assert "campaign 23 Welcome series: inactive -> completed (adopt, irreversible)" in preview.stdout
    assert "**Irreversible:** `pulumi up` completes 21 `Spring collection`, 23 `Welcome series`." in summary(
        stack, stack.run("preview", "--json").stdout
    )
    assert altcraft.admin.write_calls() == 0
    stack.up()
    stack.up()
    stack.preview("--expect-no-changes")
    assert altcraft.admin.calls().get("completed") == 2 and altcraft.admin.write_calls() == 2
    assert altcraft.admin.states()[21] == altcraft.admin.states()[23] == "completed"


def test_complete_at_is_sent_with_the_activation_and_carried_out_by_altcraft(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    set_clocks(stack, altcraft, "2026-11-26T12:00:00+03:00")
    stack.write(
        "campaigns.yaml",
        "campaigns:\n  - {id: 23, name: Welcome series, active: true, complete_at: '2026-12-31T23:00:00+03:00'}\n",
    )
    preview = stack.preview()
    assert "campaign 23 Welcome series: inactive -> active (adopt) [completes 2026-12-31T23:00:00+03:00]" in (
        preview.stdout
    )
    stack.up()
    assert altcraft.admin.schedules()[23] == {"complete_at": "2026-12-31T20:00:00+00:00"}
    set_clocks(stack, altcraft, "2027-01-02T00:00:00+03:00")
    assert altcraft.admin.states()[23] == "completed"
    altcraft.admin.reset_calls()
    stack.preview("--expect-no-changes")  # completed, as the file asked: not an error, no call
    stack.up()
    assert altcraft.admin.write_calls() == 0
