"""Property-based tests of the loader (hypothesis)."""

import json

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provider.campaigns.loader import HIDDEN, CampaignSpec, parse_campaigns
from provider.errors import SpecError

# Written raw by yaml.safe_dump: the characters the loader refuses raw (it wants them escaped) are
# left out here; tests/unit/test_export.py writes every character, escaped where needed.
names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="".join(HIDDEN)),
    min_size=1,
    max_size=40,
)
campaign = st.fixed_dictionaries(
    {"id": st.integers(1, 2**31 - 1), "active": st.booleans()},
    optional={"name": names, "on_remove": st.sampled_from(["retain", "deactivate"])},
)
campaign_lists = st.lists(campaign, max_size=30, unique_by=lambda c: c["id"])


@given(campaign_lists)
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_any_valid_file_loads_to_exactly_its_campaigns(entries: list[dict]) -> None:
    text = yaml.safe_dump({"campaigns": entries}, allow_unicode=True, sort_keys=False)
    specs = parse_campaigns(text.encode(), "c.yaml")
    assert [(s.id, s.active, s.name, s.on_remove) for s in specs] == [
        (e["id"], e["active"], e.get("name"), e.get("on_remove", "retain")) for e in entries
    ]
    assert all(isinstance(s, CampaignSpec) and s.line >= 2 for s in specs)


@given(st.binary(max_size=400))
@settings(max_examples=300)
def test_arbitrary_bytes_either_load_or_fail_with_a_spec_error(raw: bytes) -> None:
    try:
        parse_campaigns(raw, "c.yaml")
    except SpecError as error:
        assert str(error).startswith("c.yaml")


@given(st.text(max_size=300))
@settings(max_examples=300)
def test_arbitrary_text_either_loads_or_fails_with_a_spec_error(text: str) -> None:
    try:
        parse_campaigns(text.encode("utf-8", "surrogatepass"), "c.yaml")
    except SpecError as error:
        assert "c.yaml" in str(error)


@given(campaign_lists.filter(bool), st.data())
@settings(max_examples=150)
def test_a_wrong_active_value_is_reported_on_its_line_for_its_campaign(
    entries: list[dict], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(entries) - 1))
    bad = data.draw(st.one_of(st.integers(), names, st.none(), st.lists(st.integers())))
    entries[index] = {**entries[index], "active": bad}
    lines = ["campaigns:"]
    for entry in entries:
        lines.append(f"  - id: {entry['id']}")
        lines.append(f"    active: {json.dumps(entry['active'], ensure_ascii=False)}")  # JSON is YAML flow syntax
    text = "\n".join(lines) + "\n"
    try:
        parse_campaigns(text.encode(), "c.yaml")
    except SpecError as error:
        expected_line = 3 + 2 * index
        assert any(p.line == expected_line and p.campaign == f"campaign {entries[index]['id']}" for p in error.problems)
    else:
        raise AssertionError(f"accepted active: {bad!r}")
