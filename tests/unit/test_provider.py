"""CampaignProvider's methods called directly, against the local server (no CLI)."""

import base64
import os
from unittest import mock

import dill
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider

from provider.engine.campaign_provider import CampaignProvider
from provider.errors import BadToken, CampaignError, SettingsError, UserFacingError
from tests.conftest import TOKEN, LocalAltcraft


def configured(url: str, token: str = TOKEN) -> CampaignProvider:
    provider = CampaignProvider()
    config = Config({"altcraft:url": url, "altcraft:token": token}, project_name="altcraft-campaigns")
    provider.configure(ConfigureRequest(config))
    return provider


def props(campaign_id: int, active: bool, **extra) -> dict:
    # Numbers arrive as floats over gRPC.
    return {"campaign_id": float(campaign_id), "active": active, "on_remove": "retain", **extra}


def test_pickled_provider_is_small_and_holds_no_secret(altcraft: LocalAltcraft) -> None:
    provider = configured(altcraft.url)
    provider.client().get(18)  # a live session and lock exist now
    serialized = serialize_provider(provider)
    assert len(serialized) < 200
    assert TOKEN not in base64.b64decode(serialized).decode("latin-1")
    assert altcraft.url not in base64.b64decode(serialized).decode("latin-1")
    restored = dill.loads(base64.b64decode(serialized))
    assert isinstance(restored, CampaignProvider) and restored._client is None


def test_create_adopts_and_converges_with_exactly_the_needed_call(altcraft: LocalAltcraft) -> None:
    provider = configured(altcraft.url)
    result = provider.create(props(18, True, expected_name="Black Friday"))
    assert result.id == "18"
    assert result.outs == {  # on_remove: retain is the default and left out
        "campaign_id": 18,
        "active": True,
        "expected_name": "Black Friday",
        "state": "active",
        "name": "Black Friday",
        "desired_active": True,
    }
    assert altcraft.admin.calls() == {"list": 2, "activate": 1, "get_status": 1}
    altcraft.admin.reset_calls()
    provider.create(props(21, True))  # already active: adopt only, from the same listing
    assert altcraft.admin.calls() == {}


@pytest.mark.parametrize(
    ("campaign_id", "active", "extra", "message"),
    [
        (999, True, {}, "campaign 999 does not exist in Altcraft"),
        (21, True, {"expected_name": "Autumn"}, "expects the name 'Autumn', but in Altcraft it is 'Spring collection'"),
        (30, True, {}, "campaign 30 (Summer 2025) is completed in Altcraft and cannot be activated"),
    ],
)
def test_create_refuses_without_writing(altcraft: LocalAltcraft, campaign_id, active, extra, message) -> None:
    with pytest.raises(CampaignError) as caught:
        configured(altcraft.url).create(props(campaign_id, active, **extra))
    assert message in str(caught.value)
    assert altcraft.admin.write_calls() == 0


def test_terminal_and_inactive_is_satisfied(altcraft: LocalAltcraft) -> None:
    result = configured(altcraft.url).create(props(30, False))
    assert result.outs["state"] == "completed" and result.outs["active"] is False
    assert altcraft.admin.write_calls() == 0


def test_diff_is_an_update_on_active_and_never_a_replace() -> None:
    provider = CampaignProvider()
    # A stored state without on_remove means the default, retain.
    assert provider.diff("18", {"campaign_id": 18, "active": False}, props(18, False)).changes is False
    olds = {**props(18, False), "state": "inactive", "name": "Black Friday"}
    assert provider.diff("18", olds, props(18, False)).changes is False
    changed = provider.diff("18", olds, props(18, True))
    assert changed.changes is True and changed.replaces == []
    assert provider.diff("18", olds, {**props(18, False), "on_remove": "deactivate"}).changes is True


def test_diff_trusts_the_programs_observation_over_a_stale_refresh() -> None:
    provider = CampaignProvider()
    # The refresh (with the saved, old settings) saw 18 inactive, as the file wants; the program,
    # with the new settings, saw it active: the program's reading decides.
    olds = {**props(18, False), "state": "inactive", "name": "Black Friday"}
    assert provider.diff("18", olds, {**props(18, False), "observed_state": "active"}).changes is True
    assert provider.diff("18", olds, {**props(18, False), "observed_state": "inactive"}).changes is False
    stale_active = {**olds, "state": "active"}
    assert provider.diff("18", stale_active, {**props(18, False), "observed_state": "inactive"}).changes is False


