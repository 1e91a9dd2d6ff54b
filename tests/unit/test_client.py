"""AltcraftClient against the local server, and against canned responses it must not trust."""

import pytest

from provider.altcraft.client import AltcraftClient
from provider.altcraft.retry import RetryPolicy
from provider.altcraft.urls import normalize_base_url

# Error mapping is tested here; retries in test_client_faults.py.
NO_RETRY = RetryPolicy(budget_s=0)


def test_base_url_forms() -> None:
    assert normalize_base_url("https://example.com") == "https://example.com/api/v1.1"
    assert normalize_base_url("https://example.com/api/v1.1/") == "https://example.com/api/v1.1"
    assert normalize_base_url("https://example.com/api/") == "https://example.com/api/v1.1"
    with pytest.raises(ValueError, match="http"):
        normalize_base_url("example.com")


def test_a_short_token_is_redacted_without_mangling_the_address_a_message_names() -> None:
    client = AltcraftClient("https://api.example.test", "api", timeout=(0.5, 0.5), retry=NO_RETRY)
    text = client.redact(f"calling {client.base_url}/scampaigns/list with token=api: error")
    assert text == "calling https://api.example.test/api/v1.1/scampaigns/list with token=***: error"


@pytest.mark.parametrize(
    ("extra", "by", "at"),
    [
        (
            {"updated_user": "j.smith", "updatetime": "2026-11-28T10:02:31.412Z"},
            "j.smith",
            "2026-11-28T10:02:31.412000+00:00",
        ),
        ({"updated_user": "", "updatetime": "yesterday"}, None, None),
        ({"updated_user": 7, "updatetime": "2026-11-28T10:02:31"}, None, None),  # no offset: not a moment
        ({}, None, None),
    ],
)
def test_who_last_changed_a_campaign_is_read_liberally(extra: dict, by: str | None, at: str | None) -> None:
    """`updated_user`/`updatetime` only inform a message: an odd value is dropped, never refused."""
    from provider.altcraft.model import parse_campaign

    live = parse_campaign({"id": 18, "name": "Black Friday", "state": "active", **extra}, 18)
    assert (live.changed_by, live.changed_at.isoformat() if live.changed_at else None) == (by, at)
