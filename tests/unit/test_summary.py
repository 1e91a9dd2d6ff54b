"""The reviewer's summary of a preview (real previews' JSON, recorded by the CLI), rendered as GitHub does."""

import json
import re
import unicodedata
from pathlib import Path

import pytest

from provider.campaigns.schedule import Schedule
from provider.cli.chart import gantt
from provider.cli.comment import to_markdown
from provider.cli.preview_output import read_preview
from provider.cli.summary import NO_CALL, Row, Summary, to_json
from provider.cli.summary import summarize as summarize_output
from provider.planning.freezes import Risk
from provider.planning.lines import PlannedChange
from tests.support.markdown import render, table_rows, tags
from tests.support.review_record import record_diagnostic

DATA = Path(__file__).resolve().parent.parent / "data"
# A deployed stack, then: 18 flipped in the file, 19 removed (on_remove: deactivate), 21 and 22 added,
# 23 switched on in the web UI, 30's on_remove edited.
PREVIEW = json.loads((DATA / "preview.json").read_text())
FAILED = json.loads((DATA / "preview-failed.json").read_text())


def summarize(preview: dict) -> Summary:
    return summarize_output(read_preview(json.dumps(preview)))


def test_each_row_says_why() -> None:
    assert summarize(PREVIEW).rows == [
        Row(18, "Black Friday", "activate", "inactive", "active", "change", calls=["activate"]),
        Row(19, "Cyber Monday", "deactivate", "active", "inactive", "remove", calls=["deactivate"]),
        Row(21, "Spring collection", "deactivate", "active", "inactive", "adopt", calls=["deactivate"]),
        Row(22, None, "none", None, None, "adopt", no_call="adopted as it is"),  # waiting, active: false
        Row(23, "Welcome series", "deactivate", "active", "inactive", "drift", calls=["deactivate"]),
        Row(30, "Summer 2025", "none", "completed", "completed", "change", no_call=NO_CALL["change"]),  # on_remove
    ]


def test_markdown_sets_drift_apart_with_a_sentence() -> None:
    text = to_markdown(summarize(PREVIEW))
    own, drift = text.split("#### Drift: changed in Altcraft outside the campaigns file")
    assert (
        text.splitlines()[0] == "### Altcraft campaigns: 4 calls (1 activate, 3 deactivate); 1 campaign back from drift"
    )
    assert "| 18 `Black Friday` | activate | inactive | active | changed in the file since the last deploy |" in own
    assert "| 21 `Spring collection` | deactivate | active | inactive | new entry |" in own
    assert "| 19 `Cyber Monday` | deactivate | active | inactive | removed from the file |" in own
    assert "Welcome series" not in own
    assert "since the last deploy; this pull request did not. `pulumi up` will put them back" in drift
    assert "| 23 `Welcome series` | deactivate | active | inactive |" in drift
    assert "#### No call to Altcraft: 2 campaigns\n\n1 adopted as it is; 1 settings only (" in drift
    assert "| 22 |  | adopted as it is |" in drift


def test_json_is_one_versioned_object_with_status_errors_and_rows() -> None:
    document = json.loads(to_json(summarize(PREVIEW)))
    assert list(document) == ["version", "status", "risk", "risk_reasons", "break_glass", "errors", "notes", "rows"]
    assert (document["version"], document["status"], document["errors"]) == (1, "ok", [])
    # This recorded preview is from before previews rated their plans: unrated is high.
    assert (document["risk"], document["break_glass"]) == ("high", None)
    assert document["risk_reasons"] == ["the preview carries no review record (an older program?)"]
    rows = document["rows"]
    assert rows[0] == {
        "campaign_id": 18,
        "name": "Black Friday",
        "change": "activate",
        "before": "inactive",
        "after": "active",
        "cause": "change",
        "schedule": None,
        "irreversible": False,
        "calls": ["activate"],
        "stops_now": None,
        "no_call": None,
        "changed_by": None,
        "changed_at": None,
        "file_active": None,
    }
    assert {row["campaign_id"]: row["cause"] for row in rows} == {
        18: "change",
        19: "remove",
        21: "adopt",
        22: "adopt",
        23: "drift",
        30: "change",
    }


