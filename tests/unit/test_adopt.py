"""adopt-drift: only the drifted entries change, to what Altcraft has now; everything else stays byte for byte."""

import difflib
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_a_layout_no_round_trip_keeps_is_edited_in_place() -> None:
    odd = "campaigns:\n  -   id: 18\n      active: true\n"
    assert set_active(odd, "c.yaml", {18: False}) == "campaigns:\n  -   id: 18\n      active: false\n"


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


# -- issue 31: every byte outside the drifted entries, whatever the file holds -------------------

NEIGHBOURS = """\
campaigns:
  - id: 18  # drifted
    name: Black Friday
    active: true
    active_from: "2026-11-27T00:00:00+03:00"   # midnight, Moscow
    active_until: 2026-12-01T00:00:00+03:00    # the day after

  # Campaign 19: legal hold until 2027, DO NOT enable
  - &legal {id: 19, active: false}      # anchored
  - {id: 21, active: true, active_from: "2026-11-27T00:00:00Z", active_until: "2026-12-01T00:00:00Z"}   # flow
"""


def test_dropping_a_drifted_entrys_dates_keeps_the_next_entrys_comments_anchors_and_columns() -> None:
    edited = set_active(NEIGHBOURS, "c.yaml", {18: False, 21: False})
    assert edited == (
        "campaigns:\n"
        "  - id: 18  # drifted\n"
        "    name: Black Friday\n"
        "    active: false\n"
        "\n"
        "  # Campaign 19: legal hold until 2027, DO NOT enable\n"
        "  - &legal {id: 19, active: false}      # anchored\n"
        "  - {id: 21, active: false}"
        + " "
        * (
            len(
                '  - {id: 21, active: true, active_from: "2026-11-27T00:00:00Z", active_until: "2026-12-01T00:00:00Z"}   '
            )
            - len("  - {id: 21, active: false}")
        )
        + "# flow\n"
    )


@pytest.mark.parametrize(
    ("name", "newline"),
    [("Tab\there", "\n"), ("New\nline", "\n"), ("Plain", "\r\n"), ("Bidi\u202eeman", "\n"), ("Zero\u200bwidth", "\n")],
)
def test_the_file_export_writes_is_edited_whatever_the_names_and_line_ends(name: str, newline: str) -> None:
    """Issue 31, case 5: `"Tab\\x09here"` came back as `"Tab\\there"`, and the edit was refused with
    a wrong reason (indentation); CRLF files too."""
    from provider.altcraft.model import LiveCampaign
    from provider.cli.export import render

    exported = render([LiveCampaign(18, name, "active"), LiveCampaign(19, "Other", "inactive")], "t")
    text = exported.replace("\n", newline)
    edited = set_active(text, "c.yaml", {18: False})
    line = "    active: true  # live state at export: active"
    assert line in text  # the comment keeps its column: one space fewer before it
    assert edited == text.replace(line, "    active: false # live state at export: active")


def test_a_value_that_cannot_be_edited_in_place_is_refused_with_the_reason() -> None:
    aliased = "campaigns:\n  - id: 18\n    active: &on true\n  - id: 19\n    active: *on\n"
    with pytest.raises(SpecError, match=r"c.yaml:5: campaign 19: cannot be edited in place: the value of `active` is"):
        set_active(aliased, "c.yaml", {19: False})


entry_styles = st.sampled_from(["block", "flow"])
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@given(
    st.lists(
        st.tuples(entry_styles, st.booleans(), st.booleans(), st.one_of(st.none(), texts), st.booleans(), texts),
        min_size=1,
        max_size=6,
    ),
    st.data(),
)
@settings(max_examples=150, deadline=None)
def test_an_edit_changes_only_the_edited_entries_and_they_mean_what_was_asked(entries, data) -> None:
    """Generated files (block and flow entries, any names written as export writes them, comments
    and blank lines between entries, windows): every byte outside the edited entries stays, the
    loader reads the edited ones as asked, and the others as before."""
    from provider.campaigns.loader import parse_campaigns
    from provider.cli.export import yaml_string

    chunks, bodies = ["campaigns:\n"], {}
    for index, (style, active, window, name, blank, comment) in enumerate(entries):
        campaign_id = 100 + index
        keys = [f"id: {campaign_id}", *([f"name: {yaml_string(name)}"] if name else [])]
        keys.append(f"active: {str(active).lower()}")
        if window and active:  # a window needs active: true
            keys += ['active_from: "2026-11-27T00:00:00+03:00"', "active_until: 2026-12-01T00:00:00+03:00"]
        note = f"  # {yaml_string(comment)}\n" if comment else ""
        gap = "\n" if blank else ""
        flow = "  - {" + ", ".join(keys) + "}\n"
        body = flow if style == "flow" else "  - " + "\n    ".join(keys) + "\n"
        chunks.append(gap + note + body)
        bodies[campaign_id] = (gap + note, body)
    text = "".join(chunks)
    ids = list(bodies)
    chosen = data.draw(st.lists(st.sampled_from(ids), unique=True, min_size=1))
    wanted = {i: data.draw(st.sampled_from([True, False, "scheduled"])) for i in chosen}
    edited = set_active(text, "c.yaml", wanted)
    for campaign_id, (before, body) in bodies.items():
        assert before in edited  # the comments and blank lines above every entry
        if campaign_id not in wanted:
            assert before + body in edited
    specs = {spec.id: spec for spec in parse_campaigns(edited.encode(), "c.yaml")}
    for campaign_id, value in wanted.items():
        assert specs[campaign_id].active == (value is True)
        assert specs[campaign_id].scheduled_in_altcraft == (value == "scheduled")


@pytest.mark.parametrize(
    ("text", "edited"),
    [
        ("---\ncampaigns:\n  - {id: 18, active: true}\n...\n", "---\ncampaigns:\n  - {id: 18, active: false}\n...\n"),
        (
            "campaigns: [\n  {id: 18, active: true},\n  {id: 19, active: false}\n]\n",
            "campaigns: [\n  {id: 18, active: false},\n  {id: 19, active: false}\n]\n",
        ),
        (
            "%YAML 1.2\n---\ncampaigns:\n  - {id: 18, active: true}\n",
            "%YAML 1.2\n---\ncampaigns:\n  - {id: 18, active: false}\n",
        ),
        ('campaigns:\n  - {"id": 18, "active": true}\n', 'campaigns:\n  - {"id": 18, "active": false}\n'),
        ("campaigns:\r\n  - id: 18\r\n    active: true\r\n", "campaigns:\r\n  - id: 18\r\n    active: false\r\n"),
    ],
    ids=["document markers", "a multi-line flow list", "a directive", "quoted keys", "CRLF"],
)
def test_what_was_refused_with_a_wrong_reason_is_now_edited_in_place(text: str, edited: str) -> None:
    """Issue 31, case 5: each of these was refused as "indentation a round trip does not keep"."""
    assert set_active(text, "c.yaml", {18: False}) == edited
