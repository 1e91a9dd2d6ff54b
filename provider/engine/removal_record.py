"""The removal record's provider (`provider.planning.removals`): creating a record sends the review's release.

A record's lifecycle has nothing of a campaign's: it is created (or updated, for a new generation)
with the release this run's review planned, if any, and is then a record of what was sent. It
shares its process's runtime (`engine.runtime`: one live view, one change budget) with the campaign
provider, so a release is sent, counted and seen like every other call of the run. The campaign
resource's deletion, later in the same run, sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    UpdateResult,
)

from provider.altcraft import clock
from provider.altcraft.model import LiveCampaign
from provider.campaigns.schedule import Schedule
from provider.engine import workarounds
from provider.engine.shared_provider import SharedRuntimeProvider
from provider.planning.record import MODULE, ledger_entry, ledger_of, number
from provider.planning.removals import REMOVAL_TYPE_NAME, REMOVED_KEY, Removal, removal_name, removal_outputs


@dataclass(frozen=True)
class Released:
    """What a release did: the campaign before and after, and the calls sent (none if it needed none)."""

    before: LiveCampaign
    after: LiveCampaign
    sent: list[str]


class RemovalProvider(SharedRuntimeProvider):
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = (
            []
            if Removal.of(news)
            else [CheckFailure(REMOVED_KEY, "must be a removal record's inputs (a campaign id, on_remove, a plan)")]
        )
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # A new generation is a new removal (with the review's release, if it planned one); the same
        # one, declared again from the record, is done.
        return DiffResult(changes=(number(olds.get("generation")) or 1) != (number(news.get("generation")) or 1))

    def create(self, props: dict[str, Any]) -> CreateResult:
        removal = _removal(props)
        return CreateResult(id_=str(removal.campaign_id), outs=self._recorded(removal, earlier=[]))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs=self._recorded(_removal(news), earlier=ledger_of(olds)))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_=id_, outs=props)  # a record of what was sent: nothing in Altcraft to compare

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return  # the record leaves the stack; what it recorded was sent long ago

    def release(self, removal: Removal) -> Released | None:
        """Carries out the review's release. None when Altcraft is not asked: `retain` leaves the
        campaign exactly as it is, and a campaign deleted in Altcraft has nothing to release."""
        if removal.on_remove == "retain":
            return None
        live = self.runtime.view().find(removal.campaign_id)
        if live is None:
            return None
        if removal.plan is None:
            return Released(live, live, [])
        after = self.runtime.send_plan(removal.plan, live, Schedule())
        return Released(live, after, list(removal.plan.calls))

    def _recorded(self, removal: Removal, earlier: list[str]) -> dict[str, Any]:
        """The record's outputs once the campaign is released, its entry first. Where Altcraft was not
        asked (`retain`, or a campaign deleted there) the entry records the removal without states."""
        at = clock.machine_now()
        released = self.release(removal)
        if released is None:
            return removal_outputs(removal, None, ledger_entry(at, [], "remove", None, None, None), earlier)
        before, after = released.before, released.after
        entry = ledger_entry(at, released.sent, "remove", before.state, after.state, before)
        return removal_outputs(removal, before.name, entry, earlier)


def _removal(props: dict[str, Any]) -> Removal:
    removal = Removal.of(props)
    assert removal is not None  # check() refused anything else
    return removal


# Pickled by this address whatever the module it is defined in: see provider/resource.py.
RemovalProvider.__module__ = "provider.resource"


class RemovalResource(Resource, module=MODULE, name=REMOVAL_TYPE_NAME):
    """A campaign that left the file: its release and its ledger (`provider.planning.removals`)."""

    def __init__(self, removal: Removal, opts: pulumi.ResourceOptions | None = None) -> None:
        workarounds.before_registering()
        super().__init__(RemovalProvider(), removal_name(removal.campaign_id), removal.inputs(), opts)
