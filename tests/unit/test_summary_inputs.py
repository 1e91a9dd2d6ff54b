"""Whatever a preview's JSON holds, the summary and adopt-drift answer with a summary or a clear
error (exit 2), never a traceback: the JSON is input like any other (issue 31, case 8)."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provider.cli.preview_output import read_preview
from provider.cli.summary import summarize
from provider.errors import UserFacingError
from provider.planning.record import CAMPAIGN_TYPE

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
keys = st.sampled_from(["campaign_id", "active", "expected_name", "name", "state", "completed", "on_remove", "plan"])
props = st.dictionaries(keys, values, max_size=6)
steps = st.fixed_dictionaries(
    {
        "op": st.sampled_from(["create", "update", "delete", "same", "replace", "refresh"]),
        "urn": st.sampled_from(["urn:pulumi:s::p::pulumi-python:dynamic/altcraft:Campaign::campaign-18", "x", ""]),
        "oldState": st.fixed_dictionaries({"type": st.just(CAMPAIGN_TYPE), "outputs": props}),
        "newState": st.fixed_dictionaries({"type": st.just(CAMPAIGN_TYPE), "inputs": props}),
    }
)
RECORD = (
    'altcraft-review/1 {"version":1,"review":"r","stack":"s","project":"p","read_at":null,"changes":[{"campaign_id":'
    '18,"name":"N","before":"inactive","after":"active","cause":"drift","calls":["activate"],"schedule":{},'
    '"changed_by":null,"changed_at":null}],"kept":[],"left":[],"risk":null,"break_glass":null,"notes":[]}'
)


@given(st.lists(steps, max_size=4), st.lists(st.text(max_size=40), max_size=3))
@settings(max_examples=300)
def test_any_steps_and_lines_give_a_summary_or_a_clear_error(found: list[dict], lines: list[str]) -> None:
    preview = {"steps": found, "diagnostics": [{"severity": "info", "message": line} for line in lines]}
    with contextlib.suppress(UserFacingError):
        summarize(read_preview(json.dumps(preview)))


@pytest.mark.parametrize(
    "mutation",
    [
        ('"campaign_id":18', '"campaign_id":1e400'),
        ('"campaign_id":18', '"campaign_id":NaN'),
        ('"campaign_id":18', '"campaign_id":"18"'),
        ('"changed_at":null', '"changed_at":"2026-13-45 99:99:99 UTC"'),
        ('"changed_at":null', '"changed_at":5'),
        ('"name":"N"', '"name":5'),
        ('"calls":["activate"]', '"calls":["activate","activate","activate"]'),
        ('"schedule":{}', '"schedule":{"active_from":"tomorrow"}'),
        ('"risk":null', '"risk":{"level":"low","reasons":[]}'),
        ('"version":1', '"version":2'),
    ],
)
def test_a_broken_review_record_is_refused_whole(mutation: tuple[str, str]) -> None:
    good = {"diagnostics": [{"severity": "info", "message": RECORD}]}
    assert [row.calls for row in summarize(read_preview(json.dumps(good))).rows] == [["activate"]]
    broken = {"diagnostics": [{"severity": "info", "message": RECORD.replace(*mutation)}]}
    with pytest.raises(UserFacingError, match="review record"):
        summarize(read_preview(json.dumps(broken)))


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000 + "]" * 100_000, '{"steps": [], "diagnostics": [], "x": NaN}', '{"steps": [], "x": 1e400}'],
)
def test_json_that_is_not_json_as_documented_is_unreadable(text: str) -> None:
    with pytest.raises(UserFacingError):
        summarize(read_preview(text))
