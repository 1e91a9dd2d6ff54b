"""The pull-request comment at every size and on failure, rendered with GitHub's cmark (`cmarkgfm`).

The failed previews are real ones recorded from the CLI (`tests/data`); the large ones are built in
the same shape as a real preview's JSON, one step and one line per campaign.
"""

import json
import re
from pathlib import Path

from provider.cli.comment import FIRST_ROWS, MAX_COMMENT, to_markdown
from provider.cli.preview_output import read_preview
from provider.cli.summary import ALREADY_SO, FORMAT_VERSION, UNEXPLAINED, summarize, to_json
from provider.cli.text import MAX_LINE
from provider.planning.lines import PlannedChange
from provider.planning.record import CAMPAIGN_TYPE
from tests.support.markdown import render, table_rows
from tests.support.review_record import record_diagnostic
from tooling.pulumi_env import REPO_ROOT

DATA = Path(__file__).resolve().parent.parent / "data"
STACK_URN = "urn:pulumi:production::altcraft-campaigns::pulumi:pulumi:Stack::altcraft-campaigns-production"


def urn(campaign_id: int) -> str:
    return f"urn:pulumi:production::altcraft-campaigns::{CAMPAIGN_TYPE}::campaign-{campaign_id}"


def stack_step(managed: int) -> dict:
    old = {"type": "pulumi:pulumi:Stack", "outputs": {"campaigns": {"managed": managed}}}
    return {"op": "same", "urn": STACK_URN, "oldState": old, "newState": {"type": "pulumi:pulumi:Stack"}}


def create(campaign_id: int) -> dict:
    new = {"type": CAMPAIGN_TYPE, "inputs": {"campaign_id": campaign_id, "active": True}}
    return {"op": "create", "urn": urn(campaign_id), "newState": new}


def delete(campaign_id: int, name: str) -> dict:
    outputs = {"campaign_id": campaign_id, "name": name, "state": "active", "desired_active": True}
    return {"op": "delete", "urn": urn(campaign_id), "oldState": {"type": CAMPAIGN_TYPE, "outputs": outputs}}


def line(campaign_id: int, name: str, before: str = "active", after: str = "inactive", cause: str = "adopt") -> dict:
    return record_diagnostic([PlannedChange(campaign_id, name, before, after, cause)])  # type: ignore[arg-type]


def markdown_of(preview: dict | str) -> tuple[str, str]:
    text = preview if isinstance(preview, str) else json.dumps(preview)
    markdown = to_markdown(summarize(read_preview(text)), "the artifact `summary.json` of this run")
    return markdown, render(markdown)


def assert_fits_github(markdown: str) -> None:
    assert len(markdown) <= MAX_COMMENT, len(markdown)
    longest = max(markdown.splitlines(), key=len)
    assert len(longest) <= MAX_LINE, longest[:200]


# 1. A failed preview says so first.


def test_over_the_limit_the_first_line_is_the_failure_and_no_call_is_a_row() -> None:
    text = (DATA / "preview-over-limit.json").read_text()
    found = summarize(read_preview(text))
    markdown, page = markdown_of(text)
    assert markdown.splitlines()[0].startswith(
        "### Altcraft campaigns: the preview FAILED: `campaigns.yaml: this run would send 2 calls to Altcraft, more "
        "than the limit of 1 (altcraft:maxChanges): campaign 18 Black Friday"
    )
    assert page.startswith("<h3>Altcraft campaigns: the preview FAILED")
    assert "1 activate" not in markdown and table_rows(page) == []  # the error's lines are not calls
    assert "ALTCRAFT_MAX_CHANGES=2 pulumi up" in markdown
    document = json.loads(to_json(found))
    assert (document["version"], document["status"], document["rows"]) == (FORMAT_VERSION, "failed", [])
    assert document["errors"][0].startswith("campaigns.yaml: this run would send 2 calls")


def test_a_policy_violation_reaches_the_comment_from_the_event_stream() -> None:
    stream = (DATA / "preview-policy.jsonl").read_text()
    found = summarize(read_preview(stream))
    assert found.status == "failed"
    assert [error.split(":")[0] for error in found.errors] == [
        "policy campaigns-need-a-name-guard (mandatory), campaign-18",
        "policy campaigns-need-a-name-guard (mandatory), campaign-21",
    ]
    assert "campaign 18 has no name guard" in found.errors[0]
    assert found.notes[0].startswith("policy deactivate-at-most-a-tenth (advisory), altcraft-campaigns-production:")
    markdown, page = markdown_of(stream)
    assert page.startswith("<h3>Altcraft campaigns: the preview FAILED: <code>policy campaigns-need-a-name-guard")
    # The program's review succeeded: what it found is shown, after the failure.
    assert [row[0] for row in table_rows(page)] == ["18 Black Friday", "21 Spring collection"]
    assert markdown.index("FAILED") < markdown.index("| 18 `Black Friday`")


def test_the_same_preview_without_events_says_its_json_cannot_tell_why() -> None:
    found = summarize(read_preview((DATA / "preview-policy.json").read_text()))
    assert (found.status, found.errors) == ("failed", [UNEXPLAINED])
    assert "PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1" in to_markdown(found)


def test_a_stream_cut_before_the_engines_summary_is_a_failure() -> None:
    lines = (DATA / "preview-policy.jsonl").read_text().splitlines()
    cut = [event for event in lines if "policyEvent" not in event and "summaryEvent" not in event]
    cut = [event for event in cut if '"severity":"error"' not in event]
    found = summarize(read_preview("\n".join(cut[:30])))
    assert found.status == "failed" and "did not finish" in found.errors[0]


# 2. Size: 1,500 campaigns, long names, every section over its first rows.


