"""What every provider of one provider process shares, and the one way a plan's calls are sent.

A provider process serves two resource types, campaigns (`engine.campaign_provider`) and removal
records (`engine.removal_record`), each with its own provider. They must share one live view of
Altcraft (one listing per process, updated by every write) and one change budget (the limit counts
every call of the process): a `Runtime` per configuration, which both providers join in their
`configure()`. The engine configures every provider of a process with the same stack config, so
they find the same runtime; it is never pickled.

`Runtime.send_plan` is the only code that writes to Altcraft: compare-and-set against the
runtime's reading, the exact requests the plan names, each sequence reserved whole against the
budget, the state confirmed after.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

from provider.altcraft.client import AltcraftClient
from provider.altcraft.live_view import LiveView
from provider.altcraft.model import LiveCampaign, WriteRequest, write_request
from provider.campaigns.schedule import Schedule
from provider.errors import AltcraftError, CampaignError, SettingsError
from provider.planning.lines import Edit
from provider.planning.plan import CampaignPlan, PlanMismatch
from provider.planning.reconcile import describe
from provider.planning.write_budget import WriteBudget
from provider.settings import ALL, MAX_CHANGES, Settings, max_changes

# Every campaign of a refresh meets an unusable URL or token: the first says why, the rest point to it.
UNUSABLE_SETTINGS_AGAIN = "not read: the Altcraft settings are unusable (see the error that says why)"


class Runtime:
    def __init__(self, config_get: Callable[[str], str | None] | None = None) -> None:
        self._lock = threading.Lock()
        self._settings: Settings | None = None
        self._settings_error: SettingsError | None = None
        self._client: AltcraftClient | None = None
        self._view: LiveView | None = None
        # Counts every call this process sends: the change limit holds where the program never ran.
        self.budget = WriteBudget(MAX_CHANGES.default, f"{MAX_CHANGES.key} (default)")
        if config_get is not None:
            try:
                self._settings = Settings.from_sources(config_get, os.environ)
                self.budget = WriteBudget(*max_changes(config_get, os.environ))
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

    def send_plan(self, plan: CampaignPlan, live: LiveCampaign, schedule: Schedule) -> LiveCampaign:
        """Carries out `plan` for `live` (the campaign as this process read it): only while that
        reading shows the state the review saw, exactly the requests the plan names (with the
        entry's dates, `schedule`), and the campaign as Altcraft then has it."""
        if live.state != plan.start:
            raise CampaignError(_changed_since_review(live, plan))
        try:
            steps = plan.steps(schedule)
        except PlanMismatch as error:
            raise CampaignError(f"{describe(live)}: {error}. Nothing was sent; preview again.") from None
        client = self.client()
        # Every request is built before the first is sent: a sequence never stops halfway on its own data.
        requests = [write_request(call.method, live.id, call.schedule, call.settled) for call in steps.calls]
        self.budget.reserve(len(requests), describe(live), ", then ".join(request.method for request in requests))
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


_SHARED: dict[tuple[str | None, ...], Runtime] = {}
_SHARED_LOCK = threading.Lock()


def shared(config_get: Callable[[str], str | None]) -> Runtime:
    """The process's runtime for this stack config (every provider the engine configures alike
    shares it: the values of every setting, `provider.settings.ALL`, are the same); a new one for
    values not seen before."""
    key = tuple(config_get(setting.key) for setting in ALL if setting.key)
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = Runtime(config_get)
        return _SHARED[key]


def forget_all() -> None:
    """A new provider process, as far as runtimes go (tests that stand in for one)."""
    with _SHARED_LOCK:
        _SHARED.clear()


def _changed_since_review(live: LiveCampaign, plan: CampaignPlan) -> str:
    edit = Edit.of(live).text()
    return (
        f"{describe(live)} was {plan.start} when this run's review planned {', '.join(plan.calls)}, and is "
        f"{live.state} now ({edit}): not sent. A campaign that changed in Altcraft since the review is not "
        "written; the next preview reviews it as it is now."
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