def test_a_refresh_that_cannot_reach_altcraft_says_the_saved_settings_were_used(altcraft: LocalAltcraft) -> None:
    provider = configured(altcraft.url, token="revoked")
    stored = {**props(18, False), "state": "inactive", "name": "Black Friday"}
    with pytest.raises(BadToken) as raised:
        provider.read("18", stored)
    assert "as saved at the last `pulumi up`" in str(raised.value)
    assert "`PULUMI_RUN_PROGRAM=true pulumi up`" in str(raised.value)


def test_read_reports_live_state_as_inputs(altcraft: LocalAltcraft) -> None:
    provider = configured(altcraft.url)
    altcraft.admin.set_state(18, "active")  # someone clicked "activate" in the UI
    stored = {**props(18, False, expected_name="Black Friday"), "state": "inactive", "name": "Black Friday"}
    result = provider.read("18", stored)
    assert result.outs["active"] is True and result.outs["state"] == "active"
    assert result.inputs == {"campaign_id": 18, "active": True, "expected_name": "Black Friday"}
    # What the file asked for survives the refresh: it is how the next run tells drift from change.
    assert result.outs["desired_active"] is False
    assert provider.read("18", {**stored, "desired_active": True}).outs["desired_active"] is True


def test_read_of_a_campaign_altcraft_does_not_find_keeps_its_record(altcraft: LocalAltcraft) -> None:
    # "Not found" is also what a token that lost its group access hears: dropping the record would
    # make the next up adopt (and activate) a campaign someone stopped on purpose.
    altcraft.admin.remove(23)
    stored = {**props(23, True, drift="keep"), "state": "inactive", "name": "Welcome series"}
    with pytest.raises(CampaignError) as raised:
        configured(altcraft.url).read("23", stored)
    message = str(raised.value)
    assert message.startswith("campaign 23 (last seen as 'Welcome series', inactive) was not found in Altcraft")
    assert "its record is kept" in message and "pulumi state delete" in message


def configured_with(url: str, **config: str) -> CampaignProvider:
    provider = CampaignProvider()
    values = {"altcraft:url": url, "altcraft:token": TOKEN, **config}
    provider.configure(ConfigureRequest(Config(values, project_name="altcraft-campaigns")))
    return provider


def test_the_provider_sends_no_more_calls_than_max_changes(altcraft: LocalAltcraft) -> None:
    # pulumi destroy never runs the program's review: the provider process holds the limit itself.
    for campaign_id in (18, 23):
        altcraft.admin.set_state(campaign_id, "active")
    provider = configured_with(altcraft.url, **{"altcraft:maxChanges": "2"})
    removal = {"on_remove": "deactivate"}
    provider.delete("19", props(19, True, **removal))
    provider.delete("21", props(21, True, **removal))
    with pytest.raises(
        UserFacingError,
        match=r"campaign 18 \(Black Friday\): deactivate not sent: this run has sent 2 "
        r"of the 2 calls allowed \(altcraft:maxChanges\)",
    ):
        provider.delete("18", props(18, True, **removal))
    with pytest.raises(UserFacingError, match=r"^campaign 23 \(Welcome series\): deactivate not sent: over the change"):
        provider.delete("23", props(23, True, **removal))
    assert altcraft.admin.states()[18] == "active" and altcraft.admin.states()[23] == "active"
    assert altcraft.admin.write_calls() == 2


def test_the_environment_allows_more_calls_for_one_run(altcraft: LocalAltcraft) -> None:
    with mock.patch.dict(os.environ, {"ALTCRAFT_MAX_CHANGES": "0"}):
        provider = configured_with(altcraft.url, **{"altcraft:maxChanges": "1"})
    for campaign_id in (19, 21):
        provider.delete(str(campaign_id), props(campaign_id, True, on_remove="deactivate"))
    assert altcraft.admin.write_calls() == 2


def test_update_writes_once_and_confirms(altcraft: LocalAltcraft) -> None:
    provider = configured(altcraft.url)
    olds = {**props(19, True), "state": "active", "name": "Cyber Monday"}
    result = provider.update("19", olds, props(19, False))
    assert result.outs["state"] == "inactive"
    assert altcraft.admin.calls() == {"list": 2, "deactivate": 1, "get_status": 1}


