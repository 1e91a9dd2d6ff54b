"""The campaign resource's record: the one place its fields are written and read back. No I/O.

Every campaign is one Pulumi resource of type `CAMPAIGN_TYPE` named `resource_name(id)`. What
the program gives it (its inputs) and what the provider records (its outputs) are built here and
read back here, by the provider (diff, read, update), the program (the last deployment), the
pull-request summary and the benchmark. The policy pack runs in its own process and keeps its
own copy of the type token (a test checks they agree).

Inputs (from the campaigns file; a key is left out when it holds its default, `INPUT_DEFAULTS`:
every key costs bytes per campaign in a state the file backend rewrites after every step):

    campaign_id            Altcraft's id (a number; it crosses gRPC as a float)
    active                 what the file asks: true, or false (also for completed/scheduled entries)
    expected_name          the name guard, if the entry has one
    on_remove, drift       the entry's options (provider.campaigns.options), if not the default
    protect                true if the entry is protected
    active_from, active_until, complete_at   the entry's dates, RFC 3339 as the file wrote them
    completed              true: the campaign must end up completed
    scheduled_in_altcraft  true: `active: scheduled`
    target                 this run's target, when the window makes it differ from the timeless one
    plan                   the calls this run's review decided, only on campaigns that have calls
                           (`provider.planning.plan`); the provider sends exactly those
    break_glass            the reason this run passes a freeze, only on the campaigns whose calls it
                           lets through (provider.planning.freezes); kept in the ledger entry, not
                           in the outputs

Outputs: the inputs of the last deploy (`active` is what the file asked for then, which tells
drift from a change; a refresh keeps it), plus

    state                  the live state after the last deploy or refresh
    applied                the id of the last plan carried out (absent until the first): a plan
                           with another id is still to be carried out
    name                   the live name, when it is not the `expected_name` already recorded
    changes                the ledger, newest first (`LedgerEntry`): one entry per deploy that sent
                           calls for this campaign, and one per refresh that found it changed in
                           Altcraft by someone else ("seen"); at most LEDGER_SIZE of each kind, so
                           a refresh never pushes a deploy out; absent until the first

A campaign whose entry leaves the file is released by a second resource, its removal record
(`provider.planning.removals`), which keeps the campaign's deploys once this resource is gone.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from provider.altcraft.model import LiveCampaign
from provider.campaigns.options import DEFAULT_DRIFT, DEFAULT_ON_REMOVE, DRIFT_CHOICES, ON_REMOVE_CHOICES
from provider.campaigns.schedule import KEYS as TIME_KEYS
from provider.campaigns.schedule import TARGETS, Schedule, TimeError, format_time, timeless_target
from provider.planning.lines import EDIT_PATTERN, Edit
from provider.planning.plan import PLAN_KEY, plan_of
from provider.planning.reconcile import CAUSES, Desired, Intent

# The resource type: module and name as the dynamic Resource class declares them, and the token
# the engine builds from them (what a checkpoint, a preview and a policy pack see).
MODULE, TYPE_NAME = "altcraft", "Campaign"
CAMPAIGN_TYPE = f"pulumi-python:dynamic/{MODULE}:{TYPE_NAME}"
_NAME_PREFIX = "campaign-"

# Inputs left out of the state when they hold their default.
INPUT_DEFAULTS: dict[str, Any] = {
    "on_remove": DEFAULT_ON_REMOVE,
    "drift": DEFAULT_DRIFT,
    "protect": False,
    "completed": False,
    "scheduled_in_altcraft": False,
}
# Settings whose change is an in-place update (with `active`, the window, and a live state that
# misses this run's target); a different campaign id is a different campaign.
UPDATE_KEYS = ("expected_name", "on_remove", "drift", "protect", "completed", "scheduled_in_altcraft")
# The id of the last plan the provider carried out for the campaign.
APPLIED_KEY = "applied"
# The reason a run passes a freeze, given only to the campaigns it lets through.
BREAK_GLASS_KEY = "break_glass"
# Output keys that exist as attributes of the resource object (declared before they are known).
OUTPUT_ATTRIBUTES = ("state",)
# The ledger (`altcraft-campaigns history`): the last deploys that sent calls for the campaign, and
# the last changes a refresh saw in Altcraft, LEDGER_SIZE of each. Only a campaign that was changed
# carries it, so an account adopted as it is costs no byte more; which update each entry belongs to
# (its number, commit, author, CI run) is in Pulumi's update history.
LEDGER_KEY, LEDGER_SIZE = "changes", 10
# The cause of an entry a refresh wrote: the only kind written outside `pulumi up`.
SEEN = "seen"


def resource_name(campaign_id: int) -> str:
    """The resource's name, the last part of its URN: `campaign-18`."""
    return f"{_NAME_PREFIX}{campaign_id}"


