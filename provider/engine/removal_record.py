"""The removal record's lifecycle (`provider.planning.removals`): create and update release the campaign.

The campaign provider serves this resource type too, so that a removal shares the process's one
live view of Altcraft and one change limit with every other call of the run; it hands a record's
operations to these functions (`is_removal` tells them apart). The release itself is the campaign
provider's (`Release`), the one its resource's own deletion runs; that deletion, later in the same
run, then finds the campaign released.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from provider.altcraft import clock
from provider.altcraft.model import LiveCampaign
from provider.planning.plan import CampaignPlan
from provider.planning.record import ledger_entry, ledger_of, number
from provider.planning.removals import REMOVED_KEY, Removal, removal_outputs


def check(news: dict[str, Any]) -> CheckResult:
    failures = (
        []
        if Removal.of(news)
        else [CheckFailure(REMOVED_KEY, "must be a removal record's inputs (a campaign id and on_remove)")]
    )
    return CheckResult(news, failures)


def diff(olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
    # A new generation is a new removal (with the review's release, if it planned one); the same
    # one, declared again from the record, is done.
    return DiffResult(changes=(number(olds.get("generation")) or 1) != (number(news.get("generation")) or 1))


@dataclass(frozen=True)
class Released:
    """What a release did: the campaign before and after, and the calls sent (none if it needed none)."""

    before: LiveCampaign
    after: LiveCampaign
    sent: list[str]


# The campaign provider's release (`CampaignProvider._release`): campaign id, on_remove, the review's plan.
Release = Callable[[int, str, CampaignPlan | None], Released | None]


def create(release: Release, props: dict[str, Any]) -> CreateResult:
    removal = _removal(props)
    return CreateResult(id_=str(removal.campaign_id), outs=_recorded(release, removal, earlier=[]))


def update(release: Release, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
    return UpdateResult(outs=_recorded(release, _removal(news), earlier=ledger_of(olds)))


def read(id_: str, props: dict[str, Any]) -> ReadResult:
    return ReadResult(id_=id_, outs=props)  # a record of what was sent: nothing in Altcraft to compare


def _removal(props: dict[str, Any]) -> Removal:
    removal = Removal.of(props)
    assert removal is not None  # check() refused anything else
    return removal


def _recorded(release: Release, removal: Removal, earlier: list[str]) -> dict[str, Any]:
    """The record's outputs once the campaign is released, its entry first. Where Altcraft was not
    asked (`retain`, or a campaign deleted there) the entry records the removal without states."""
    at = clock.machine_now()
    released = release(removal.campaign_id, removal.on_remove, removal.plan)
    if released is None:
        return removal_outputs(removal, None, ledger_entry(at, [], "remove", None, None, None), earlier)
    before, after = released.before, released.after
    entry = ledger_entry(at, released.sent, "remove", before.state, after.state, before)
    return removal_outputs(removal, before.name, entry, earlier)
