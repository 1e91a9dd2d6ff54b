"""The Pulumi lifecycle of one Altcraft campaign: check, diff, create (adopt), read, update, delete.

The provider is pickled by reference (this module is importable from the project directory) and
pickles to an empty state: no URL, token, session or lock. It finds Altcraft in `configure()`,
which the provider process calls once with the stack config before the first operation.
Knows nothing of HTTP: it talks to `AltcraftClient` and decides with `provider.reconcile`.
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

from provider import error_display, state_size
from provider.client import (
    AltcraftClient,
    AltcraftError,
    BadToken,
    NoRights,
    NotFound,
    Refused,
    TransportError,
    WriteRequest,
    write_request,
)
from provider.client import Campaign as LiveCampaign
from provider.deployment import desired_active_of, intent_of
from provider.errors import UserFacingError
from provider.live_view import ListingFailed, LiveView
from provider.pickle_guard import restore_pickler
from provider.reconcile import (
    DEFAULT_DRIFT,
    DEFAULT_ON_REMOVE,
    CampaignError,
    Desired,
    Intent,
    Steps,
    default_target,
    describe,
    plan,
    plan_removal,
    satisfies,
)
from provider.schedule import KEYS as TIME_KEYS
from provider.schedule import TARGETS, Schedule, TimeError
from provider.settings import MAX_CHANGES, TOKEN_KEY, URL_KEY, Settings, SettingsError, max_changes
from provider.write_budget import WriteBudget

error_display.install()
state_size.install()

ON_REMOVE_CHOICES = ("retain", "deactivate")
DRIFT_CHOICES = ("revert", "keep")
# Settings whose change is an in-place update (with `active`, the window, and a live state that
# misses this run's target); a different campaign id is a different campaign.
UPDATE_KEYS = ("expected_name", "on_remove", "drift", "protect", "completed", "scheduled_in_altcraft")
# The live state as the program read it, given only when the refresh used stale settings.
OBSERVED_KEY = "observed_state"
# Inputs left out of the state when they hold their default (every key costs bytes per campaign).
INPUT_DEFAULTS = {
    "on_remove": DEFAULT_ON_REMOVE,
    "drift": DEFAULT_DRIFT,
    "protect": False,
    "completed": False,
    "scheduled_in_altcraft": False,
}


# Every campaign of a refresh meets an unusable URL or token: the first says why, the rest point to it.
UNUSABLE_SETTINGS_AGAIN = "not read: the Altcraft settings are unusable (see the error that says why)"


class CampaignProvider(ResourceProvider):
    # Nothing secret is pickled, so the serialized provider need not be encrypted in state.
    serialize_as_secret_always = False

    def __init__(self) -> None:
        super().__init__()
        self._init_runtime()

    def _init_runtime(self) -> None:
        self._lock = threading.Lock()
        self._settings: Settings | None = None
        self._settings_error: SettingsError | None = None
        self._client: AltcraftClient | None = None
        self._view: LiveView | None = None
        # Counts every call this process sends: the change limit holds where the program never ran.
        self._budget = WriteBudget(MAX_CHANGES[2], f"{MAX_CHANGES[0]} (default)")

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
        failures = []
        campaign_id = news.get("campaign_id")
        if not isinstance(campaign_id, int | float) or campaign_id != int(campaign_id) or campaign_id < 1:
            failures.append(CheckFailure("campaign_id", f"must be a positive whole number, got {campaign_id!r}"))
        if not isinstance(news.get("active"), bool):
            failures.append(CheckFailure("active", f"must be true or false, got {news.get('active')!r}"))
        if news.get("on_remove", DEFAULT_ON_REMOVE) not in ON_REMOVE_CHOICES:
            failures.append(CheckFailure("on_remove", f"must be one of {', '.join(ON_REMOVE_CHOICES)}"))
        if not isinstance(news.get("protect", False), bool):
            failures.append(CheckFailure("protect", "must be true or false"))
        if news.get("drift", DEFAULT_DRIFT) not in DRIFT_CHOICES:
            failures.append(CheckFailure("drift", f"must be one of {', '.join(DRIFT_CHOICES)}"))
        expected_name = news.get("expected_name")
        if expected_name is not None and not isinstance(expected_name, str):
            failures.append(CheckFailure("expected_name", "must be a string"))
        for key in ("completed", "scheduled_in_altcraft"):
            if not isinstance(news.get(key, False), bool):
                failures.append(CheckFailure(key, "must be true or false"))
        if news.get("target", "active") not in TARGETS:
            failures.append(CheckFailure("target", f"must be one of {', '.join(TARGETS)}"))
        for key in TIME_KEYS:
            try:
                Schedule.from_text({key: news.get(key)})
            except TimeError as error:
                failures.append(CheckFailure(key, str(error)))
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # olds are the last outputs: `state` there is the live state as last seen (or refreshed),
        # unless the program saw it itself because the refresh used settings changed since.
        changed = [key for key in UPDATE_KEYS if _with_default(olds, key) != _with_default(news, key)]
        live_state = news.get(OBSERVED_KEY) or olds.get("state")
        if not satisfies(str(live_state), _desired(news).wanted):
            changed.append("active")  # drift, a file change, or a window that opened or closed
        if _schedule(olds) != _schedule(news):
            changed.append("schedule")  # new dates need a new activation; another offset does not
        # The file changed to what Altcraft already is: no call, but the state must record the new
        # desired value, or a later change in the web UI would look like the file's own change.
        if desired_active_of(olds) != news.get("active"):
            changed.append("desired_active")
        replaces = ["campaign_id"] if _int(olds.get("campaign_id")) != _int(news.get("campaign_id")) else []
        return DiffResult(changes=bool(changed or replaces), replaces=replaces, delete_before_replace=True)

    # -- operations ----------------------------------------------------------------------

    def create(self, props: dict[str, Any]) -> CreateResult:
        # Adopt: the campaign must already exist; Altcraft campaigns are never created here.
        desired = _desired(props)
        live = self._converge(desired, self._live(desired.campaign_id, adopting=True), deployed=None)
        return CreateResult(id_=str(desired.campaign_id), outs=_outputs(desired, live))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            live = self.view().get(int(id_))
        except UserFacingError as error:
            if not error.repeated:
                raise self._read_failure(int(id_), props, error) from None
            # Reported once, by the read that met it first, which fails the refresh: the record is
            # left exactly as it was, and an outage is one error, not one per campaign.
            return ReadResult(id_=id_, outs=props)
        # Inputs as Altcraft has them now, so that drift shows as a diff against the program; the
        # outputs keep what the file asked for at the last deploy, which tells drift from change.
        as_live = _desired({**props, "campaign_id": live.id, "active": live.active})
        outs = {**_outputs(as_live, live), "desired_active": desired_active_of(props)}
        return ReadResult(id_=id_, outs=outs, inputs=_inputs(as_live))

    def _read_failure(self, campaign_id: int, props: dict[str, Any], error: UserFacingError) -> UserFacingError:
        if isinstance(error, NotFound):
            # Not dropped from the state: "not found" is also what a token that lost access to the
            # campaign's group for a moment hears, and a dropped record would come back as new and
            # be activated, undoing an emergency stop kept with `drift: keep`.
            return CampaignError(_not_found_on_read(campaign_id, props))
        if isinstance(error, BadToken | NoRights | TransportError | Refused | ListingFailed):
            return type(error)(f"{error}{self._saved_settings_hint()}")
        return error

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        desired = _desired(news)
        live = self._converge(desired, self._live(desired.campaign_id, adopting=False), intent_of(olds))
        return UpdateResult(outs=_outputs(desired, live))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        on_remove = props.get("on_remove") or DEFAULT_ON_REMOVE
        if on_remove == "retain":
            return  # leave the campaign exactly as it is, without asking Altcraft anything
        try:
            live = self.view().get(int(id_))
        except NotFound:
            return
        steps = plan_removal(on_remove, live, scheduled=bool(_schedule(props)))
        if steps is not None:
            self._apply(steps, live)

    # -- helpers -------------------------------------------------------------------------

    @staticmethod
    def _saved_settings_hint() -> str:
        """For a refresh that cannot reach Altcraft: Pulumi refreshes (without --run-program) with
        the config saved at the last `pulumi up`, so a rotated token or a moved URL is not used yet."""
        return (
            f"\nA refresh before the program uses {URL_KEY} and {TOKEN_KEY} as saved at the last `pulumi up`. "
            "If you changed either since, run the program first once: `PULUMI_RUN_PROGRAM=true pulumi up` "
            "(or `pulumi up --run-program`), which also saves the new values."
        )

    def _live(self, campaign_id: int, adopting: bool) -> LiveCampaign:
        try:
            return self.view().get(campaign_id)
        except NotFound:
            hint = "check the id in the campaigns file" if adopting else "it was removed from Altcraft"
            raise CampaignError(f"campaign {campaign_id} does not exist in Altcraft ({hint})") from None

    def _converge(self, desired: Desired, live: LiveCampaign, deployed: Intent | None) -> LiveCampaign:
        steps = plan(desired, live, deployed)
        return live if steps is None else self._apply(steps, live)

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
    last_seen = props.get("name")
    seen = f" (last seen as {last_seen!r}, {props.get('state')})" if isinstance(last_seen, str) else ""
    return (
        f"campaign {campaign_id}{seen} was not found in Altcraft; its record is kept as it was. "
        "Altcraft answers so for a campaign it deleted for good and for one the token cannot see (a lost group "
        "access, another account's token): check the token's access first. If the campaign is gone for good, "
        "remove its entry from the campaigns file and its record with `pulumi state delete <urn>` "
        "(`pulumi stack --show-urns` lists the URNs)."
    )


def _with_default(props: dict[str, Any], key: str) -> Any:
    return props.get(key, INPUT_DEFAULTS.get(key))


def _int(value: Any) -> int | None:
    # Numbers cross the gRPC boundary as floats.
    return int(value) if isinstance(value, int | float) else None


def _schedule(props: dict[str, Any]) -> Schedule:
    try:
        return Schedule.from_text(props)
    except TimeError:  # check() refuses these in inputs; an old state's odd value means no dates
        return Schedule()


def _desired(props: dict[str, Any]) -> Desired:
    target = props.get("target")
    return Desired(
        campaign_id=int(props["campaign_id"]),
        active=bool(props.get("active")),
        expected_name=props.get("expected_name"),
        on_remove=props.get("on_remove") or DEFAULT_ON_REMOVE,
        drift=props.get("drift") or DEFAULT_DRIFT,
        protect=bool(props.get("protect", False)),
        schedule=_schedule(props),
        completed=props.get("completed") is True,
        scheduled_in_altcraft=props.get("scheduled_in_altcraft") is True,
        target=target if target in TARGETS else None,  # the program reads the window, with Altcraft's clock
    )


def _inputs(desired: Desired) -> dict[str, Any]:
    # Defaults are left out: every key costs a few lines per campaign in the state.
    inputs: dict[str, Any] = {"campaign_id": desired.campaign_id, "active": desired.active}
    if desired.on_remove != DEFAULT_ON_REMOVE:
        inputs["on_remove"] = desired.on_remove
    if desired.drift != DEFAULT_DRIFT:
        inputs["drift"] = desired.drift
    if desired.protect:
        inputs["protect"] = True
    if desired.expected_name is not None:
        inputs["expected_name"] = desired.expected_name
    inputs.update(desired.schedule.as_text())
    if desired.completed:
        inputs["completed"] = True
    if desired.scheduled_in_altcraft:
        inputs["scheduled_in_altcraft"] = True
    if desired.target != default_target(desired.active, desired.completed, desired.scheduled_in_altcraft):
        inputs["target"] = desired.target
    return inputs


def _outputs(desired: Desired, live: LiveCampaign) -> dict[str, Any]:
    # `active` is the live state; `desired_active` what the file asked for (provider.deployment reads it).
    outs = {**_inputs(desired), "active": live.active, "state": live.state, "name": live.name}
    return {**outs, "desired_active": desired.active}


class Campaign(Resource, module="altcraft", name="Campaign"):
    """One Altcraft campaign's on/off state; type pulumi-python:dynamic/altcraft:Campaign."""

    campaign_id: pulumi.Output[int]
    active: pulumi.Output[bool]
    state: pulumi.Output[str]
    name: pulumi.Output[str]

    def __init__(
        self, desired: Desired, observed_state: str | None = None, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        restore_pickler()
        # Outputs exist as attributes only for keys declared here, hence state and name.
        props: dict[str, Any] = {**_inputs(desired), "state": None, "name": None}
        if observed_state is not None:  # only when the refresh's reading cannot be trusted
            props[OBSERVED_KEY] = observed_state
        if desired.protect:  # Pulumi's own protect: removing the entry or `pulumi destroy` fails
            opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=True))
        super().__init__(CampaignProvider(), f"campaign-{desired.campaign_id}", props, opts)