def campaign_id_of(urn: str) -> int | None:
    """The campaign id in a campaign resource's URN (`...::campaign-18`), None for any other URN."""
    tail = urn.rsplit(f"::{_NAME_PREFIX}", 1)
    return int(tail[1]) if len(tail) == 2 and tail[1].isdigit() else None


def number(value: Any) -> int | None:
    """A recorded whole number (numbers cross the gRPC boundary as floats); None if it is not one."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if math.isfinite(value) and value == int(value) else None


def with_default(props: Mapping[str, Any], key: str) -> Any:
    return props.get(key, INPUT_DEFAULTS.get(key))


def stored_schedule(props: Mapping[str, Any]) -> Schedule:
    """The dates a record holds. The provider's check refuses a bad date in inputs, so one that
    cannot be read comes from an older state: it means no dates (they are sent again)."""
    try:
        return Schedule.from_text(props)
    except TimeError:
        return Schedule()


def desired_of(props: Mapping[str, Any]) -> Desired:
    """The inputs (or a record's outputs) as the campaign's desired state."""
    target = props.get("target")
    return Desired(
        campaign_id=int(props["campaign_id"]),
        active=bool(props.get("active")),
        expected_name=props.get("expected_name"),
        on_remove=props.get("on_remove") or DEFAULT_ON_REMOVE,
        drift=props.get("drift") or DEFAULT_DRIFT,
        protect=bool(props.get("protect", False)),
        schedule=stored_schedule(props),
        completed=props.get("completed") is True,
        scheduled_in_altcraft=props.get("scheduled_in_altcraft") is True,
        target=target if target in TARGETS else None,  # the program reads the window, with Altcraft's clock
    )


def inputs_of(desired: Desired) -> dict[str, Any]:
    """The resource's inputs; defaults left out."""
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
    if desired.target != timeless_target(desired.active, desired.completed, desired.scheduled_in_altcraft):
        inputs["target"] = desired.target
    return inputs


def input_problems(props: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(key, why) for each input that is not what `inputs_of` writes. The program builds inputs
    from a validated file, so this fails only for a resource declared some other way (another
    program, a hand-edited state); it keeps such a value from reaching `desired_of`'s guesses."""
    problems = []
    campaign_id = props.get("campaign_id")
    if not isinstance(campaign_id, int | float) or campaign_id != int(campaign_id) or campaign_id < 1:
        problems.append(("campaign_id", f"must be a positive whole number, got {campaign_id!r}"))
    for key in ("active", "protect", "completed", "scheduled_in_altcraft"):
        if not isinstance(props.get(key, INPUT_DEFAULTS.get(key)), bool):
            problems.append((key, f"must be true or false, got {props.get(key)!r}"))
    for key, choices in (("on_remove", ON_REMOVE_CHOICES), ("drift", DRIFT_CHOICES), ("target", TARGETS)):
        if props.get(key, INPUT_DEFAULTS.get(key, choices[0])) not in choices:
            problems.append((key, f"must be one of {', '.join(choices)}"))
    expected_name = props.get("expected_name")
    if expected_name is not None and not isinstance(expected_name, str):
        problems.append(("expected_name", "must be a string"))
    if PLAN_KEY in props and plan_of(props) is None:
        problems.append((PLAN_KEY, "must be a plan as this version's review writes it (provider.planning.plan)"))
    for key in TIME_KEYS:
        try:
            Schedule.from_text({key: props.get(key)})
        except TimeError as error:
            problems.append((key, str(error)))
    return problems


def outputs_of(desired: Desired, live: LiveCampaign, applied: Any = None) -> dict[str, Any]:
    """The resource's outputs: what the file asked for (`inputs_of`), the campaign as Altcraft has
    it, and the id of the last plan carried out (`applied`, if it is one). Nothing twice: the live
    "is active" is in `state`, a name its guard holds in `expected_name`."""
    outs = {**inputs_of(desired), "state": live.state}
    if live.name != desired.expected_name:
        outs["name"] = live.name
    return {**outs, APPLIED_KEY: applied} if isinstance(applied, str) else outs


def name_of(outputs: Mapping[str, Any]) -> str | None:
    """The live name a record holds (`outputs_of` leaves it out when its guard already says it)."""
    name = outputs["name"] if "name" in outputs else outputs.get("expected_name")
    return name if isinstance(name, str) else None


@dataclass(frozen=True)
class LedgerEntry:
    """One deploy's calls for a campaign, or a change a refresh saw in Altcraft. Stored as data: one
    string of compact JSON, not an object (the state holds up to LEDGER_SIZE of them per campaign,
    and `pulumi stack export` prints an object's every key on a line of its own: 370 bytes as an
    object, about 140 as a string). `altcraft-campaigns history` words it; nothing reads words back:

        {"at":"2026-12-01T09:00:02Z","sent":["activate"],"before":"inactive","after":"active",
         "cause":"drift","edit":{"by":"j.smith","at":"2026-12-01T08:12:31Z"}}   (one string, folded)

    Entries written by 0.16 and earlier are lines of text (`2026-11-30T09:00:04Z activate: inactive
    -> active (change)`), still read (`_LEGACY_LINE`); the next deploy's entries are data.
    """

    at: str  # RFC 3339, UTC, whole seconds: this machine's clock when the calls were sent
    sent: tuple[str, ...]  # the calls in order; none for a change seen in Altcraft (cause "seen")
    before: str | None  # the states around the calls; None where Altcraft was not asked (a removal
    after: str | None  # with `on_remove: retain`, or of a campaign deleted in Altcraft)
    cause: str  # adopt, change, drift, remove: why calls were sent; seen: a refresh found Altcraft changed
    edit: Edit | None = None  # drift and seen: who had changed the campaign in Altcraft, and when
    break_glass: str | None = None  # the reason given to pass a freeze, when these calls needed one

    def text(self) -> str:
        """The entry as the state stores it."""
        document: dict[str, Any] = {"at": self.at, "sent": list(self.sent)}
        if self.before and self.after:
            document.update(before=self.before, after=self.after)
        document["cause"] = self.cause
        if self.edit is not None:
            document["edit"] = {"by": self.edit.by, "at": self.edit.at_text}
        if self.break_glass:
            document["break_glass"] = self.break_glass
        return json.dumps(document, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def parse(cls, text: Any) -> LedgerEntry | None:
        if not isinstance(text, str) or len(text) > MAX_ENTRY_CHARS:
            return None
        if text.startswith("{"):
            return _entry_from_json(text)
        match = _LEGACY_LINE.fullmatch(text)
        if match is None:
            return None
        sent = () if match["sent"] == NO_CALL else tuple(match["sent"].split(", "))
        edit = Edit.from_match(match["by"], match["at"])
        return cls(match["when"], sent, match["before"], match["after"], match["cause"], edit, match["glass"])


NO_CALL = "no call"
MAX_ENTRY_CHARS = 4096
_STATE_WORD = re.compile(r"[a-z]+")
_AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
_ENTRY_KEYS = {"at", "sent", "before", "after", "cause", "edit", "break_glass"}


def _entry_from_json(text: str) -> LedgerEntry | None:
    """An entry as 0.17 and later store it; None for anything else (never half read)."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, dict) or set(document) - {
        "at",
        "sent",
        "before",
        "after",
        "cause",
        "edit",
        "break_glass",
    }:
        return None
    at, sent, cause = document.get("at"), document.get("sent"), document.get("cause")
    before, after = document.get("before"), document.get("after")
    glass, edit = document.get("break_glass"), document.get("edit")
    valid = (
        isinstance(at, str)
        and _AT.fullmatch(at) is not None
        and isinstance(sent, list)
        and all(isinstance(call, str) and _STATE_WORD.fullmatch(call) for call in sent)
        and cause in (*CAUSES, SEEN)
        and all(state is None or (isinstance(state, str) and _STATE_WORD.fullmatch(state)) for state in (before, after))
        and (glass is None or isinstance(glass, str))
        and (edit is None or (isinstance(edit, dict) and set(edit) <= {"by", "at"}))
    )
    if not valid:
        return None
    parsed_edit = None
    if edit is not None:
        by, edited = edit.get("by"), edit.get("at")
        if not (by is None or isinstance(by, str)) or not (
            edited is None or (isinstance(edited, str) and _AT.fullmatch(edited))
        ):
            return None
        moment = datetime.strptime(edited, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) if edited else None
        parsed_edit = Edit(by, moment)
    return LedgerEntry(at, tuple(sent), before, after, cause, parsed_edit, glass)


# How 0.16 and earlier stored an entry: still read, never written.
_LEGACY_LINE = re.compile(
    rf"(?P<when>\S+Z) (?P<sent>{NO_CALL}|[a-z]+(?:, [a-z]+)*)(?:: (?P<before>[a-z]+) -> (?P<after>[a-z]+))? "
    rf"\((?P<cause>adopt|change|drift|remove|{SEEN})(?:: {EDIT_PATTERN})?(?:; break-glass: (?P<glass>.+))?\)"
)


def ledger_entry(
    at: datetime,
    sent: list[str],
    cause: str,
    before: str | None,
    after: str | None,
    live: LiveCampaign | None,
    break_glass: str | None = None,
) -> str:
    """One entry for a campaign, as the state keeps it (`LedgerEntry`); `live` is the campaign as
    the listing showed it before the calls (for drift and seen: who had changed it)."""
    edit = (
        Edit.of(live) if live is not None and cause in ("drift", SEEN) else None
    )  # else the file's change, an adoption, a removal
    return LedgerEntry(
        format_time(at.astimezone(UTC).replace(microsecond=0)), tuple(sent), before, after, cause, edit, break_glass
    ).text()


def entry_at(text: str) -> str:
    """When an entry was written (RFC 3339, UTC, so text order is time order); "" for a non-entry."""
    entry = LedgerEntry.parse(text)
    return entry.at if entry is not None else ""


def ledger_of(props: Mapping[str, Any]) -> list[str]:
    """The ledger a record holds, newest first (what is not an entry, from a hand-edited state, dropped)."""
    entries = props.get(LEDGER_KEY)
    return [entry for entry in entries if LedgerEntry.parse(entry)] if isinstance(entries, list) else []


def deploys_of(ledger: list[str]) -> list[str]:
    """The entries `pulumi up` wrote: a preview and the `up --plan` after it read the same ones
    (a refresh, which may run in between and is saved by `up` alone, writes only "seen")."""
    return [entry for entry in ledger if not _is_seen(entry)]


def capped(ledger: list[str]) -> list[str]:
    """The newest LEDGER_SIZE deploys and LEDGER_SIZE sightings, in their order."""
    kept, counts = [], {True: 0, False: 0}
    for entry in ledger:
        seen = _is_seen(entry)
        if counts[seen] < LEDGER_SIZE:
            kept.append(entry)
            counts[seen] += 1
    return kept


def _is_seen(entry: str) -> bool:
    parsed = LedgerEntry.parse(entry)
    return parsed is not None and parsed.cause == SEEN


def with_ledger(outputs: dict[str, Any], ledger: list[str]) -> dict[str, Any]:
    return {**outputs, LEDGER_KEY: capped(ledger)} if ledger else outputs


def intent_of(outputs: Mapping[str, Any]) -> Intent | None:
    """What the campaigns file declared for this campaign at its last deploy (its recorded outputs);
    None when the record does not say it for sure (`desired_active_of`)."""
    active = desired_active_of(outputs)
    if active is None:
        return None
    completed, scheduled_in_altcraft = (outputs.get(key) is True for key in ("completed", "scheduled_in_altcraft"))
    return Intent(active, stored_schedule(outputs), completed, scheduled_in_altcraft)


def desired_active_of(outputs: Mapping[str, Any]) -> bool | None:
    """What the campaigns file asked for at the last deploy, or None when the record does not say it
    for sure: such a record is never the reason for a call (the review leaves the campaign alone).

    Today's records hold it in `active`, and nothing in `desired_active`. Records written by 0.15 and
    earlier hold it in `desired_active`, next to the live "is active" in `active`, which then agrees
    with their `state`; one where they disagree was edited or half rewritten, and one holding
    neither `active` nor `desired_active` says nothing. A refresh or an update rewrites old records in today's shape.
    """
    active, desired = outputs.get("active"), outputs.get("desired_active")
    if "desired_active" not in outputs:
        return active if isinstance(active, bool) else None
    state = outputs.get("state")
    if "active" in outputs and not isinstance(active, bool):
        return None
    consistent = not isinstance(active, bool) or not isinstance(state, str) or active == (state == "active")
    return desired if isinstance(desired, bool) and consistent else None


@dataclass(frozen=True)
class Deployed:
    """What the last deployment recorded for one campaign."""

    campaign_id: int
    intent: Intent | None  # what the campaigns file declared then; None: the record does not say for sure
    on_remove: str = DEFAULT_ON_REMOVE
    protect: bool = False  # Pulumi refuses to delete it: removing the entry sends nothing
    scheduled: bool | None = None  # the last deploy scheduled dates (releasing cancels them); None: the intent's
    applied: str | None = None  # the id of the last plan carried out (provider.planning.plan chains to it)

    def __post_init__(self) -> None:
        if self.scheduled is None:
            object.__setattr__(self, "scheduled", self.intent is not None and bool(self.intent.schedule))


def from_outputs(outputs: Mapping[str, Any]) -> Deployed | None:
    campaign_id = number(outputs.get("campaign_id"))
    if campaign_id is None:
        return None
    on_remove = outputs.get("on_remove") or DEFAULT_ON_REMOVE
    protect, scheduled = outputs.get("protect") is True, bool(stored_schedule(outputs))
    applied = outputs.get(APPLIED_KEY) if isinstance(outputs.get(APPLIED_KEY), str) else None
    return Deployed(campaign_id, intent_of(outputs), on_remove, protect, scheduled, applied)


def campaigns_in(resources: Mapping[str, Any]) -> dict[int, Deployed]:
    """Campaign records from {urn: {"type": ..., "outputs": {...}}}; other resources are skipped."""
    deployed: dict[int, Deployed] = {}
    for resource in resources.values():
        if resource.get("type") == CAMPAIGN_TYPE:
            record = from_outputs(resource.get("outputs") or {})
            if record is not None:
                deployed[record.campaign_id] = record
    return deployed