def test_delete_follows_on_remove(altcraft: LocalAltcraft) -> None:
    provider = configured(altcraft.url)
    provider.delete("19", {**props(19, True), "on_remove": "retain"})
    assert altcraft.admin.calls() == {}  # retain asks Altcraft nothing
    provider.delete("19", {**props(19, True), "on_remove": "deactivate"})
    assert altcraft.admin.states()[19] == "inactive"
    provider.delete("999", {**props(999, True), "on_remove": "deactivate"})  # already gone: fine


def test_check_refuses_bad_inputs() -> None:
    failures = CampaignProvider().check({}, {"campaign_id": -1.0, "active": "yes", "on_remove": "drop"}).failures
    assert {f.property for f in failures} == {"campaign_id", "active", "on_remove"}


def test_settings_fall_back_to_environment(altcraft: LocalAltcraft) -> None:
    provider = CampaignProvider()
    with mock.patch.dict(os.environ, {"ALTCRAFT_URL": altcraft.url, "ALTCRAFT_TOKEN": TOKEN}):
        provider.configure(ConfigureRequest(Config({}, project_name="altcraft-campaigns")))
    assert provider.client().get(18).name == "Black Friday"


def test_missing_settings_say_what_to_set_once() -> None:
    provider = CampaignProvider()
    with mock.patch.dict(os.environ, {}, clear=True):
        provider.configure(ConfigureRequest(Config({}, project_name="altcraft-campaigns")))
    stored = {**props(18, False), "state": "inactive", "name": "Black Friday"}
    # A refresh reads every campaign: the first says what to set (and fails the refresh), the others
    # leave their records as they are instead of repeating it once per campaign.
    with pytest.raises(SettingsError, match="pulumi config set altcraft:url"):
        provider.read("18", stored)
    for _ in range(3):
        unchanged = provider.read("18", stored)
        assert unchanged.id == "18" and unchanged.outs == stored and unchanged.inputs is None
    # A write is never skipped that way: it fails, pointing to the first error.
    with pytest.raises(SettingsError, match=r"^not read: the Altcraft settings are unusable"):
        provider.update("18", stored, props(18, True))


def test_expected_failures_reach_the_cli_without_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The dynamic-provider host formats failures with its module's `traceback.format_exc()`."""
    import sys
    import traceback
    import types

    host = types.ModuleType("fake_dynamic_host")
    host._abort_with_traceback = lambda fn: fn
    host.traceback = traceback
    monkeypatch.setitem(sys.modules, "__main__", host)
    CampaignProvider()  # a provider coming to life in the host installs the patch
    try:
        raise CampaignError("campaign 999 does not exist in Altcraft")
    except CampaignError:
        assert host.traceback.format_exc() == "campaign 999 does not exist in Altcraft"
    try:
        raise KeyError("a bug")
    except KeyError:
        assert "Traceback (most recent call last)" in host.traceback.format_exc()


@pytest.mark.parametrize(
    ("key", "value"), [("altcraft:requestTimeoutSeconds", "0"), ("altcraft:retryBudgetSeconds", "-1")]
)
def test_tuning_values_out_of_range_are_refused(key: str, value: str) -> None:
    config = Config({"altcraft:url": "http://x.test", "altcraft:token": TOKEN, key: value}, "altcraft-campaigns")
    provider = CampaignProvider()
    provider.configure(ConfigureRequest(config))
    with pytest.raises(SettingsError, match=f"{key} .* must be a number of seconds >="):
        provider.client()


def test_a_token_stored_in_plain_text_is_refused_with_the_command_that_fixes_it() -> None:
    from provider.settings import Settings

    config = {"altcraft:url": "https://altcraft.test", "altcraft:token": TOKEN}
    with pytest.raises(SettingsError) as caught:
        Settings.from_sources(config.get, {}, is_secret=lambda _key: False)
    assert "pulumi config set --secret altcraft:token" in str(caught.value) and TOKEN not in str(caught.value)
    assert Settings.from_sources(config.get, {}, is_secret=lambda _key: True).token == TOKEN
    environment_only = Settings.from_sources(
        {"altcraft:url": "https://a.test"}.get, {"ALTCRAFT_TOKEN": TOKEN}, lambda _k: False
    )
    assert environment_only.token == TOKEN  # nothing in the stack file to encrypt