def test_a_failed_preview_shows_its_problems() -> None:
    found = summarize(FAILED)
    assert (found.rows, found.status) == ([], "failed")
    text = to_markdown(found)
    assert text.startswith(
        "### Altcraft campaigns: the preview FAILED: `campaigns.yaml: 2 problems, nothing was sent to Altcraft: "
        "campaigns.yaml:2: campaign 30 (Summer 2025) is completed"
    )
    assert "campaigns.yaml:3: campaign 999 does not exist in Altcraft" in text


def test_nothing_to_do() -> None:
    assert to_markdown(Summary([], [])) == "### Altcraft campaigns: no calls to Altcraft\n"


HOSTILE_NAMES = [
    "A | B",
    "line\rfeed",
    "\x1b[31mred\x1b[0m",
    "\x9bcsi",
    "\u202eevil",  # right-to-left override
    "ping @octocat and @org/team",
    "<img src=x onerror=alert(1)>",
    "![pixel](https://tracker.example/p.png)",
    "[click](https://phish.example)",
    "``a`b``",
    "`edge`",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_live_name_is_safe_to_post(name: str) -> None:
    record = record_diagnostic([PlannedChange(7, name, "inactive", "active", "change")])
    error = f"error: campaign 8: the campaigns file expects the name 'x', but in Altcraft it is {name!r}"
    preview = {"diagnostics": [record, {"message": error, "severity": "error"}], "steps": []}
    text = to_markdown(summarize(preview))
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in text.replace("\n", ""))
    page = render(text)
    assert tags(page) <= SAFE_TAGS, tags(page) - SAFE_TAGS
    assert re.search(r"<h3>Altcraft campaigns: the preview FAILED: <code>campaign 8: ", page), page
    (row,) = table_rows(page)
    assert len(row) == 5 and row[0].startswith("7 "), row  # the row still has its five cells
    assert "@" not in re.sub(r"<code>.*?</code>", "", page, flags=re.S)  # a mention only inside code pings nobody
    assert page.count("<pre><code>") == 1 and "campaign 8: the campaigns file expects" in page


# What the comment may render to: no image, link, script or anything a name could smuggle in.
SAFE_TAGS = {"h3", "h4", "p", "strong", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "ul", "li"}
SAFE_TAGS |= {"details", "summary", "br", "div"}


def windowed_preview(*changes: PlannedChange, **record: object) -> dict:
    return {"diagnostics": [record_diagnostic(changes, **record)]}  # type: ignore[arg-type]


def dates(**text: str) -> Schedule:
    return Schedule.from_text(text)


