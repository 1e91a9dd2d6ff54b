"""The onboarding export: a campaigns file that adopts the live campaigns as they are."""

from provider.altcraft.client import AltcraftClient
from provider.cli.export import DEFAULT_STATES, fetch, render
from tests.support.stand_in import TOKEN, LocalAltcraft


def test_fetch_leaves_terminal_campaigns_out_unless_asked(altcraft: LocalAltcraft) -> None:
    client = AltcraftClient(altcraft.url, TOKEN)
    campaigns, _ = fetch(client, DEFAULT_STATES)
    assert [c.id for c in campaigns] == [18, 19, 21, 22, 23]
    campaigns, _ = fetch(client, ["completed", "deleted"])
    assert [c.id for c in campaigns] == [30, 31]


def test_a_campaign_listed_twice_is_skipped_with_a_comment(altcraft: LocalAltcraft, monkeypatch) -> None:
    client = AltcraftClient(altcraft.url, TOKEN)
    listed = list(client.list_all())
    monkeypatch.setattr(client, "list_all", lambda: iter([*listed, listed[0]]))
    campaigns, unreadable = fetch(client, DEFAULT_STATES)
    assert listed[0].id not in [c.id for c in campaigns]
    assert "listed campaign 18 more than once" in render(campaigns, "t", unreadable)