def test_stack_config_wins_over_the_environment_and_says_so() -> None:
    from provider.settings import Settings

    environ = {"ALTCRAFT_URL": "https://from-env.test", "ALTCRAFT_TOKEN": TOKEN}
    chosen = Settings.from_sources({"altcraft:url": "https://from-stack.test"}.get, environ)
    assert (chosen.url, chosen.url_source) == ("https://from-stack.test/api/v1.1", "altcraft:url")
    fallback = Settings.from_sources(lambda _key: None, environ)
    assert (fallback.url, fallback.url_source) == ("https://from-env.test/api/v1.1", "ALTCRAFT_URL")


WINDOW = {"active_from": "2026-11-27T00:00:00+03:00", "active_until": "2026-12-01T00:00:00+03:00"}


def test_diff_follows_the_target_and_the_window_as_instants() -> None:
    provider = CampaignProvider()
    waiting = {**props(18, True, **WINDOW), "target": "waiting", "state": "waiting", "desired_active": True}
    assert provider.diff("18", waiting, props(18, True, **WINDOW, target="waiting")).changes is False
    # Same moments in UTC: nothing to send.
    utc = {"active_from": "2026-11-26T21:00:00Z", "active_until": "2026-11-30T21:00:00Z"}
    assert provider.diff("18", waiting, props(18, True, **utc, target="waiting")).changes is False
    # The window opened and Altcraft activated it (a refresh saw it): nothing to send either.
    opened = {**waiting, "state": "active"}
    assert provider.diff("18", opened, props(18, True, **WINDOW)).changes is False
    # The window opened but the campaign still waits: activate.
    assert provider.diff("18", waiting, props(18, True, **WINDOW)).changes is True
    # New dates: a new activation.
    moved = {**WINDOW, "active_until": "2026-12-02T00:00:00+03:00"}
    assert provider.diff("18", waiting, props(18, True, **moved, target="waiting")).changes is True


def test_update_schedules_the_window_and_accepts_waiting(altcraft: LocalAltcraft) -> None:
    altcraft.admin.set_clock("2026-11-26T12:00:00+03:00")
    provider = configured(altcraft.url)
    olds = {**props(18, False), "state": "inactive", "name": "Black Friday"}
    result = provider.update("18", olds, props(18, True, **WINDOW, target="waiting"))
    assert result.outs["state"] == "waiting" and result.outs["active_from"] == WINDOW["active_from"]
    assert altcraft.admin.schedules()[18] == {
        "activate_at": "2026-11-26T21:00:00+00:00",
        "deactivate_at": "2026-11-30T21:00:00+00:00",
    }


def test_check_refuses_bad_times_and_targets() -> None:
    news = {**props(18, True), "active_from": "2026-11-27T00:00:00", "target": "soon", "completed": "yes"}
    failures = {f.property: f.reason for f in CampaignProvider().check({}, news).failures}
    assert set(failures) == {"active_from", "target", "completed"}
    assert "has no time-zone offset" in failures["active_from"]


# What every stack deployed by 0.14 and earlier holds as each campaign's `__provider`.
PROVIDER_IN_014_STATES = "gASVMAAAAAAAAACMEXByb3ZpZGVyLnJlc291cmNllIwQQ2FtcGFpZ25Qcm92aWRlcpSTlCmBlH2UYi4="


def test_the_provider_pickles_to_the_address_every_state_holds_and_unpickles_from_it() -> None:
    """A refresh or destroy unpickles the provider from the state: its address must not move."""
    import base64

    import dill
    from pulumi.dynamic.dynamic import serialize_provider

    assert serialize_provider(CampaignProvider()) == PROVIDER_IN_014_STATES
    assert isinstance(dill.loads(base64.b64decode(PROVIDER_IN_014_STATES)), CampaignProvider)


def test_the_policy_pack_recognises_campaigns_by_the_resource_type_the_provider_declares() -> None:
    """The policy pack runs in its own virtualenv and cannot import the provider: its copy must agree."""
    import ast

    from provider.planning.record import CAMPAIGN_TYPE
    from tooling.pulumi_env import REPO_ROOT

    tree = ast.parse((REPO_ROOT / "policies" / "__main__.py").read_text())
    assigned = {
        node.targets[0].id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Constant)
    }
    assert assigned["CAMPAIGN_TYPE"] == CAMPAIGN_TYPE
