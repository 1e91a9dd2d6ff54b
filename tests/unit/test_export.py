"""The onboarding export: a campaigns file that adopts the live campaigns as they are."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provider.altcraft.model import LiveCampaign, Unreadable, parse_campaign
from provider.campaigns.loader import HIDDEN, parse_campaigns
from provider.cli.export import render
from provider.errors import MalformedResponse


def test_rendered_file_loads_back_as_the_live_state() -> None:
    live = [
        LiveCampaign(18, "Black Friday", "inactive"),
        LiveCampaign(19, "Cyber Monday", "active"),
        LiveCampaign(22, "S", "waiting"),
    ]
    specs = parse_campaigns(render(live, "test").encode(), "exported.yaml")
    assert [(s.id, s.name, s.active) for s in specs] == [
        (18, "Black Friday", False),
        (19, "Cyber Monday", True),
        (22, "S", False),
    ]


def test_comments_say_the_live_state_and_what_was_skipped() -> None:
    bad = Unreadable(40, MalformedResponse("Altcraft reported campaign 40 in an unknown state 'archived'"))
    text = render([LiveCampaign(22, "Seasonal", "waiting")], "https://altcraft.example", [bad])
    assert text.startswith("# yaml-language-server: $schema=")
    assert "active: scheduled  # live state at export: waiting (scheduled in Altcraft" in text
    assert "# skipped campaign 40: Altcraft reported campaign 40 in an unknown state 'archived'" in text


def test_an_empty_export_is_still_a_valid_file() -> None:
    assert parse_campaigns(render([], "test").encode(), "e.yaml") == []


@pytest.mark.parametrize("name", ["", "   "])
def test_names_that_cannot_be_guards(name: str) -> None:
    specs = parse_campaigns(render([LiveCampaign(5, name, "active")], "t").encode(), "e.yaml")
    assert specs[0].name == (None if name == "" else name)


@given(st.text(alphabet=st.characters(exclude_categories=()), min_size=1, max_size=60))
def test_any_name_altcraft_can_send_survives_the_round_trip(raw: str) -> None:
    # Whatever the JSON held (controls, DEL, C1, line separators, a BOM, lone surrogates), as the
    # client hands it on; then the exported file reads back to exactly that guard.
    name = parse_campaign({"id": 5, "name": raw, "state": "active"}, 5).name
    specs = parse_campaigns(render([LiveCampaign(5, name, "active")], "t").encode("utf-8"), "e.yaml")
    assert specs[0].name == name


@pytest.mark.parametrize(
    "name",
    ["a\x7fb", "c1\x85x", "\x9b31m", "\u2028", "\ufeffbom", "tab\there", "\x00nul", 'q"\\', "\u202eevil", "zw\u200bsp"],
)
def test_names_yaml_would_refuse_or_fold_read_back_exactly(name: str) -> None:
    text = render([LiveCampaign(5, name, "active")], "t")
    specs = parse_campaigns(text.encode("utf-8"), "e.yaml")
    assert specs[0].name == name
    assert not set(text) & set(HIDDEN)  # written as escapes a diff shows (issue 31, case 11)


def test_a_lone_surrogate_becomes_the_replacement_character() -> None:
    assert parse_campaign({"id": 5, "name": "a\ud800b", "state": "active"}, 5).name == "a\ufffdb"


def test_a_completed_campaign_exports_as_completed_and_a_waiting_one_says_its_dates_are_unknown() -> None:
    from provider.campaigns.loader import parse_campaigns

    text = render(
        [
            LiveCampaign(22, "Seasonal", "waiting"),
            LiveCampaign(30, "Summer 2025", "completed"),
            LiveCampaign(31, "", "completed"),
        ],
        "https://altcraft.example",
    )
    assert "completed: true" in text.split("id: 30")[1].split("id: 31")[0]
    assert "the API does not show them" in text
    specs = {spec.id: spec for spec in parse_campaigns(text.encode(), "exported.yaml")}
    assert specs[30].completed and specs[30].name == "Summer 2025"
    assert not specs[31].completed and not specs[31].active  # no name to guard an irreversible entry
    # Waiting: left to the dates set in Altcraft, so no deploy stops it once Altcraft starts it.
    assert specs[22].scheduled_in_altcraft and not specs[22].active and not specs[22].schedule
