"""provider.planning.siblings: the setting, the id ranges a stack publishes, and the claims of its siblings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provider.campaigns.loader import CampaignSpec
from provider.errors import SiblingError
from provider.planning.siblings import claims, conflicts, id_ranges, parse_id_ranges, sibling_stacks, within

A, B, C = (f"organization/altcraft-campaigns/shard-{x}" for x in "abc")


def test_the_setting_takes_a_list_or_commas_and_skips_this_stack() -> None:
    assert sibling_stacks(f'["{A}", "{B}", "{C}"]', this_stack=B) == [A, C]
    assert sibling_stacks(f"{A}, {C}", this_stack=B) == [A, C]
    assert sibling_stacks(None, this_stack=B) == []
    with pytest.raises(SiblingError, match="'shard-a' is not a fully qualified stack name"):
        sibling_stacks('["shard-a"]', this_stack=B)
    with pytest.raises(SiblingError, match="must be a list of stack names"):
        sibling_stacks("[1, 2]", this_stack=B)


def test_id_ranges_are_compact() -> None:
    assert id_ranges([30, 18, 19, 20, 21, 19]) == "18-21,30"
    assert id_ranges([]) == ""
    assert id_ranges(range(1, 2001)) == "1-2000"


@given(st.sets(st.integers(min_value=1, max_value=3000), max_size=200))
def test_id_ranges_round_trip(ids: set[int]) -> None:
    assert within(parse_id_ranges(id_ranges(ids)), range(1, 3001)) == ids


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("19-18", "not a range from a smaller id to a larger one"),
        ("1-2147483647", "more than 1,000,000 campaigns"),
        ("0-5", "not a range from a smaller id to a larger one"),
        ("18,x", "'x' is not an id"),
        ("-5", "'-5' is not an id"),
        ("99999999999", "is not an id or a range"),
        ("9999999999", "not a range from a smaller id"),
    ],
)
def test_a_siblings_ranges_are_bounded_and_ordered(text: str, why: str) -> None:
    """Issue 31, case 7: "1-2147483647" took 3.24 GB in 10 s; "19-18" claimed nothing."""
    with pytest.raises(ValueError, match=why):
        parse_id_ranges(text)
    with pytest.raises(SiblingError, match=f"stack {A}: its output campaigns.ids is not a list of id ranges"):
        claims([A], {A: stack_state(text)}.__getitem__, [18])


def stack_state(ids: str | None, records: list[int] = ()) -> dict:
    resources = {
        f"urn:campaign-{i}": {"type": "pulumi-python:dynamic/altcraft:Campaign", "outputs": {"campaign_id": float(i)}}
        for i in records
    }
    if ids is not None:
        resources["urn:stack"] = {"type": "pulumi:pulumi:Stack", "outputs": {"campaigns": {"ids": ids}}}
    return resources


def test_claims_come_from_each_siblings_output_or_its_records_and_name_the_owner() -> None:
    states = {A: stack_state("18-19,30"), C: stack_state(None, records=[21, 22])}
    owners = claims([A, C], states.__getitem__, [18, 19, 20, 21, 22, 23, 30])
    assert owners == {18: A, 19: A, 30: A, 21: C, 22: C}
    specs = [CampaignSpec(id=19, active=False, line=2), CampaignSpec(id=23, active=True, line=3)]
    [problem] = conflicts(specs, owners, B)
    assert problem.render("campaigns.yaml").startswith(
        f"campaigns.yaml:2: campaign 19: is also managed by stack {A} (altcraft:siblingStacks)"
    )


def test_a_sibling_that_cannot_be_read_fails_naming_it() -> None:
    def missing(stack: str) -> dict:
        raise RuntimeError(f"stack '{stack}' not found")

    with pytest.raises(SiblingError, match=f"altcraft:siblingStacks names stack {C}, which cannot be read"):
        claims([C], missing, [18])
