"""The Pulumi lifecycle of one Altcraft campaign: check, diff, create (adopt), read, update, delete.

The provider pickles to an empty state (no URL, token, session or lock) and is pickled by
reference, as `provider.resource.CampaignProvider` (see that module: the address is part of every
stack's state). In `configure()`, which the provider process calls once with the stack config before
the first operation, it joins the process's runtime (`provider.engine.runtime`: the client, the
live view and the change budget, shared with the removal provider).

It decides no call. It carries out the plan this run's review gave the resource
(`provider.planning.plan`), exactly, and only while the runtime's reading of Altcraft still shows
the state the review saw (`Runtime.send_plan`); anything else is refused and reported, not sent.
It reads and writes its record with `provider.planning.record`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
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
from provider.altcraft.client import AltcraftClient
from provider.altcraft.live_view import LiveView
from provider.altcraft.model import LiveCampaign
from provider.campaigns.options import DEFAULT_ON_REMOVE
from provider.engine import saved_settings, workarounds
from provider.engine.removal_record import RemovalProvider
from provider.engine.shared_provider import SharedRuntimeProvider
from provider.errors import (
    BadToken,
    CampaignError,
    ListingFailed,
    NoRights,
    NotFound,
    Refused,
    TransportError,
    UserFacingError,
)
from provider.planning.plan import PLAN_KEY, CampaignPlan, plan_of
from provider.planning.reconcile import Desired, check_name, check_reachable, describe, plan_removal
from provider.planning.record import (
    APPLIED_KEY,
    BREAK_GLASS_KEY,
    MODULE,
    OUTPUT_ATTRIBUTES,
    SEEN,
    TYPE_NAME,
    UPDATE_KEYS,
    desired_active_of,
    desired_of,
    input_problems,
    inputs_of,
    ledger_entry,
    ledger_of,
    name_of,
    number,
    outputs_of,
    resource_name,
    stored_schedule,
    with_default,
    with_ledger,
)
from provider.planning.removals import is_removal


def _removals_written_before_0_17(method: Callable[..., Any]) -> Callable[..., Any]:
    """Removal records deployed by 0.16 were pickled with this provider, so a refresh or destroy of
    such a stack brings them here: they go to the removal provider, on this provider's runtime.
    The next `pulumi up` registers them with their own provider."""

    @functools.wraps(method)
    def routed(self: CampaignProvider, *args: Any) -> Any:
        if isinstance(args[-1], dict) and is_removal(args[-1]):
            return getattr(RemovalProvider().joined(self.runtime), method.__name__)(*args)
        return method(self, *args)

    return routed


class CampaignProvider(SharedRuntimeProvider):
    def client(self) -> AltcraftClient:
        return self.runtime.client()

    def view(self) -> LiveView:
        return self.runtime.view()

    # -- planning: no network ------------------------------------------------------------

    @_removals_written_before_0_17
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(news, [CheckFailure(key, message) for key, message in input_problems(news)])

    @_removals_written_before_0_17
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # The provider decides no call: a change is a plan of this run's review still to be carried
        # out, or a record that must say what the file asks now (no call). Not the live state: that
        # was the review's to judge, and an unrelated change in Altcraft after it must not turn a
        # reviewed `pulumi up --plan` into a violation. (In a refresh, `news` are the last deploy's
        # inputs: their plan, if any, is the one `applied`.)
        changed = [key for key in UPDATE_KEYS if with_default(olds, key) != with_default(news, key)]
        plan = plan_of(news)
        if plan is not None and plan.id != olds.get(APPLIED_KEY):
            changed.append(PLAN_KEY)
        if stored_schedule(olds) != stored_schedule(news):
            changed.append("schedule")
        # The file changed to what Altcraft already is: no call, but the state must record the new
        # desired value, or a later change in the web UI would look like the file's own change.
        if desired_active_of(olds) != news.get("active"):
            changed.append("active")
        replaces = ["campaign_id"] if number(olds.get("campaign_id")) != number(news.get("campaign_id")) else []
        return DiffResult(changes=bool(changed or replaces), replaces=replaces, delete_before_replace=True)

    # -- operations ----------------------------------------------------------------------

    @_removals_written_before_0_17
    def create(self, props: dict[str, Any]) -> CreateResult:
        # Adopt: the campaign must already exist; Altcraft campaigns are never created here.
        desired, plan = desired_of(props), plan_of(props)
        live = self._live(desired.campaign_id, adopting=True)
        after, entry = self._carry_out(desired, plan, live, props.get(BREAK_GLASS_KEY))
        outs = with_ledger(outputs_of(desired, after, plan.id if plan else None), [entry] if entry else [])
        return CreateResult(id_=str(desired.campaign_id), outs=outs)

    @_removals_written_before_0_17
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            live = self.view().get(int(id_))
        except UserFacingError as error:
            if not error.repeated:
                raise self._read_failure(int(id_), props, error) from None
            # Reported once, by the read that met it first, which fails the refresh: the record is
            # left exactly as it was, and an outage is one error, not one per campaign.
            return ReadResult(id_=id_, outs=props)
        # The outputs keep what the file asked for at the last deploy, which tells drift from a
        # change, and the live state. The inputs are left as the last deploy gave them (no `inputs`
        # here): a reviewed plan compares the program's inputs with them, and a change in Altcraft
        # after the review must not make an unrelated campaign violate it.
        active = desired_active_of(props)
        if active is None:  # a record that does not say for sure: kept as it is, never guessed
            outs = {**props, "state": live.state}
        else:
            desired = desired_of({**props, "campaign_id": live.id, "active": active})
            outs = outputs_of(desired, live, props.get(APPLIED_KEY))
        ledger = ledger_of(props)
        recorded = props.get("state")
        if isinstance(recorded, str) and recorded != live.state:  # changed in Altcraft since the last record
            ledger = [ledger_entry(clock.machine_now(), [], SEEN, recorded, live.state, live), *ledger]
        return ReadResult(id_=id_, outs=with_ledger(outs, ledger))

    def _read_failure(self, campaign_id: int, props: dict[str, Any], error: UserFacingError) -> UserFacingError:
        if isinstance(error, NotFound):
            # Not dropped from the state: "not found" is also what a token that lost access to the
            # campaign's group for a moment hears, and a dropped record would come back as new and
            # be activated, undoing an emergency stop kept with `drift: keep`.
            return CampaignError(_not_found_on_read(campaign_id, props))
        if isinstance(error, BadToken | NoRights | TransportError | Refused | ListingFailed):
            return type(error)(f"{error}{saved_settings.HINT}")
        return error

    @_removals_written_before_0_17
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        desired = desired_of(news)
        plan = plan_of(news)
        if plan is not None and plan.id == olds.get(APPLIED_KEY):
            plan = None  # carried out already (the diff saw another change)
        live = self._live(desired.campaign_id, adopting=False)
        after, entry = self._carry_out(desired, plan, live, news.get(BREAK_GLASS_KEY))
        outs = outputs_of(desired, after, plan.id if plan else olds.get(APPLIED_KEY))
        return UpdateResult(outs=with_ledger(outs, [*([entry] if entry else []), *ledger_of(olds)]))

    @_removals_written_before_0_17
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        # Sends nothing, ever: a release is a call, and calls are only what a review listed. The
        # removal record released the campaign earlier in this run (docs/guard-rails.md); a deletion
        # without one (`pulumi destroy`, an `up --target` of this resource alone, a record whose
        # release failed) refuses to forget a campaign its entry says to stop, so that no campaign
        # is left running unmanaged: the resource stays, and the next run releases it.
        on_remove = props.get("on_remove") or DEFAULT_ON_REMOVE
        if on_remove == "retain":
            return
        live = self.view().find(int(id_))
        if live is not None and plan_removal(on_remove, live, scheduled=bool(stored_schedule(props))) is not None:
            raise CampaignError(_unreleased(live))

    # -- helpers -------------------------------------------------------------------------

    def _live(self, campaign_id: int, adopting: bool) -> LiveCampaign:
        live = self.view().find(campaign_id)
        if live is None:
            hint = "check the id in the campaigns file" if adopting else "it was removed from Altcraft"
            raise CampaignError(f"campaign {campaign_id} does not exist in Altcraft ({hint})")
        return live

    def _carry_out(
        self, desired: Desired, plan: CampaignPlan | None, live: LiveCampaign, break_glass: str | None
    ) -> tuple[LiveCampaign, str | None]:
        """The campaign after the calls of this run's plan, and the ledger entry for them (None: no
        call); `break_glass`: the reason this run gave to pass a freeze, kept with the calls it let through."""
        if plan is None:
            return live, None
        check_name(desired, live)  # compare-and-set on the name too: an id typo is never written
        check_reachable(plan.target, live)
        sent_at = clock.machine_now()
        after = self.runtime.send_plan(plan, live, desired.schedule)
        return after, ledger_entry(sent_at, list(plan.calls), plan.cause, live.state, after.state, live, break_glass)


def _unreleased(live: LiveCampaign) -> str:
    return (
        f"{describe(live)} is {live.state} in Altcraft and its entry says on_remove: deactivate, but no reviewed "
        "release of this run stopped it, so its record is kept (nothing was sent: a deletion sends no call). "
        "To release it, remove its entry from the campaigns file and deploy: the removal record sends the "
        "reviewed deactivate. To let it run on unmanaged, set on_remove: retain and deploy first. "
        "`pulumi destroy` sends no call either (docs/guard-rails.md)."
    )


def _not_found_on_read(campaign_id: int, props: dict[str, Any]) -> str:
    last_seen = name_of(props)
    seen = f" (last seen as {last_seen!r}, {props.get('state')})" if isinstance(last_seen, str) else ""
    return (
        f"campaign {campaign_id}{seen} was not found in Altcraft; its record is kept as it was. "
        "Altcraft answers so for a campaign it deleted for good and for one the token cannot see (a lost group "
        "access, another account's token): check the token's access first. If the campaign is gone for good, "
        "remove its entry from the campaigns file and its record with `pulumi state delete <urn>` "
        "(`pulumi stack --show-urns` lists the URNs)."
    )


# Pickled by this address whatever the module it is defined in: see provider/resource.py.
CampaignProvider.__module__ = "provider.resource"


class CampaignResource(Resource, module=MODULE, name=TYPE_NAME):
    """One Altcraft campaign's on/off state; type `provider.planning.record.CAMPAIGN_TYPE`."""

    campaign_id: pulumi.Output[int]
    active: pulumi.Output[bool]  # what the file asks for
    state: pulumi.Output[str]  # the live state

    def __init__(
        self,
        desired: Desired,
        plan: CampaignPlan | None = None,
        break_glass: str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        workarounds.before_registering()
        # Outputs exist as attributes only for keys declared here.
        props: dict[str, Any] = {**inputs_of(desired), **dict.fromkeys(OUTPUT_ATTRIBUTES)}
        if plan is not None:  # only on the campaigns this run's review planned calls for
            props[PLAN_KEY] = plan.to_input()
        if break_glass is not None:  # only on the campaigns whose calls pass a freeze
            props[BREAK_GLASS_KEY] = break_glass
        if desired.protect:  # Pulumi's own protect: removing the entry or `pulumi destroy` fails
            opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=True))
        super().__init__(CampaignProvider(), resource_name(desired.campaign_id), props, opts)
