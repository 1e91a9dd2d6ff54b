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
from provider.errors import CampaignError, SettingsError
from provider.planning.plan import PLAN_KEY, CampaignPlan
from provider.planning.record import APPLIED_KEY
from tests.support.provider import props
from tests.support.stand_in import TOKEN


def test_diff_is_an_update_on_active_and_never_a_replace() -> None:
    provider = CampaignProvider()
    # A stored state without on_remove means the default, retain.
    assert provider.diff("18", {"campaign_id": 18, "active": False}, props(18, False)).changes is False
    olds = {**props(18, False), "state": "inactive", "name": "Black Friday"}
    assert provider.diff("18", olds, props(18, False)).changes is False
    changed = provider.diff("18", olds, props(18, True))
    assert changed.changes is True and changed.replaces == []
    assert provider.diff("18", olds, {**props(18, False), "on_remove": "deactivate"}).changes is True


def test_diff_is_a_plan_still_to_carry_out_never_the_live_state() -> None:
    provider = CampaignProvider()
    # Someone stopped 18 in the web UI after the review: the provider decides no call of its own,
    # so a reviewed `pulumi up --plan` that sends 18 nothing is not turned into an update.
    olds = {**props(18, True), "state": "inactive", "name": "Black Friday"}
    assert provider.diff("18", olds, props(18, True)).changes is False
    planned = CampaignPlan("0a1b2c3d0a1b2c3d", "inactive", ("activate",), "active", "drift")
    news = {**props(18, True), PLAN_KEY: planned.to_input()}
    assert provider.diff("18", olds, news).changes is True
    # In a refresh the engine passes the last deploy's inputs: a plan carried out already is no change.
    assert provider.diff("18", {**olds, APPLIED_KEY: planned.id}, news).changes is False


def test_check_refuses_bad_inputs() -> None:
    failures = CampaignProvider().check({}, {"campaign_id": -1.0, "active": "yes", "on_remove": "drop"}).failures
    assert {f.property for f in failures} == {"campaign_id", "active", "on_remove"}


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
    ("key", "value"),
    [
        ("altcraft:requestTimeoutSeconds", "0"),
        ("altcraft:retryBudgetSeconds", "-1"),
        ("altcraft:retryBudgetSeconds", "inf"),
        ("altcraft:writeSettleSeconds", "inf"),
        ("altcraft:writeSettleSeconds", "1e9"),
        ("altcraft:writeSettleSeconds", "601"),
        ("altcraft:writeSettleSeconds", "nan"),
    ],
)
def test_tuning_values_out_of_range_are_refused(key: str, value: str) -> None:
    config = Config({"altcraft:url": "http://x.test", "altcraft:token": TOKEN, key: value}, "altcraft-campaigns")
    provider = CampaignProvider()
    provider.configure(ConfigureRequest(config))
    with pytest.raises(SettingsError, match=f"{key} .* must be a number of seconds from "):
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
    assert (chosen.chosen_by.token, chosen.chosen_by.request_timeout) == (
        "ALTCRAFT_TOKEN",
        "altcraft:requestTimeoutSeconds",
    )
    timed = Settings.from_sources(lambda _key: None, {**environ, "ALTCRAFT_REQUEST_TIMEOUT_SECONDS": "5"})
    assert timed.chosen_by.request_timeout == "ALTCRAFT_REQUEST_TIMEOUT_SECONDS"


WINDOW = {"active_from": "2026-11-27T00:00:00+03:00", "active_until": "2026-12-01T00:00:00+03:00"}


def test_diff_records_new_dates_and_the_files_ask_without_a_call() -> None:
    provider = CampaignProvider()
    waiting = {**props(18, True, **WINDOW), "target": "waiting", "state": "waiting"}
    assert provider.diff("18", waiting, props(18, True, **WINDOW, target="waiting")).changes is False
    # Same moments in UTC: nothing to record.
    utc = {"active_from": "2026-11-26T21:00:00Z", "active_until": "2026-11-30T21:00:00Z"}
    assert provider.diff("18", waiting, props(18, True, **utc, target="waiting")).changes is False
    # The window opened: whether that needs a call is the review's to say (with a plan), not the diff's.
    assert provider.diff("18", {**waiting, "state": "inactive"}, props(18, True, **WINDOW)).changes is False
    # New dates, or the file's ask changed: the record must say so.
    moved = {**WINDOW, "active_until": "2026-12-02T00:00:00+03:00"}
    assert provider.diff("18", waiting, props(18, True, **moved, target="waiting")).changes is True
    assert provider.diff("18", waiting, props(18, False, **WINDOW, target="waiting")).changes is True


def test_check_refuses_bad_times_and_targets() -> None:
    news = {**props(18, True), "active_from": "2026-11-27T00:00:00", "target": "soon", "completed": "yes"}
    failures = {f.property: f.reason for f in CampaignProvider().check({}, news).failures}
    assert set(failures) == {"active_from", "target", "completed"}
    assert "has no time-zone offset" in failures["active_from"]


# What every stack deployed by 0.14 and earlier holds as each campaign's `__provider`.
PROVIDER_IN_014_STATES = "gASVMAAAAAAAAACMEXByb3ZpZGVyLnJlc291cmNllIwQQ2FtcGFpZ25Qcm92aWRlcpSTlCmBlH2UYi4="


def test_the_provider_pickles_to_the_address_every_state_holds_and_unpickles_from_it() -> None:
    """A refresh or destroy unpickles the provider from the state: its address must not move."""

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


def test_the_policy_packs_copy_of_the_plan_grammar_reads_every_plan_the_provider_writes() -> None:
    import ast
    import re
    from itertools import product

    from tooling.pulumi_env import REPO_ROOT

    tree = ast.parse((REPO_ROOT / "policies" / "__main__.py").read_text())
    [pattern] = [
        node.value.args[0].value
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PLAN_INPUT"
    ]
    copy = re.compile(pattern)
    written = [
        CampaignPlan("0123456789abcdef", start, calls, end, cause).to_input()
        for start, calls, end, cause in product(
            ("active", "inactive", "waiting"),
            (("activate",), ("deactivate",), ("deactivate", "activate"), ("completed",)),
            ("active", "inactive", "waiting", "completed"),
            ("adopt", "change", "drift", "remove"),
        )
    ]
    for text in written:
        match = copy.fullmatch(text)
        assert match is not None and tuple(match["calls"].split(", ")) == CampaignPlan.of(text).calls