def big_preview(calls: int, quiet: int, name_length: int = 40) -> dict:
    changes = [
        PlannedChange(i, f"Campaign {i} " + "x" * name_length, "active", "inactive", "adopt")
        for i in range(1, calls + 1)
    ]
    diagnostics = [record_diagnostic(changes)]
    steps = [stack_step(0), *(create(i) for i in range(calls + 1, calls + quiet + 1))]
    return {"diagnostics": diagnostics, "steps": steps}


def test_adopting_1500_campaigns_fits_github_and_shows_each_campaign_once() -> None:
    markdown, page = markdown_of(big_preview(calls=750, quiet=750))
    assert_fits_github(markdown)
    assert markdown.splitlines()[0] == "### Altcraft campaigns: 750 calls (750 deactivate)"
    assert "#### From the campaigns file: 750 campaigns" in markdown
    assert "#### No call to Altcraft: 750 campaigns\n\n750 adopted as it is." in markdown
    rows = table_rows(page)
    shown = [int(row[0].split()[0]) for row in rows]
    assert len(shown) == len(set(shown)) and shown[:FIRST_ROWS] == list(range(1, FIRST_ROWS + 1))
    # Every campaign is either a row or counted, with its id, in a "not shown" line.
    missing = sum(int(n) for n in re.findall(r"<p>(\d+) more, not shown", page))
    assert len(shown) + missing == 1500
    # The calls come first: their collapsed block takes the room; the rows without a call are counted.
    assert page.count("<details>") == 1 and "the artifact <code>summary.json</code> of this run" in page
    assert len(markdown) > MAX_COMMENT - 2_000  # the room is used, not left empty


def test_long_names_and_many_rows_keep_every_line_short() -> None:
    markdown, page = markdown_of(big_preview(calls=1500, quiet=0, name_length=2000))
    assert_fits_github(markdown)
    assert all(len(row[0]) < 200 for row in table_rows(page))  # a name is cut in its cell
    assert "more characters)" in markdown


def test_1500_errors_fit_too() -> None:
    message = "\n".join(f"  campaigns.yaml:{i}: campaign {i} does not exist in Altcraft" for i in range(1, 1501))
    preview = {"diagnostics": [{"message": f"error: campaigns.yaml: 1500 problems:\n{message}", "severity": "error"}]}
    markdown, _page = markdown_of(preview)
    assert_fits_github(markdown)
    assert markdown.startswith(
        "### Altcraft campaigns: the preview FAILED: `campaigns.yaml: 1500 problems: campaigns.yaml:1: campaign 1 "
    )
    assert "campaigns.yaml:150: campaign 150 does not exist" in markdown  # the block is cut by lines, not dropped
    assert re.search(r"\.\.\. and \d+ more lines \(the preview's log has them all\)", markdown)


def test_releasing_all_managed_campaigns_is_a_warning_headline() -> None:
    steps = [stack_step(300), *(delete(i, f"Campaign {i}") for i in range(1, 301))]
    markdown, page = markdown_of({"diagnostics": [], "steps": steps})
    assert_fits_github(markdown)
    assert markdown.splitlines()[0] == (
        "### Altcraft campaigns: WARNING: releases 300 of 300 managed campaigns; no calls to Altcraft"
    )
    assert "<strong>Releases 300 of the 300 managed campaigns.</strong>" in page


def test_releasing_a_few_is_no_warning() -> None:
    steps = [stack_step(300), delete(7, "Seven")]
    markdown, _page = markdown_of({"diagnostics": [], "steps": steps})
    assert markdown.splitlines()[0] == "### Altcraft campaigns: no calls to Altcraft"
    assert "| 7 `Seven` | active | released: no longer managed, left as it is in Altcraft |" in markdown


# 3. A step the engine refused is not listed as if it would happen.


def test_a_protected_delete_the_engine_refused_is_not_a_release() -> None:
    error = f'Preview failed: resource "{urn(19)}" cannot be deleted\nbecause it is protected.'
    preview = {"diagnostics": [{"message": "error: " + error, "severity": "error"}], "steps": [delete(19, "Cyber")]}
    found = summarize(read_preview(json.dumps(preview)))
    assert found.rows == [] and found.status == "failed"


# 6. A change Altcraft already shows (an interrupted up, a hand edit) is not "settings only".


def test_an_update_whose_ask_altcraft_already_shows_says_so() -> None:
    outputs = {"campaign_id": 23, "name": "Welcome", "state": "active", "desired_active": False, "active": True}
    new = {"type": CAMPAIGN_TYPE, "inputs": {"campaign_id": 23, "active": True}}
    step = {"op": "update", "urn": urn(23), "oldState": {"type": CAMPAIGN_TYPE, "outputs": outputs}, "newState": new}
    (row,) = summarize(read_preview(json.dumps({"steps": [step]}))).rows
    assert (row.change, row.no_call) == ("none", ALREADY_SO)
    guard_only = {**new, "inputs": {"campaign_id": 23, "active": False, "expected_name": "Welcome"}}
    (row,) = summarize(read_preview(json.dumps({"steps": [{**step, "newState": guard_only}]}))).rows
    assert row.no_call.startswith("settings only")


def test_the_docs_example_comments_are_what_the_summary_makes_of_real_previews() -> None:
    from tooling.example_comments import STREAMS, comment

    page = (REPO_ROOT / "docs" / "pull-request-workflow.md").read_text()
    blocks = re.findall(r"````markdown\n(.*?)````", page, re.S)
    assert blocks == [comment(STREAMS["passes"]), comment(STREAMS["fails"])]
    assert blocks[1].startswith("### Altcraft campaigns: the preview FAILED: ")
