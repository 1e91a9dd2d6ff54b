"""No call a reviewer did not mean: a wrong clock, a typo in a year, a far date, a campaign scheduled in
Altcraft, a window added to a running campaign, a write that lands late, an activation that changes
nothing. Real CLI, the local stand-in (its clock and latency faults) and, for the clock, a proxy on
127.0.0.1 that rewrites the `Date` header of its answers.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

from tests.support.date_proxy import DateProxy
from tests.support.e2e import helper, set_clocks, summary
from tests.support.stand_in import TOKEN, LocalAltcraft
from tooling.pulumi_cli import Workspace

MSK = timezone(timedelta(hours=3))


def at(moment: datetime) -> str:
    return moment.astimezone(MSK).replace(microsecond=0).isoformat()


def now() -> datetime:
    return datetime.now(MSK).replace(microsecond=0)


def refused(stack: Workspace, *words: str, up: bool = True) -> None:
    """Preview and (with `up`) `up --skip-preview` fail saying `words`, and the output has no traceback."""
    for result in (stack.preview(check=False), *([stack.up(check=False)] if up else [])):
        assert result.returncode != 0, result.stdout
        for word in words:
            assert word in result.stdout, (word, result.stdout)
        assert "Traceback" not in result.stdout + result.stderr


# 1. A wrong clock decides nothing.


def test_a_clock_nobody_checked_stops_every_run_that_reads_a_window(stack: Workspace, altcraft: LocalAltcraft) -> None:
    start = now()
    with DateProxy(altcraft.url) as proxy:
        stack.set_config("altcraft:url", proxy.url)
        stack.write(
            "campaigns.yaml",
            "campaigns:\n"
            f"  - {{id: 18, name: Black Friday, active: true, active_from: '{at(start + timedelta(hours=3))}'}}\n"
            f"  - {{id: 19, name: Cyber Monday, active: true, active_until: '{at(start + timedelta(hours=5))}',\n"
            f"     complete_at: '{at(start + timedelta(days=10))}'}}\n",
        )
        stack.up()  # the clocks agree: 18 scheduled, 19 keeps running with its end and completion dates
        states, schedules = altcraft.admin.states(), altcraft.admin.schedules()
        assert (states[18], states[19]) == ("waiting", "active") and set(schedules) == {18, 19}
        altcraft.admin.reset_calls()

        for offset, words in (
            (timedelta(days=11), "ahead by 11 d 0 h"),  # would complete 19 (complete_at 10 days away)
            (timedelta(hours=6), "ahead by 6 h 0 min"),  # would start 18 early and stop 19 before its end
            (timedelta(hours=-3), "behind by 3 h 0 min"),
        ):
            proxy.shift(offset)
            refused(
                stack,
                words,
                "more than altcraft:maxClockSkewSeconds (default) allows (300 s)",
                "(campaigns.yaml:2 campaign 18, campaigns.yaml:3 campaign 19)",
                "Nothing was sent to Altcraft.",
            )
        proxy.mode = "drop"
        refused(stack, "answered without a Date header", "neither clock alone is trusted", up=False)
        proxy.mode = "garbage"
        refused(stack, "with a Date header that is not an HTTP date ('yesterday, probably')", up=False)
        assert altcraft.admin.write_calls() == 0
        assert (altcraft.admin.states(), altcraft.admin.schedules()) == (states, schedules)

        # A run that reads no window does not depend on the clock: it goes ahead, still 11 days off.
        proxy.shift(timedelta(days=11))
        stack.write("campaigns.yaml", "campaigns:\n  - {id: 23, name: Welcome series, active: true}\n")
        stack.up()
        assert altcraft.admin.write_calls() == 1 and altcraft.admin.states()[23] == "active"
        # One run only may allow more skew; the stack's setting stays.
        proxy.shift(timedelta(minutes=10))
        stack.write(
            "campaigns.yaml",
            f"campaigns:\n  - {{id: 23, active: true, active_until: '{at(start + timedelta(days=2))}'}}\n",
        )
        refused(stack, "ahead by 10 min", up=False)
        allowed = stack.run("preview", env={**stack.env, "ALTCRAFT_MAX_CLOCK_SKEW_SECONDS": "900"})
        assert "campaign 23 Welcome series: active -> active (change)" in allowed.stdout


# 2, 3, 7. A year typed wrong, a date nobody could mean, an activation that changes nothing.


def test_dates_nobody_could_mean_send_nothing_and_a_started_window_is_not_sent_again(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    stack.write(
        "campaigns.yaml",
        "campaigns:\n  - {id: 18, name: Black Friday, active: true, complete_at: '2025-12-01T00:00:00+03:00'}\n",
    )
    refused(
        stack,
        "campaigns.yaml:2: campaign 18 (Black Friday): complete_at 2025-12-01T00:00:00+03:00 has already passed",
        "is the year right?",
        "write `completed: true`",
    )
    stack.write(
        "campaigns.yaml",
        "campaigns:\n  - {id: 19, active: true, active_from: '9999-12-31T23:30:00-01:00'}\n"
        f"  - {{id: 21, active: true, active_from: '{at(now() + timedelta(days=1))}', active_until: 9999-01-01T00:00:00Z}}\n",
    )
    refused(
        stack,
        "campaigns.yaml:2: campaign 19: 'active_from': '9999-12-31T23:30:00-01:00' is outside the years 2000 to 2100",
        "campaigns.yaml:3: campaign 21: 'active_until': '9999-01-01T00:00:00Z' is outside the years 2000 to 2100",
    )
    assert altcraft.admin.write_calls() == 0
    assert altcraft.admin.states()[18] == "inactive" and altcraft.admin.states()[19] == "active"

    # 19 runs, and its start is in the past: adopting it sends nothing (no activation with empty dates).
    stack.write(
        "campaigns.yaml", f"campaigns:\n  - {{id: 19, active: true, active_from: '{at(now() - timedelta(days=1))}'}}\n"
    )
    assert "`pulumi up` would send no calls" in stack.preview().stdout
    stack.up()
    assert altcraft.admin.write_calls() == 0


# 4. A campaign scheduled in Altcraft keeps its launch.


def test_an_exported_scheduled_campaign_launches_and_no_deploy_stops_it(
    stack: Workspace, altcraft: LocalAltcraft, tmp_path
) -> None:
    start = now()
    set_clocks(stack, altcraft, at(start))
    altcraft.admin.schedule_in_ui(
        23, at(start + timedelta(days=2)), deactivate_at=at(start + timedelta(days=5))
    )  # in the web UI
    env = {**stack.env, "ALTCRAFT_URL": altcraft.url, "ALTCRAFT_TOKEN": TOKEN}
    exported = tmp_path / "exported.yaml"
    result = helper("export", "--project", str(stack.project_dir), "--output", str(exported), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = exported.read_text()
    assert '  - id: 23\n    name: "Welcome series"\n    active: scheduled  # live state at export: waiting' in text
    stack.write("campaigns.yaml", text)
    altcraft.admin.reset_calls()
    adopted = stack.up()
    assert altcraft.admin.write_calls() == 0
    assert "campaign 23 Welcome series: waiting for the dates set in Altcraft (active: scheduled)" in adopted.stdout

    set_clocks(stack, altcraft, at(start + timedelta(days=3)))  # launch day has come: Altcraft starts it
    assert altcraft.admin.states()[23] == "active"
    stack.preview("--expect-no-changes")  # not drift
    stack.write(
        "campaigns.yaml",
        text.replace(
            '  - id: 21\n    name: "Spring collection"\n    active: true',
            '  - id: 21\n    name: "Spring collection"\n    active: false',
        ),
    )
    stack.up()  # an unrelated deploy
    assert altcraft.admin.calls().get("deactivate") == 1 and altcraft.admin.write_calls() == 1
    assert altcraft.admin.states()[23] == "active" and altcraft.admin.states()[21] == "inactive"
    set_clocks(stack, altcraft, at(start + timedelta(days=6)))  # and Altcraft ends it on its own date
    assert altcraft.admin.states()[23] == "inactive"
    stack.preview("--expect-no-changes")


# 5, 6. A window added to a running campaign: said in words, and a late write cannot undo it.


def window_for_a_running_campaign(stack: Workspace) -> str:
    """Campaign 19 deployed running, then a file that gives it a window two days ahead: its start."""
    stack.write("campaigns.yaml", "campaigns:\n  - {id: 19, name: Cyber Monday, active: true}\n")
    stack.up()
    starts = at(now() + timedelta(days=2))
    stack.write(
        "campaigns.yaml", f"campaigns:\n  - {{id: 19, name: Cyber Monday, active: true, active_from: '{starts}'}}\n"
    )
    return starts


def test_a_window_added_to_a_running_campaign_says_it_stops_now_and_a_late_write_cannot_undo_it(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    stack.set_config("altcraft:requestTimeoutSeconds", "2")
    stack.set_config("altcraft:writeSettleSeconds", "15")
    starts = window_for_a_running_campaign(stack)

    preview = stack.preview()
    assert (
        f"campaign 19 Cyber Monday: active -> waiting (change, 2 calls): stops now, starts {starts}" in preview.stdout
    )
    preview_json = stack.run("preview", "--json").stdout
    markdown = summary(stack, preview_json)
    assert markdown.startswith("### Altcraft campaigns: 2 calls (1 activate, 1 deactivate) to 1 campaign\n")
    assert f"**Stops now:** `pulumi up` stops 19 `Cyber Monday` (starts {starts}) until its window opens." in markdown
    [row] = json.loads(summary(stack, preview_json, "--format", "json"))["rows"]
    assert row["calls"] == ["deactivate", "activate"] and row["stops_now"] == starts

    # The first deactivate reaches Altcraft 5 s late, after its 2 s timeout.
    altcraft.admin.add_fault("latency", "deactivate", campaign_id=19, seconds=5)
    altcraft.admin.reset_calls()
    stack.up()
    calls = altcraft.admin.calls()
    assert (calls["deactivate"], calls["activate"]) == (1, 1)  # waited for, not sent again
    # A deactivate re-sent after its 2 s timeout (as before) finishes the sequence about 3 s after the
    # first was sent, and the first lands 2 s after that: 4 s covers it.
    time.sleep(4)
    assert altcraft.admin.states()[19] == "waiting" and 19 in altcraft.admin.schedules()
    stack.preview("--expect-no-changes")


# A sequence stopped halfway is said, and the next run explains the state it left.


def test_a_sequence_that_fails_halfway_says_so_and_the_next_preview_shows_the_real_state(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    stack.set_config("altcraft:retryBudgetSeconds", "1")
    starts = window_for_a_running_campaign(stack)
    altcraft.admin.add_fault("error_in_200", "activate", campaign_id=19, code=503, times=-1)
    failed = stack.up(check=False)
    assert failed.returncode != 0 and "Traceback" not in failed.stdout + failed.stderr
    assert "campaign 19 (Cyber Monday): activate failed (" in failed.stdout, failed.stdout
    assert "Sent and answered: deactivate; not sent: nothing after it; it is inactive now." in failed.stdout

    altcraft.admin.clear_faults()
    preview = stack.preview()  # the pull request's own change, not drift: the state kept the last deploy's record
    assert f"campaign 19 Cyber Monday: inactive -> waiting (change) [from {starts}]" in preview.stdout, preview.stdout
    altcraft.admin.reset_calls()
    stack.up()
    assert altcraft.admin.calls().get("activate") == 1 and altcraft.admin.write_calls() == 1
    assert altcraft.admin.states()[19] == "waiting"
