"""The removal record: the resource that releases a campaign whose entry left the file, and keeps its ledger. No I/O.

When an entry leaves the campaigns file, Pulumi deletes its campaign resource, and with it the
campaign's ledger (`provider.planning.record`). So the program declares, next to the campaigns, one
removal record per campaign that left: type `REMOVAL_TYPE`, named `removal_name(id)`. Creating it
(or updating it, when the campaign leaves again after coming back) is what sends the release
(`on_remove: deactivate`) and writes the entry that says so; the campaign resource's deletion,
which the engine runs after every registered resource is done, then finds nothing left to send.

Inputs, all read from the stack's last checkpoint but the review's plan, so that a preview and the
`pulumi up --plan` after it declare the same record:

    removed_campaign   the campaign's id
    on_remove          what the last deploy recorded (`retain` records the removal and sends nothing)
    scheduled          true if the last deploy had scheduled a window (releasing cancels it)
    generation         how many times the campaign has left the file; a new one is a new removal
    carried            the campaign's deploys, from its ledger, given once: at its removal
    plan               the release this run's review planned (`provider.planning.plan`), given once,
                       at the removal, and only when there is a call to send; the record sends
                       exactly that, while Altcraft still shows what the review saw

Outputs: the inputs but `carried`, plus

    name               the campaign's name in Altcraft when it was released (absent if not read)
    changes            the ledger: the removal first, then the carried deploys and the entries of
                       earlier removals, at most LEDGER_SIZE deploys (`provider.planning.record`)

A later run declares the record again from its outputs, without `carried`; a record whose
generation did not change has nothing to do. The newest REMOVALS_KEPT records stay; older ones
leave the stack (their deletion sends nothing).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from provider.campaigns.options import DEFAULT_ON_REMOVE, ON_REMOVE_CHOICES
from provider.planning.plan import PLAN_KEY, CampaignPlan, plan_of
from provider.planning.record import (
    CAMPAIGN_TYPE,
    LEDGER_KEY,
    MODULE,
    capped,
    deploys_of,
    entry_at,
    ledger_of,
    number,
    stored_schedule,
)

REMOVAL_TYPE_NAME = "CampaignRemoval"
REMOVAL_TYPE = f"pulumi-python:dynamic/{MODULE}:{REMOVAL_TYPE_NAME}"
REMOVED_KEY = "removed_campaign"
_NAME_PREFIX = "removal-"
# How many removed campaigns' records a stack keeps: 1 to 2 KB of state each (2 KB with LEDGER_SIZE
# entries), so a stack that released its whole account of a thousand campaigns keeps them all.
REMOVALS_KEPT = 1000


def removal_name(campaign_id: int) -> str:
    """The record's name, the last part of its URN: `removal-18`."""
    return f"{_NAME_PREFIX}{campaign_id}"


def removal_id_of(urn: str) -> int | None:
    """The campaign id in a removal record's URN (`...::removal-18`), None for any other URN."""
    tail = urn.rsplit(f"::{_NAME_PREFIX}", 1)
    return int(tail[1]) if len(tail) == 2 and tail[1].isdigit() else None


def is_removal(props: Mapping[str, Any]) -> bool:
    """True for a removal record's inputs or outputs (the provider serves both resource types)."""
    return REMOVED_KEY in props


@dataclass(frozen=True)
class Removal:
    """One removal record as the program declares it."""

    campaign_id: int
    on_remove: str
    scheduled: bool
    generation: int
    carried: tuple[str, ...] = ()  # only in the run that removes the campaign
    plan: CampaignPlan | None = None  # the review's release, only in the run that removes the campaign

    def inputs(self) -> dict[str, Any]:
        inputs: dict[str, Any] = {REMOVED_KEY: self.campaign_id, "on_remove": self.on_remove}
        if self.scheduled:
            inputs["scheduled"] = True
        if self.generation > 1:
            inputs["generation"] = self.generation
        if self.carried:
            inputs["carried"] = list(self.carried)
        if self.plan is not None:
            inputs[PLAN_KEY] = self.plan.to_input()
        return inputs

    @classmethod
    def of(cls, props: Mapping[str, Any]) -> Removal | None:
        """A record's inputs or outputs as a Removal; None if they are not one's (a hand-edited state)."""
        campaign_id = number(props.get(REMOVED_KEY))
        on_remove = props.get("on_remove", DEFAULT_ON_REMOVE)
        if campaign_id is None or on_remove not in ON_REMOVE_CHOICES:
            return None
        generation = number(props.get("generation")) or 1
        carried = props.get("carried") if isinstance(props.get("carried"), list) else []
        plan = plan_of(props)
        if PLAN_KEY in props and plan is None:
            return None  # a plan that cannot be read is never carried out, nor ignored
        return cls(campaign_id, on_remove, props.get("scheduled") is True, generation, tuple(carried), plan)


def removal_outputs(removal: Removal, name: str | None, entry: str, earlier: list[str]) -> dict[str, Any]:
    """The record after a removal: `entry` first, then the deploys carried and those of `earlier`
    removals (the record's previous ledger)."""
    kept = {k: v for k, v in removal.inputs().items() if k not in ("carried", PLAN_KEY)}
    ledger = deploys_of([entry, *removal.carried, *earlier])
    return {**kept, **({"name": name} if name else {}), LEDGER_KEY: capped(ledger)}


def removals_to_declare(
    resources: Mapping[str, Any], in_file: set[int], plans: Mapping[int, CampaignPlan] | None = None
) -> list[Removal]:
    """The removal records this run declares, from the last checkpoint ({urn: {"type", "outputs"}}),
    the ids in the file and the review's release plans: one new removal per recorded campaign no
    longer in the file, and every earlier record as it is, the newest REMOVALS_KEPT in all."""
    campaigns: dict[int, Mapping[str, Any]] = {}
    records: dict[int, tuple[Removal, str]] = {}
    for resource in resources.values():
        outputs = resource.get("outputs") if isinstance(resource.get("outputs"), Mapping) else {}
        if resource.get("type") == CAMPAIGN_TYPE and number(outputs.get("campaign_id")) is not None:
            campaigns[int(outputs["campaign_id"])] = outputs
        elif resource.get("type") == REMOVAL_TYPE and (record := Removal.of(outputs)) is not None:
            ledger = ledger_of(outputs)
            records[record.campaign_id] = (record, ledger[0] if ledger else "")
    leaving = sorted(campaigns.keys() - in_file)
    new = []
    for campaign_id in leaving:
        outputs = campaigns[campaign_id]
        earlier = records.pop(campaign_id, None)
        new.append(
            Removal(
                campaign_id,
                on_remove=outputs.get("on_remove") or DEFAULT_ON_REMOVE,
                scheduled=bool(stored_schedule(outputs)),
                generation=earlier[0].generation + 1 if earlier else 1,
                carried=tuple(deploys_of(ledger_of(outputs))),
                plan=(plans or {}).get(campaign_id),
            )
        )
    # By the newest entry's time (RFC 3339 UTC: text order is time order); ties by id.
    older = sorted(records.values(), key=lambda pair: (entry_at(pair[1]), pair[0].campaign_id), reverse=True)
    return new + [record for record, _ in older[: max(REMOVALS_KEPT - len(new), 0)]]
