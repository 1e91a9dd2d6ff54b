"""The removal record's lifecycle (`provider.planning.removals`): create and update release the campaign.

The campaign provider serves this resource type too, so that a removal shares the process's one
live view of Altcraft and one change limit with every other call of the run; it hands a record's
operations to these functions (`is_removal` tells them apart). The release itself is the campaign
provider's: the same plan (`plan_removal`) and the same sending, as the campaign resource's own
deletion would do; that deletion, later in the same run, then finds the campaign released.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from provider.altcraft import clock
from provider.altcraft.live_view import LiveView
from provider.altcraft.model import LiveCampaign
from provider.errors import NotFound
from provider.planning.reconcile import Steps, plan_removal
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
    # A new generation is a new removal; the same one, declared again from the record, is done.
    return DiffResult(changes=(number(olds.get("generation")) or 1) != (number(news.get("generation")) or 1))


View = Callable[[], LiveView]
Apply = Callable[[Steps, LiveCampaign], LiveCampaign]  # sends a plan's calls, within the change limit


def create(view: View, apply: Apply, props: dict[str, Any]) -> CreateResult:
    removal = _removal(props)
    return CreateResult(id_=str(removal.campaign_id), outs=_release(view, apply, removal, earlier=[]))


def update(view: View, apply: Apply, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
    return UpdateResult(outs=_release(view, apply, _removal(news), earlier=ledger_of(olds)))


def read(id_: str, props: dict[str, Any]) -> ReadResult:
    return ReadResult(id_=id_, outs=props)  # a record of what was sent: nothing in Altcraft to compare


def _removal(props: dict[str, Any]) -> Removal:
    removal = Removal.of(props)
    assert removal is not None  # check() refused anything else
    return removal


def _release(view: View, apply: Apply, removal: Removal, earlier: list[str]) -> dict[str, Any]:
    # `retain` asks Altcraft nothing, as before records existed; a campaign deleted in Altcraft has
    # nothing to release. Either way the entry records the removal, without states.
    try:
        live = view().get(removal.campaign_id) if removal.on_remove != "retain" else None
    except NotFound:
        live = None
    if live is None:
        entry = ledger_entry(clock.machine_now(), [], "remove", None, None, None)
        return removal_outputs(removal, None, entry, earlier)
    steps = plan_removal(removal.on_remove, live, scheduled=removal.scheduled)
    sent_at = clock.machine_now()
    after = apply(steps, live) if steps is not None else live
    sent = [call.method for call in steps.calls] if steps is not None else []
    entry = ledger_entry(sent_at, sent, "remove", live.state, after.state, live)
    return removal_outputs(removal, live.name, entry, earlier)
