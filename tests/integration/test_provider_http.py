"""CampaignProvider's methods called directly, against the local server (no CLI)."""

import base64
import os
import re
from unittest import mock

import dill
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider

from provider.engine import runtime
from provider.engine.campaign_provider import CampaignProvider
from provider.errors import BadToken, CampaignError, UserFacingError
from provider.planning.record import LedgerEntry
from tests.support.provider import configured, planned, props
from tests.support.stand_in import TOKEN, LocalAltcraft


def test_pickled_provider_is_small_and_holds_no_secret(altcraft: LocalAltcraft) -> None:
    provider = configured(altcraft.url)
    provider.client().get(18)  # a live session and lock exist now
    serialized = serialize_provider(provider)
    assert len(serialized) < 200
    assert TOKEN not in base64.b64decode(serialized).decode("latin-1")
    assert altcraft.url not in base64.b64decode(serialized).decode("latin-1")
    restored = dill.loads(base64.b64decode(serialized))
    assert isinstance(restored, CampaignProvider) and restored._runtime is None


def test_create_adopts_and_converges_with_exactly_the_needed_call(altcraft: LocalAltcraft) -> None:
    provider = configured(altcraft.url)
    plan = planned("inactive", "activate", to="active", cause="adopt")
    result = provider.create({**props(18, True, expected_name="Black Friday"), **plan})
    assert result.id == "18"
    [entry] = result.outs.pop("changes")  # the ledger: this deploy's one call
    assert result.outs == {  # on_remove: retain is the default and left out
        "campaign_id": 18,
        "active": True,
        "expected_name": "Black Friday",
        "state": "active",  # the live name is the guard's: recorded once
        "applied": plan["plan"].rsplit(" ", 1)[1],  # the plan carried out: a refresh will not take it for a new one
    }
    parsed = LedgerEntry.parse(entry)
    assert parsed is not None and (parsed.sent, parsed.before, parsed.after, parsed.cause, parsed.edit) == (
        ("activate",),
        "inactive",
        "active",
        "adopt",
        None,
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", parsed.at), entry
    assert altcraft.admin.calls() == {"list": 2, "activate": 1, "get_status": 1}
    altcraft.admin.reset_calls()
    adopted = provider.create(props(21, True))  # already active: adopt only, from the same listing
    assert altcraft.admin.calls() == {} and "changes" not in adopted.outs  # no call, no ledger entry
    assert adopted.outs["name"] == "Spring collection"  # no guard: the live name is recorded


@pytest.mark.parametrize(
    ("campaign_id", "active", "extra", "message"),
    [
        (999, True, {}, "campaign 999 does not exist in Altcraft"),
        (
            19,
            False,
            {"expected_name": "Autumn", **planned("active", "deactivate", to="inactive")},
            "expects the name 'Autumn', but in Altcraft it is 'Cyber Monday'",
        ),
        (
            30,
            True,
            planned("completed", "activate", to="active"),
            "campaign 30 (Summer 2025) is completed in Altcraft and cannot be activated",
        ),
        # Compare-and-set: the review saw 18 active; Altcraft shows it inactive now.
        (
            18,
            False,
            planned("active", "deactivate", to="inactive"),
            "campaign 18 (Black Friday) was active when this run's review planned deactivate, and is inactive now",
        ),
        # A plan whose calls this version would not make from its start is refused, not sent.
        (18, True, planned("inactive", "deactivate", "activate", to="active"), "which this version plans as activate"),
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


def test_a_refresh_that_cannot_reach_altcraft_says_the_saved_settings_were_used(altcraft: LocalAltcraft) -> None:
    provider = configured(altcraft.url, token="revoked")
    stored = {**props(18, False), "state": "inactive", "name": "Black Friday"}
    with pytest.raises(BadToken) as raised:
        provider.read("18", stored)
    assert "as saved at the last `pulumi up`" in str(raised.value)
    assert "`PULUMI_RUN_PROGRAM=true pulumi up`" in str(raised.value)


def test_read_records_the_live_state_and_leaves_the_deploys_inputs(altcraft: LocalAltcraft) -> None:
    provider = configured(altcraft.url)
    altcraft.admin.set_state(18, "active")  # someone clicked "activate" in the UI
    stored = {**props(18, False, expected_name="Black Friday"), "state": "inactive", "name": "Black Friday"}
    result = provider.read("18", stored)
    # The inputs stay the last deploy's: a reviewed plan compares the program's with them.
    assert result.inputs is None
    # What the file asked for survives the refresh in `active`: it is how the next run tells drift
    # from change. The live state is in `state`.
    assert result.outs["active"] is False and result.outs["state"] == "active"
    # A record of 0.15 and earlier: the file's ask in `desired_active`, the live "is active" in `active`.
    older = {**stored, "active": False, "desired_active": True}
    assert {key: provider.read("18", older).outs.get(key) for key in ("active", "desired_active")} == {
        "active": True,
        "desired_active": None,
    }
    # A record edited or half rewritten (the file's ask in `active`, a stale `desired_active`) is
    # kept as it is: it is never read as a guess.
    half = {**stored, "active": True, "desired_active": False}  # `active` and `state` disagree: not 0.15's
    kept = provider.read("18", half).outs
    assert (kept["active"], kept["desired_active"], kept["state"]) == (True, False, "active")
    altcraft.admin.rename(18, "Black Friday 2026")
    provider = configured(altcraft.url)  # a new process: a new listing
    assert provider.read("18", stored).outs["name"] == "Black Friday 2026"  # not what the guard holds


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
    runtime.forget_all()  # a new provider process
    provider = CampaignProvider()
    values = {"altcraft:url": url, "altcraft:token": TOKEN, **config}
    provider.configure(ConfigureRequest(Config(values, project_name="altcraft-campaigns")))
    return provider


def release(campaign_id: int) -> dict:
    """A removal record's inputs with the review's release of an active campaign."""
    return {
        "removed_campaign": float(campaign_id),
        "on_remove": "deactivate",
        **planned("active", "deactivate", to="inactive", cause="remove"),
    }


def test_the_provider_sends_no_more_calls_than_max_changes(altcraft: LocalAltcraft) -> None:
    # An `up --target` or `--skip-preview` may reach the provider past the program's count: the
    # provider process holds the limit itself.
    for campaign_id in (18, 23):
        altcraft.admin.set_state(campaign_id, "active")
    provider = configured_with(altcraft.url, **{"altcraft:maxChanges": "2"})
    provider.create(release(19))
    provider.create(release(21))
    with pytest.raises(
        UserFacingError,
        match=r"campaign 18 \(Black Friday\): deactivate not sent: this run has sent 2 "
        r"of the 2 calls allowed \(altcraft:maxChanges\)",
    ):
        provider.create(release(18))
    with pytest.raises(UserFacingError, match=r"^campaign 23 \(Welcome series\): deactivate not sent: over the change"):
        provider.create(release(23))
    assert altcraft.admin.states()[18] == "active" and altcraft.admin.states()[23] == "active"
    assert altcraft.admin.write_calls() == 2


def test_the_environment_allows_more_calls_for_one_run(altcraft: LocalAltcraft) -> None:
    with mock.patch.dict(os.environ, {"ALTCRAFT_MAX_CHANGES": "0"}):
        provider = configured_with(altcraft.url, **{"altcraft:maxChanges": "1"})
    for campaign_id in (19, 21):
        provider.create(release(campaign_id))
    assert altcraft.admin.write_calls() == 2


def test_update_writes_once_and_confirms(altcraft: LocalAltcraft) -> None:
    provider = configured(altcraft.url)
    olds = {**props(19, True), "state": "active", "name": "Cyber Monday"}
    result = provider.update("19", olds, {**props(19, False), **planned("active", "deactivate", to="inactive")})
    assert result.outs["state"] == "inactive"
    assert altcraft.admin.calls() == {"list": 2, "deactivate": 1, "get_status": 1}
    # Without a plan the provider decides nothing: the record follows the file, Altcraft is not written.
    altcraft.admin.reset_calls()
    assert provider.update("19", result.outs, props(19, True)).outs["state"] == "inactive"
    assert altcraft.admin.write_calls() == 0


def test_a_deletion_sends_nothing_and_keeps_a_campaign_its_entry_says_to_stop(altcraft: LocalAltcraft) -> None:
    provider = configured(altcraft.url)
    provider.delete("19", {**props(19, True), "on_remove": "retain"})
    assert altcraft.admin.calls() == {}  # retain asks Altcraft nothing
    # `pulumi destroy`, or a removal record whose release failed: no call, and the record stays.
    with pytest.raises(CampaignError, match=r"campaign 19 \(Cyber Monday\) is active in Altcraft and its entry says"):
        provider.delete("19", {**props(19, True), "on_remove": "deactivate"})
    assert altcraft.admin.write_calls() == 0 and altcraft.admin.states()[19] == "active"
    provider.delete("999", {**props(999, True), "on_remove": "deactivate"})  # already gone: fine
    provider.delete("18", {**props(18, True), "on_remove": "deactivate"})  # already inactive: fine


def test_settings_fall_back_to_environment(altcraft: LocalAltcraft) -> None:
    provider = CampaignProvider()
    with mock.patch.dict(os.environ, {"ALTCRAFT_URL": altcraft.url, "ALTCRAFT_TOKEN": TOKEN}):
        provider.configure(ConfigureRequest(Config({}, project_name="altcraft-campaigns")))
    assert provider.client().get(18).name == "Black Friday"


WINDOW = {"active_from": "2026-11-27T00:00:00+03:00", "active_until": "2026-12-01T00:00:00+03:00"}


def test_update_schedules_the_window_and_accepts_waiting(altcraft: LocalAltcraft) -> None:
    altcraft.admin.set_clock("2026-11-26T12:00:00+03:00")
    provider = configured(altcraft.url)
    olds = {**props(18, False), "state": "inactive", "name": "Black Friday"}
    plan = planned("inactive", "activate", to="waiting")
    result = provider.update("18", olds, {**props(18, True, **WINDOW, target="waiting"), **plan})
    assert result.outs["state"] == "waiting" and result.outs["active_from"] == WINDOW["active_from"]
    assert altcraft.admin.schedules()[18] == {
        "activate_at": "2026-11-26T21:00:00+00:00",
        "deactivate_at": "2026-11-30T21:00:00+00:00",
    }


def test_each_deploy_that_sends_calls_leaves_a_ledger_entry_and_a_refresh_keeps_them(altcraft: LocalAltcraft) -> None:
    """Newest first, at most LEDGER_SIZE; drift names who had changed the campaign in Altcraft."""
    from provider.planning.record import LEDGER_SIZE, LedgerEntry

    provider = configured(altcraft.url)
    outs = provider.create(props(18, False)).outs  # already inactive: adopted, no call
    for _ in range(LEDGER_SIZE + 1):  # someone keeps switching it on; every deploy puts it back
        altcraft.admin.set_state(18, "active", user="j.smith")
        provider = configured(altcraft.url)  # a new deploy: a new provider process, a fresh listing
        plan = planned("active", "deactivate", to="inactive", cause="drift")
        outs = provider.update("18", outs, {**props(18, False), **plan}).outs
    ledger = [LedgerEntry.parse(text) for text in outs["changes"]]
    assert len(ledger) == LEDGER_SIZE
    newest = ledger[0]
    assert newest is not None
    assert (newest.sent, newest.cause, newest.before, newest.after) == (("deactivate",), "drift", "active", "inactive")
    assert newest.edit is not None and newest.edit.by == "j.smith" and newest.edit.at is not None
    assert [e.at for e in ledger if e] == sorted((e.at for e in ledger if e), reverse=True)
    ledger = outs["changes"]
    refreshed = configured(altcraft.url).read("18", outs)
    assert refreshed.outs["changes"] == ledger  # nothing changed in Altcraft since: nothing new
    # A refresh that finds the campaign changed in Altcraft by someone else says so, first, and
    # pushes no deploy out: a preview and the `up --plan` after its refresh see the same deploys.
    altcraft.admin.set_state(18, "active", user="ops.oncall")
    seen = configured(altcraft.url).read("18", outs).outs["changes"]
    assert seen[1:] == ledger
    sighting = LedgerEntry.parse(seen[0])
    assert sighting is not None and (sighting.sent, sighting.before, sighting.after, sighting.cause) == (
        (),
        "inactive",
        "active",
        "seen",
    )
    assert sighting.edit is not None and sighting.edit.by == "ops.oncall" and sighting.edit.at is not None


def test_a_removal_record_releases_the_campaign_and_the_deletion_after_it_sends_nothing(
    altcraft: LocalAltcraft,
) -> None:
    provider = configured(altcraft.url)
    campaign = provider.create({**props(19, True), "on_remove": "deactivate"}).outs  # already active
    carried = ["2026-11-28T09:00:02Z activate: inactive -> active (adopt)"]
    removal = {**release(19), "carried": carried}
    assert provider.check({}, removal).failures == []
    altcraft.admin.reset_calls()
    outs = provider.create(removal).outs
    assert altcraft.admin.calls().get("deactivate") == 1 and altcraft.admin.states()[19] == "inactive"
    entry = LedgerEntry.parse(outs["changes"][0])
    assert entry is not None and (entry.sent, entry.before, entry.after, entry.cause) == (
        ("deactivate",),
        "active",
        "inactive",
        "remove",
    )
    assert outs["changes"][1:] == carried and outs["name"] == "Cyber Monday" and "carried" not in outs
    assert "plan" not in outs
    provider.delete("19", campaign)  # the engine deletes the campaign's resource after the record
    assert altcraft.admin.write_calls() == 1
    # Declared again from its outputs, the record has nothing to do; a second removal has.
    again = {k: v for k, v in outs.items() if k not in ("changes", "name")}
    assert provider.diff("19", outs, again).changes is False
    assert provider.diff("19", outs, {**again, "generation": 2.0}).changes is True
    assert provider.read("19", outs).outs == outs  # a refresh asks Altcraft nothing about a record
    provider.delete("19", outs)  # a record leaving the stack sends nothing
    assert altcraft.admin.write_calls() == 1


def no_call_removal(text: str) -> bool:
    entry = LedgerEntry.parse(text)
    return entry is not None and (entry.sent, entry.before, entry.after, entry.cause) == ((), None, None, "remove")


def test_a_removal_with_retain_asks_altcraft_nothing_and_a_deleted_campaign_is_recorded_without_states(
    altcraft: LocalAltcraft,
) -> None:
    provider = configured(altcraft.url)
    altcraft.admin.reset_calls()
    kept = provider.create({"removed_campaign": 19.0, "on_remove": "retain"}).outs
    assert altcraft.admin.calls() == {} and altcraft.admin.states()[19] == "active"
    assert no_call_removal(kept["changes"][0]) and "name" not in kept
    gone = provider.create({"removed_campaign": 999.0, "on_remove": "deactivate"}).outs
    assert no_call_removal(gone["changes"][0])
    assert altcraft.admin.write_calls() == 0
    # A second removal after the campaign came back: its entry first, then the earlier record's.
    second = provider.update("19", kept, {"removed_campaign": 19.0, "on_remove": "retain", "generation": 2.0}).outs
    assert len(second["changes"]) == 2 and second["changes"][1] == kept["changes"][0]
    assert provider.check({}, {"removed_campaign": 19.0, "on_remove": "explode"}).failures


def test_the_campaign_and_removal_providers_of_a_process_share_one_runtime(altcraft: LocalAltcraft) -> None:
    """One provider per resource type, one listing and one change limit per process (engine.runtime)."""
    from provider.engine.removal_record import RemovalProvider

    campaigns = configured_with(altcraft.url, **{"altcraft:maxChanges": "1"})  # a new process
    removals = RemovalProvider()
    config = {"altcraft:url": altcraft.url, "altcraft:token": TOKEN, "altcraft:maxChanges": "1"}
    removals.configure(ConfigureRequest(Config(config, project_name="altcraft-campaigns")))
    assert removals.runtime is campaigns.runtime
    altcraft.admin.reset_calls()
    removals.create(release(19))
    campaigns.read("18", {**props(18, False), "state": "inactive"})
    assert altcraft.admin.calls().get("list") == 2  # one listing (its pages) for both providers
    with pytest.raises(UserFacingError, match="this run has sent 1 of the 1 calls allowed"):
        campaigns.update(
            "21",
            {**props(21, True), "state": "active"},
            {**props(21, False), **planned("active", "deactivate", to="inactive")},
        )
    assert altcraft.admin.write_calls() == 1
    # Pickled by its own address, as the campaign provider is by its.
    assert b"provider.resource" in base64.b64decode(serialize_provider(removals))
    assert b"RemovalProvider" in base64.b64decode(serialize_provider(removals))
