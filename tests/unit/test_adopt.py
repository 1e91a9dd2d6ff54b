"""adopt-drift: only the drifted entries change, to what Altcraft has now; everything else stays byte for byte."""

import difflib
import json
from datetime import UTC, datetime

import pytest

from provider.campaigns.editor import set_active
from provider.cli.adopt import adopt, drifted, pull_request_body
from provider.cli.preview_output import read_preview
from provider.cli.summary import summarize
from provider.errors import SpecError, UserFacingError
from provider.planning.lines import Edit, Kept, PlannedChange
from tests.support.review_record import record_diagnostic

FILE = """\
# yaml-language-server: $schema=./provider/campaigns.schema.json
# The shop's campaigns.
campaigns:
  - id: 18                 # Black Friday
    name: Black Friday
    active: false

  - {id: 19, name: Cyber Monday, active: true}    # flow style
  - {id: 21, name: "Spring: collection #1", active: true, drift: keep}
  # a comment between entries

  - id: 23
    name: 'Welcome series'
    active: true
    active_from: "2026-11-27T00:00:00+03:00"
    active_until: 2026-12-01T00:00:00+03:00
  - {id: 30, active: true}
"""


def edit(by: str | None, hour: int, minute: int, second: int = 0) -> Edit:
    return Edit(by, datetime(2026, 11, 28, hour, minute, second, tzinfo=UTC) if by else None)


CHANGES = [
    PlannedChange(18, "Black Friday", "active", "inactive", "drift", edit=edit("j.smith", 10, 2, 31)),
    PlannedChange(19, "Cyber Monday", "inactive", "active", "drift", edit=Edit(None, None)),
    PlannedChange(23, "Welcome series", "waiting", "active", "drift", edit=edit("web.ui", 11, 0)),
    PlannedChange(30, "", "completed", "active", "drift", edit=edit("j.smith", 12, 0)),
    PlannedChange(31, "Other", "inactive", "active", "change"),
]
KEPT = [Kept(21, "Spring: collection #1", "inactive", True, edit("ops", 10, 5))]


def preview(changes: list[PlannedChange], kept: list[Kept] = KEPT) -> str:
    return json.dumps({"diagnostics": [record_diagnostic(changes, kept)]})


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]


def test_only_the_drifted_entries_change_and_each_says_what_altcraft_has_now() -> None:
    adoptions = drifted(summarize(read_preview(preview(CHANGES))))
    assert [a.row.campaign_id for a in adoptions] == [18, 19, 21, 23, 30]  # 31 is the file's own change
    edited = adopt(FILE, "campaigns.yaml", adoptions)
    assert sorted(changed_lines(FILE, edited)) == sorted(
        [
            "-     active: false",
            "+     active: true",
            "-   - {id: 19, name: Cyber Monday, active: true}    # flow style",
            "+   - {id: 19, name: Cyber Monday, active: false}   # flow style",
            '-   - {id: 21, name: "Spring: collection #1", active: true, drift: keep}',
            '+   - {id: 21, name: "Spring: collection #1", active: false, drift: keep}',
            "-     active: true",
            '-     active_from: "2026-11-27T00:00:00+03:00"',
            "-     active_until: 2026-12-01T00:00:00+03:00",
            "+     active: scheduled",
        ]
    )
    # Campaign 30 is completed in Altcraft: no entry can ask for that, so a person decides.
    body = pull_request_body(adoptions, "campaigns.yaml", "production")
    assert body.startswith("### Keep what Altcraft has now: 4 campaigns (stack `production`)\n")
    assert "| 18 `Black Friday` | active | `active: true` | inactive (`pulumi up` puts it back) | `j.smith` |" in body
    assert "2026-11-28T10:02:31Z |" in body
    assert "| 19 `Cyber Monday` | inactive | `active: false` |" in body and "| unknown | unknown |" in body
    assert "kept (drift: keep) | `ops` | 2026-11-28T10:05:00Z |" in body
    assert "- 30: completed in Altcraft, changed by `j.smith`" in body


def test_a_failed_preview_adopts_nothing() -> None:
    failed = json.dumps({"diagnostics": [{"message": "campaigns.yaml:3: broken", "severity": "error"}]})
    with pytest.raises(UserFacingError, match="the preview failed"):
        drifted(summarize(read_preview(failed)))


@pytest.mark.parametrize(
    "layout",
    [
        "campaigns:\n- id: 18\n  active: true\n- id: 19\n  active: true\n",
        "campaigns:\n    - id: 18\n      active: true\n    - id: 19\n      active: true\n",
        "campaigns:\n  - id: 18\n    active: true\n  - id: 19\n    active: true\n",
    ],
)
def test_each_common_indentation_is_kept(layout: str) -> None:
    edited = set_active(layout, "c.yaml", {19: False})
    assert edited == layout[: layout.rindex("true")] + "false\n"


def test_a_layout_a_round_trip_would_change_is_refused_not_reformatted() -> None:
    odd = "campaigns:\n  -   id: 18\n      active: true\n"
    with pytest.raises(SpecError, match="without reformatting lines nobody asked to change"):
        set_active(odd, "c.yaml", {18: False})


def test_an_entry_missing_from_the_file_is_named() -> None:
    with pytest.raises(SpecError, match="campaign 99: is not in the file"):
        set_active(FILE, "campaigns.yaml", {99: True})


def test_an_output_that_cannot_be_written_is_an_error_naming_it_and_the_file_is_untouched(tmp_path) -> None:
    from provider.cli.files import write_atomically

    target = tmp_path / "missing-directory" / "campaigns.yaml"
    with pytest.raises(UserFacingError, match=r"missing-directory/campaigns\.yaml: cannot write it \(No such file"):
        write_atomically(target, FILE)
    assert not target.parent.exists()


def test_a_preview_of_another_stack_or_project_is_refused_naming_both() -> None:
    """Issue 30, case 4: production selected, staging's preview given: production's file must not change."""
    from provider.cli.adopt import check_whose

    staging = summarize(read_preview(json.dumps({"diagnostics": [record_diagnostic(CHANGES, stack="staging")]})))
    with pytest.raises(UserFacingError) as refused:
        check_whose(staging, "altcraft-campaigns", "production")
    assert "the preview is of stack 'staging' (project 'altcraft-campaigns')" in str(refused.value)
    assert "campaigns file of stack 'production' (project 'altcraft-campaigns'): nothing was written" in str(
        refused.value
    )
    with pytest.raises(UserFacingError, match="project 'other'"):
        check_whose(staging, "other", "staging")
    check_whose(staging, "altcraft-campaigns", "staging")  # its own: fine
    unsaid = summarize(read_preview(json.dumps({"diagnostics": []})))
    with pytest.raises(UserFacingError, match="does not say which stack it is of"):
        check_whose(unsaid, "altcraft-campaigns", "staging")