def test_windows_get_a_column_and_a_gantt_chart_in_the_file_offset() -> None:
    preview = windowed_preview(
        PlannedChange(
            18,
            "Black Friday",
            "inactive",
            "waiting",
            "adopt",
            schedule=dates(active_from="2026-11-27T00:00:00+03:00", active_until="2026-12-01T00:00:00+03:00"),
        ),
        PlannedChange(
            19,
            "Cyber",
            "inactive",
            "active",
            "change",
            schedule=dates(active_until="2026-12-02T21:00:00Z", complete_at="2026-12-31T21:00:00Z"),
        ),
        PlannedChange(20, "Plain", "active", "inactive", "change"),
        read_at="2026-11-26T09:00:00Z",
    )
    text = to_markdown(summarize(preview))
    assert "| Campaign | Change | From | To | Why | Window |" in text
    assert (
        "| 18 `Black Friday` | schedule | inactive | waiting | new entry | "
        "from 2026-11-27T00:00:00+03:00<br>until 2026-12-01T00:00:00+03:00 |"
    ) in text
    assert "| 20 `Plain` | deactivate | active | inactive | changed in the file since the last deploy |  |" in text
    assert "Windows read at 2026-11-26T09:00:00Z (Altcraft's clock)" in text
    chart = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert chart.splitlines() == [
        "gantt",
        "    title Windows (times in UTC+03:00), 1 window written in another offset converted to it",
        "    dateFormat YYYY-MM-DD HH:mm:ss",
        "    axisFormat %d %b %H:%M",
        "    todayMarker off",
        "    section this preview",
        "    read the windows :milestone, 2026-11-26 12:00:00, 0d",
        "    section 18 Black Friday",
        "    active :2026-11-27 00:00:00, 2026-12-01 00:00:00",
        "    section 19 Cyber",  # written in UTC, drawn in the chart's offset
        "    deactivates :milestone, 2026-12-03 00:00:00, 0d",
        "    completes :milestone, 2027-01-01 00:00:00, 0d",
    ]


def test_no_window_no_chart() -> None:
    text = to_markdown(summarize(windowed_preview(PlannedChange(20, "Plain", "active", "inactive", "change"))))
    assert "mermaid" not in text and "Window" not in text


@pytest.mark.parametrize("name", ["a;b:c", "x\n    section evil", "%%{init: {}}%%", "click 18 call alert()", "<b>#"])
def test_a_name_cannot_write_mermaid(name: str) -> None:
    row = Row(18, name, "schedule", "inactive", "waiting", "adopt", {"active_from": "2026-11-27T00:00:00Z"})
    chart = "\n".join(gantt([row], None))
    section = next(line for line in chart.splitlines() if line.startswith("    section "))
    assert re.fullmatch(r"    section 18[\w .,()+-]*", section), section
    assert chart.count("\n    section ") == 1 and "%%" not in chart and ":" not in section


def test_irreversible_calls_and_notes_stand_out() -> None:
    preview = windowed_preview(
        PlannedChange(30, "Summer 2025", "inactive", "completed", "change"),
        notes=["campaign 18 BF: its window ended at 2025-12-01T00:00:00+03:00, before this run"],
    )
    found = summarize(preview)
    assert found.rows == [
        Row(30, "Summer 2025", "complete", "inactive", "completed", "change", None, True, ["completed"])
    ]
    text = to_markdown(found)
    assert "**Irreversible:** `pulumi up` completes 30 `Summer 2025`. A completed campaign never runs again." in text
    assert "| 30 `Summer 2025` | **complete (irreversible)** | inactive | completed |" in text
    assert "#### Notes\n\n- `campaign 18 BF: its window ended at 2025-12-01T00:00:00+03:00, before this run`" in text


# Every line a chart may hold; anything else (a name read as syntax) fails the test.
CHART_LINE = re.compile(
    r"```mermaid|```|gantt|    title Windows \(times in UTC[^)]*\)[\w ,]*|    dateFormat YYYY-MM-DD HH:mm:ss"
    r"|    axisFormat %d %b %H:%M|    todayMarker off|    section [\w .,()+-]+"
    r"|    (?:read the windows|activates|deactivates|completes) :milestone, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d, 0d"
    r"|    active :\d{4}-\d\d-\d\d \d\d:\d\d:\d\d, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d"
)


def test_every_chart_line_has_one_of_its_shapes_whatever_the_names_and_offsets() -> None:
    windows = [
        {"active_from": "2026-11-27T00:00:00+03:00", "active_until": "2026-12-01T00:00:00+03:00"},
        {"active_from": "2026-11-27T00:00:00+01:00"},
        {"active_until": "2026-12-02T21:00:00Z", "complete_at": "2026-12-31T21:00:00Z"},
    ]
    rows = [
        Row(i, name, "schedule", "inactive", "waiting", "adopt", windows[i % 3])
        for i, name in enumerate([*HOSTILE_NAMES, "x\n    section evil", "%%{init: {}}%%"] * 4)
    ]
    chart = gantt(rows, "2026-11-26T09:00:00Z")
    assert [line for line in chart if not CHART_LINE.fullmatch(line)] == []
    assert chart[2].endswith("the first 30 of 52 windows")
    assert sum(line.startswith("    section ") for line in chart) == 31  # this preview, then 30 campaigns


