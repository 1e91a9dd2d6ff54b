"""What the last deployment recorded, from the engine's readStackResourceOutputs answer."""

from datetime import UTC, datetime, timedelta, timezone

from provider.campaigns.schedule import Schedule
from provider.engine.saved_settings import DYNAMIC_PROVIDER_TYPE, changed_since, saved_provider_config
from provider.planning.reconcile import Intent
from provider.planning.record import CAMPAIGN_TYPE, Deployed, campaigns_in


def test_campaigns_and_only_campaigns() -> None:
    resources = {
        "urn:...::pulumi:pulumi:Stack::s": {"type": "pulumi:pulumi:Stack", "outputs": {"campaigns": {}}},
        "urn:...::pulumi:providers:pulumi-python::default": {"type": "pulumi:providers:pulumi-python", "outputs": {}},
        "urn:...::campaign-18": {
            "type": CAMPAIGN_TYPE,
            "outputs": {"campaign_id": 18.0, "active": True, "desired_active": True, "state": "active"},
        },
        # After a refresh recorded drift: live says inactive, the file had asked for active.
        "urn:...::campaign-19": {
            "type": CAMPAIGN_TYPE,
            "outputs": {"campaign_id": 19.0, "active": False, "desired_active": True, "on_remove": "deactivate"},
        },
        # Written before desired_active existed: `active` is the best record there is.
        "urn:...::campaign-21": {"type": CAMPAIGN_TYPE, "outputs": {"campaign_id": 21.0, "active": False}},
        "urn:...::broken": {"type": CAMPAIGN_TYPE, "outputs": {}},
        "urn:...::campaign-30": {
            "type": CAMPAIGN_TYPE,
            "outputs": {"campaign_id": 30.0, "active": False, "completed": True, "expected_name": "S"},
        },
        "urn:...::campaign-31": {
            "type": CAMPAIGN_TYPE,
            "outputs": {"campaign_id": 31.0, "desired_active": True, "active_from": "2026-11-27T00:00:00+03:00"},
        },
    }
    moscow = timezone(timedelta(hours=3))
    assert campaigns_in(resources) == {
        18: Deployed(18, Intent(True)),
        19: Deployed(19, Intent(True), "deactivate"),
        21: Deployed(21, Intent(False)),
        30: Deployed(30, Intent(False, completed=True)),
        31: Deployed(31, Intent(True, Schedule(active_from=datetime(2026, 11, 27, tzinfo=moscow)))),
    }
    # The same instant in another offset is the same record.
    assert campaigns_in(resources)[31].intent.schedule == Schedule(datetime(2026, 11, 26, 21, tzinfo=UTC))


def test_settings_changed_since_the_last_deployment() -> None:
    saved_config = {"altcraft:url": "https://a.test", "altcraft:token": "t1", "other:key": "x"}
    checkpoint = {
        "urn:stack": {"type": "pulumi:pulumi:Stack", "outputs": {}},
        "urn:provider": {"type": DYNAMIC_PROVIDER_TYPE, "outputs": saved_config},
    }
    saved = saved_provider_config(checkpoint)
    assert changed_since(saved, saved_config.get) == []
    assert changed_since(saved, {**saved_config, "altcraft:token": "t2"}.get) == ["altcraft:token"]
    assert changed_since(saved, {"altcraft:url": "https://b.test"}.get) == ["altcraft:url", "altcraft:token"]
    assert changed_since(saved, {**saved_config, "altcraft:url": " https://a.test "}.get) == []
    # The same address written another way is no change; another path is.
    for same in ("https://a.test/", "https://a.test/api/", "https://a.test/api/v1.1/"):
        assert changed_since(saved, {**saved_config, "altcraft:url": same}.get) == [], same
    assert changed_since(saved, {**saved_config, "altcraft:url": "https://a.test/other"}.get) == ["altcraft:url"]
    # Never deployed: nothing saved, nothing stale.
    assert changed_since(saved_provider_config({"urn:stack": checkpoint["urn:stack"]}), {}.get) == []
