"""Windows and completion without the engine: times, the loader, plans, the review, the client."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import requests

from provider.altcraft.client import AltcraftClient
from provider.campaigns.schedule import Schedule
from tests.support.stand_in import TOKEN, LocalAltcraft

MSK = timezone(timedelta(hours=3))
FROM = datetime(2026, 11, 27, tzinfo=MSK)
UNTIL = datetime(2026, 12, 1, tzinfo=MSK)


# -- plans --------------------------------------------------------------------------------


BEFORE, INSIDE, AFTER = FROM - timedelta(hours=1), FROM + timedelta(hours=1), UNTIL + timedelta(hours=1)


# -- the client ---------------------------------------------------------------------------


def test_activation_dates_go_in_utc_under_both_names(altcraft: LocalAltcraft) -> None:
    sent: list[dict] = []
    session = requests.Session()
    original = session.request

    def spy(method, url, **kwargs):  # type: ignore[no-untyped-def]
        sent.append(kwargs.get("json") or {})
        return original(method, url, **kwargs)

    session.request = spy  # type: ignore[method-assign]
    altcraft.admin.set_clock("2026-11-26T12:00:00+03:00")
    client = AltcraftClient(altcraft.url, TOKEN, session=session)
    client.activate(18, Schedule(FROM, UNTIL, UNTIL + timedelta(days=30)), ("waiting",))
    body = next(b for b in sent if "start_date" in b)
    assert {k: body[k] for k in ("start_date", "activate_date", "deactivate_date", "completed_date")} == {
        "start_date": "2026-11-26T21:00:00Z",
        "activate_date": "2026-11-26T21:00:00Z",
        "deactivate_date": "2026-11-30T21:00:00Z",
        "completed_date": "2026-12-30T21:00:00Z",
    }
    assert altcraft.admin.states()[18] == "waiting"


def test_the_client_keeps_altcraft_time(altcraft: LocalAltcraft) -> None:
    altcraft.admin.set_clock("2027-03-01T00:00:00Z")
    client = AltcraftClient(altcraft.url, TOKEN)
    assert abs(client.now() - datetime.now(UTC)) < timedelta(minutes=1)  # nothing asked yet: our clock
    client.get_status(18)
    assert abs(client.now() - datetime(2027, 3, 1, tzinfo=UTC)) < timedelta(seconds=30)