def test_the_chart_uses_the_offset_most_windows_were_written_in() -> None:
    plus_one = {"active_from": "2026-11-27T00:00:00+01:00", "active_until": "2026-11-28T00:00:00+01:00"}
    rows = [
        Row(18, "A", "schedule", "inactive", "waiting", "adopt", {"active_from": "2026-11-27T00:00:00+03:00"}),
        Row(19, "B", "schedule", "inactive", "waiting", "adopt", plus_one),
        Row(20, "C", "schedule", "inactive", "waiting", "adopt", plus_one),
    ]
    chart = gantt(rows, "2026-11-26T09:00:00Z")
    assert chart[2] == "    title Windows (times in UTC+01:00), 1 window written in another offset converted to it"
    assert "    active :2026-11-27 00:00:00, 2026-11-28 00:00:00" in chart  # as written
    assert "    activates :milestone, 2026-11-26 22:00:00, 0d" in chart  # 00:00+03:00, in +01:00
    assert gantt(rows[1:], None)[2] == "    title Windows (times in UTC+01:00)"


FREEZE = 'freeze "Black Friday" (2026-11-27T00:00:00+03:00 to 2026-12-01T00:00:00+03:00)'


def test_the_risk_and_the_break_glass_reason_come_from_the_preview_and_lead_the_comment() -> None:
    change = PlannedChange(18, "Black Friday", "inactive", "active", "change")
    risk = Risk("high", (f"passes {FREEZE} (break-glass)",))
    preview = {"diagnostics": [record_diagnostic([change], risk=risk, break_glass="INC-42: relaunch (approved)")]}
    summary = summarize(preview)
    assert (summary.risk.level, summary.break_glass) == ("high", "INC-42: relaunch (approved)")
    document = json.loads(to_json(summary))
    assert document["risk_reasons"] == [f"passes {FREEZE} (break-glass)"]
    html = render(to_markdown(summary))
    assert (
        "<strong>Break-glass:</strong> this run passes a change freeze, with the reason <code>INC-42: relaunch (approved)</code>"
        in html
    )
    assert "<strong>Risk: high</strong>" in html
    assert html.index("Break-glass") < html.index("<table>")  # before any table: a reviewer cannot miss it
    normal = summarize({"diagnostics": normal_diagnostics()})
    assert (normal.risk.level, normal.break_glass) == ("normal", None)
    # A failed preview is high whatever it said before failing.
    failed = {"diagnostics": [*normal_diagnostics(), {"message": "boom", "severity": "error"}]}
    assert summarize(failed).risk == Risk("high", ("the preview failed",))


def normal_diagnostics() -> list[dict]:
    return [record_diagnostic(risk=Risk("normal", ("x",)))]


def test_kept_drift_shows_what_the_file_says_as_the_review_read_it() -> None:
    """Issue 30, case 8: `drift: keep`, `active: true` and a window not open yet, started early in the
    web UI. The file says active: true; the comment used to guess `active: false` from the live state."""
    from provider.planning.lines import Edit, Kept

    kept = Kept(19, "Cyber Monday", "active", True, Edit("j.smith", None))
    found = summarize({"diagnostics": [record_diagnostic(kept=[kept])]})
    [row] = found.rows
    assert (row.cause, row.change, row.before, row.file_active) == ("drift", "none", "active", True)
    assert "| 19 `Cyber Monday` | active | active: true | `j.smith` at unknown |" in to_markdown(found)
