"""The Pulumi lifecycle of one Altcraft campaign: check, diff, create (adopt), read, update, delete.

The provider pickles to an empty state (no URL, token, session or lock) and is pickled by
reference, as `provider.resource.CampaignProvider` (see that module: the address is part of every
stack's state). It finds Altcraft in `configure()`, which the provider process calls once with the
stack config before the first operation. Knows nothing of HTTP: it talks to `AltcraftClient`.

It decides no call. It carries out the plan this run's review gave the resource
(`provider.planning.plan`), exactly, and only while Altcraft still shows the state the review saw
(compare-and-set against the provider's one listing, made after the review); anything else is
refused and reported, not sent. It reads and writes its record with `provider.planning.record`.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)

from provider.altcraft import clock
from provider.altcraft.client import AltcraftClient
from provider.altcraft.live_view import LiveView
from provider.altcraft.model import LiveCampaign, WriteRequest, write_request
from provider.campaigns.options import DEFAULT_ON_REMOVE
from provider.campaigns.schedule import Schedule
from provider.engine import removal_record, saved_settings, workarounds
from provider.engine.removal_record import Released
from provider.errors import (
    AltcraftError,
    BadToken,
    CampaignError,
    ListingFailed,
    NoRights,
    NotFound,
    Refused,
    SettingsError,
    TransportError,
    UserFacingError,
)
from provider.planning.lines import Edit
from provider.planning.plan import PLAN_KEY, CampaignPlan, PlanMismatch, plan_of
from provider.planning.reconcile import Desired, Steps, check_name, check_reachable, describe, plan_removal
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
from provider.planning.removals import REMOVAL_TYPE_NAME, Removal, is_removal, removal_name
from provider.planning.write_budget import WriteBudget
from provider.settings import MAX_CHANGES, Settings, max_changes

# Every campaign of a refresh meets an unusable URL or token: the first says why, the rest point to it.
UNUSABLE_SETTINGS_AGAIN = "not read: the Altcraft settings are unusable (see the error that says why)"


class CampaignProvider(ResourceProvider):
    # Nothing secret is pickled, so the serialized provider need not be encrypted in state.
    serialize_as_secret_always = False

    def __init__(self) -> None:
        super().__init__()
        self._init_runtime()

    def _init_runtime(self) -> None:
        workarounds.install_in_provider()
        self._lock = threading.Lock()
        self._settings: Settings | None = None
        self._settings_error: SettingsError | None = None
        self._client: AltcraftClient | None = None
        self._view: LiveView | None = None
        # Counts every call this process sends: the change limit holds where the program never ran.
        self._budget = WriteBudget(MAX_CHANGES.default, f"{MAX_CHANGES.key} (default)")

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._init_runtime()

    def configure(self, req: ConfigureRequest) -> None:
        try:
            self._settings = Settings.from_sources(req.config.get, os.environ)
            self._budget = WriteBudget(*max_changes(req.config.get, os.environ))
        except SettingsError as error:  # said once, by the first call that needs Altcraft
            self._settings_error = error

    def client(self) -> AltcraftClient:
        # Up to four engine threads call in at once; build the client once.
        with self._lock:
            if self._settings_error is not None:
                # A fresh exception per call: threads must not share (and re-traceback) one instance.
                again = SettingsError(UNUSABLE_SETTINGS_AGAIN)
                again.repeated = True
                error, self._settings_error = self._settings_error, again
                raise error
            if self._client is None:
                settings = self._settings or Settings.from_sources(lambda _key: None, os.environ)
                self._client = settings.client()
                self._view = LiveView(self._client)
            return self._client

    def view(self) -> LiveView:
        """Reads go through the process-wide live view (one list walk, not a get per campaign)."""
        self.client()
        assert self._view is not None
        return self._view

    # -- planning: no network ------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        if is_removal(news):
            return removal_record.check(news)
        return CheckResult(news, [CheckFailure(key, message) for key, message in input_problems(news)])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        if is_removal(news):
            return removal_record.diff(olds, news)
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

    def create(self, props: dict[str, Any]) -> CreateResult:
        if is_removal(props):
            return removal_record.create(self._release, props)
        # Adopt: the campaign must already exist; Altcraft campaigns are never created here.
        desired = desired_of(props)
        live = self._live(desired.campaign_id, adopting=True)
        after, entry = self._carry_out(desired, plan_of(props), live, props.get(BREAK_GLASS_KEY))
        outs = with_ledger(self._recorded(desired, after, plan_of(props), {}), [entry] if entry else [])
        return CreateResult(id_=str(desired.campaign_id), outs=outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        if is_removal(props):
            return removal_record.read(id_, props)
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
            outs = {**outputs_of(desired, live), **_kept(props)}
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

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        if is_removal(news):
            return removal_record.update(self._release, olds, news)
        desired = desired_of(news)
        plan = plan_of(news)
        if plan is not None and plan.id == olds.get(APPLIED_KEY):
            plan = None  # carried out already (the diff saw another change)
        live = self._live(desired.campaign_id, adopting=False)
        after, entry = self._carry_out(desired, plan, live, news.get(BREAK_GLASS_KEY))
        outs = self._recorded(desired, after, plan, olds)
        return UpdateResult(outs=with_ledger(outs, [*([entry] if entry else []), *ledger_of(olds)]))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        # Sends nothing, ever: a release is a call, and calls are only what a review listed. The
        # removal record released the campaign earlier in this run (docs/guard-rails.md); a deletion
        # without one (`pulumi destroy`, an `up --target` of this resource alone, a record whose
        # release failed) refuses to forget a campaign its entry says to stop, so that no campaign
        # is left running unmanaged: the resource stays, and the next run releases it.
        if is_removal(props):
            return  # the record leaves the stack; what it recorded was sent long ago
        on_remove = props.get("on_remove") or DEFAULT_ON_REMOVE
        if on_remove == "retain":
            return
        try:
            live = self.view().get(int(id_))
        except NotFound:
            return
        if plan_removal(on_remove, live, scheduled=bool(stored_schedule(props))) is not None:
            raise CampaignError(_unreleased(live))

    # -- helpers -------------------------------------------------------------------------

    def _release(self, campaign_id: int, on_remove: str, plan: CampaignPlan | None) -> Released | None:
        """Carries out a removal record's plan (the review's release). None when Altcraft is not
        asked: `retain` leaves the campaign exactly as it is, and a campaign deleted in Altcraft has
        nothing to release."""
        if on_remove == "retain":
            return None
        try:
            live = self.view().get(campaign_id)
        except NotFound:
            return None
        if plan is None:
            return Released(live, live, [])
        live = self._still_as_reviewed(live, plan)
        return Released(live, self._apply(self._steps(live, plan, Schedule()), live), list(plan.calls))

    def _live(self, campaign_id: int, adopting: bool) -> LiveCampaign:
        try:
            return self.view().get(campaign_id)
        except NotFound:
            hint = "check the id in the campaigns file" if adopting else "it was removed from Altcraft"
            raise CampaignError(f"campaign {campaign_id} does not exist in Altcraft ({hint})") from None

    def _carry_out(
        self, desired: Desired, plan: CampaignPlan | None, live: LiveCampaign, break_glass: str | None
    ) -> tuple[LiveCampaign, str | None]:
        """The campaign after the calls of this run's plan, and the ledger entry for them (None: no
        call); `break_glass`: the reason this run gave to pass a freeze, kept with the calls it let through."""
        if plan is None:
            return live, None
        live = self._still_as_reviewed(live, plan)
        check_name(desired, live)
        check_reachable(plan.target, live)
        steps = self._steps(live, plan, desired.schedule)
        sent_at = clock.machine_now()
        after = self._apply(steps, live)
        return after, ledger_entry(sent_at, list(plan.calls), plan.cause, live.state, after.state, live, break_glass)

    @staticmethod
    def _still_as_reviewed(live: LiveCampaign, plan: CampaignPlan) -> LiveCampaign:
        """Compare-and-set: the calls go only while this process's reading of Altcraft shows the
        state the review saw (docs/guard-rails.md says which reading that is on each command)."""
        if live.state != plan.start:
            raise CampaignError(_changed_since_review(live, plan))
        return live

    @staticmethod
    def _steps(live: LiveCampaign, plan: CampaignPlan, schedule: Schedule) -> Steps:
        try:
            return plan.steps(schedule)
        except PlanMismatch as error:
            raise CampaignError(f"{describe(live)}: {error}. Nothing was sent; preview again.") from None

    def _recorded(
        self, desired: Desired, live: LiveCampaign, plan: CampaignPlan | None, olds: dict[str, Any]
    ) -> dict[str, Any]:
        """The outputs: what the file asks, the live campaign, and the last plan carried out."""
        applied = plan.id if plan is not None else olds.get(APPLIED_KEY)
        return {**outputs_of(desired, live), **({APPLIED_KEY: applied} if isinstance(applied, str) else {})}

    def _apply(self, steps: Steps, live: LiveCampaign) -> LiveCampaign:
        client = self.client()
        # Every request is built before the first is sent: a sequence never stops halfway on its own data.
        requests = [write_request(call.method, live.id, call.schedule, call.settled) for call in steps.calls]
        self._budget.reserve(len(requests), describe(live), ", then ".join(request.method for request in requests))
        for done, request in enumerate(requests):
            try:
                client.send(request)
            except AltcraftError as error:
                if len(requests) == 1:
                    raise  # its own message says it all: nothing else was sent or left unsent
                raise CampaignError(_halfway(live, requests, done, error, client.status_for_report(live.id))) from None
        state = client.get_status(live.id)
        now = LiveCampaign(id=live.id, name=live.name, state=state)
        self.view().record(now)
        if state not in steps.accepted:
            sent = ", then ".join(call.method for call in steps.calls)
            raise CampaignError(f"{describe(live)}: Altcraft accepted {sent} but the campaign is now {state!r}")
        return now


def _kept(props: dict[str, Any]) -> dict[str, Any]:
    """What a refresh carries over from the last deploy's outputs besides the file's ask."""
    return {APPLIED_KEY: props[APPLIED_KEY]} if isinstance(props.get(APPLIED_KEY), str) else {}


def _changed_since_review(live: LiveCampaign, plan: CampaignPlan) -> str:
    edit = Edit.of(live).text()
    return (
        f"{describe(live)} was {plan.start} when this run's review planned {', '.join(plan.calls)}, and is "
        f"{live.state} now ({edit}): not sent. A campaign that changed in Altcraft since the review is not "
        "written; the next preview reviews it as it is now."
    )


def _unreleased(live: LiveCampaign) -> str:
    return (
        f"{describe(live)} is {live.state} in Altcraft and its entry says on_remove: deactivate, but no reviewed "
        "release of this run stopped it, so its record is kept (nothing was sent: a deletion sends no call). "
        "To release it, remove its entry from the campaigns file and deploy: the removal record sends the "
        "reviewed deactivate. To let it run on unmanaged, set on_remove: retain and deploy first. "
        "`pulumi destroy` sends no call either (docs/guard-rails.md)."
    )


def _halfway(live: LiveCampaign, requests: list[WriteRequest], done: int, error: Exception, state: str | None) -> str:
    """What a sequence that failed at call `done` sent, did not send, and left the campaign in."""
    sent = ", then ".join(request.method for request in requests[:done]) or "nothing before it"
    not_sent = ", then ".join(request.method for request in requests[done + 1 :]) or "nothing after it"
    now = f"it is {state} now" if state else "its state could not be read"
    return (
        f"{describe(live)}: {requests[done].method} failed ({error}). Sent and answered: {sent}; not sent: "
        f"{not_sent}; {now}. The next preview shows the campaign as Altcraft has it; `pulumi up` finishes the change."
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


class RemovalResource(Resource, module=MODULE, name=REMOVAL_TYPE_NAME):
    """A campaign that left the file: its release and its ledger (`provider.planning.removals`)."""

    def __init__(self, removal: Removal, opts: pulumi.ResourceOptions | None = None) -> None:
        workarounds.before_registering()
        # The same provider as the campaigns': one live view and one change limit per run.
        super().__init__(CampaignProvider(), removal_name(removal.campaign_id), removal.inputs(), opts)
