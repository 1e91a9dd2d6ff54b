"""The whole campaigns file against live Altcraft and the last deployment: what `pulumi up` will do.

The program runs this in every preview and every up, before it registers a single resource, so a
problem with any entry (an unknown id, a name guard that does not match, `active: true` on a
completed campaign) stops the run before any write, new and managed entries alike, and every call
`pulumi up` would send is described in one line with its cause:

    campaign 18 Black Friday: inactive -> active (adopt)

That line is the contract between the preview and `python -m provider summary`, which reads it back
from `pulumi preview --json`; `Write.line` and `Write.parse` are its only writer and reader.
No I/O here: `lookup` reads live campaigns (the program's one listing), `deployed` is what the last
deployment recorded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from provider.client import SETTLED_STATE, STATES, Campaign, MalformedResponse, NotFound
from provider.reconcile import (
    CAUSES,
    DEFAULT_ON_REMOVE,
    Action,
    CampaignError,
    Cause,
    Desired,
    cause_of,
    drift_kept,
    plan,
    plan_removal,
)
from provider.spec import CampaignSpec, Problem


@dataclass(frozen=True)
class Deployed:
    """What the last deployment recorded for one campaign."""

    campaign_id: int
    desired_active: bool  # what the campaigns file asked for then
    on_remove: str = DEFAULT_ON_REMOVE
    protect: bool = False  # Pulumi refuses to delete it: removing the entry sends nothing


@dataclass(frozen=True)
class Write:
    """One call `pulumi up` would send, with the live facts and the reason."""

    campaign_id: int
    name: str  # the live name
    action: Action
    before: str  # live state now
    after: str  # state once the call is done
    cause: Cause

    def line(self) -> str:
        return f"{_who(self.campaign_id, self.name)}: {self.before} -> {self.after} ({self.cause})"

    @classmethod
    def parse(cls, text: str) -> Write | None:
        """A line written by `line()`, or None for any other text."""
        match = _LINE.fullmatch(text.strip())
        if match is None:
            return None
        after = match["after"]
        action = next(action for action, state in SETTLED_STATE.items() if state == after)
        return cls(int(match["id"]), match["name"] or "", action, match["before"], after, match["cause"])  # type: ignore[arg-type]


def _who(campaign_id: int, name: str) -> str:
    """The start of every line: `campaign 18 Black Friday`, the name on one line whatever it holds."""
    return f"campaign {campaign_id} {printable(name)}" if name else f"campaign {campaign_id}"


_WHO = r"campaign (?P<id>\d+)(?: (?P<name>.*))?: "
_LINE = re.compile(
    rf"{_WHO}(?P<before>{'|'.join(STATES)}) -> "
    rf"(?P<after>{SETTLED_STATE['activate']}|{SETTLED_STATE['deactivate']}) \((?P<cause>{'|'.join(CAUSES)})\)"
)


@dataclass(frozen=True)
class Kept:
    """A campaign changed in Altcraft outside the file that `drift: keep` leaves as it is."""

    campaign_id: int
    name: str  # the live name
    state: str  # live state, which stays
    wanted: bool  # what the file (unchanged since the last deploy) says

    def line(self) -> str:
        wanted = "true" if self.wanted else "false"
        return f"{_who(self.campaign_id, self.name)}: {self.state}, drift kept (the file says active: {wanted})"

    @classmethod
    def parse(cls, text: str) -> Kept | None:
        match = _KEPT.fullmatch(text.strip())
        if match is None:
            return None
        return cls(int(match["id"]), match["name"] or "", match["state"], match["wanted"] == "true")


_KEPT = re.compile(
    rf"{_WHO}(?P<state>{'|'.join(STATES)}), drift kept "
    r"\(the file says active: (?P<wanted>true|false)\)"
)


@dataclass(frozen=True)
class Review:
    writes: list[Write]  # sorted by campaign id
    problems: list[Problem]  # each with the file line of its entry
    kept: list[Kept] = field(default_factory=list)  # drift left as it is (drift: keep), sorted by id


def review(
    specs: Iterable[CampaignSpec], lookup: Callable[[int], Campaign], deployed: Mapping[int, Deployed]
) -> Review:
    """Every write `pulumi up` would send and every entry it could not honour.

    `lookup` raises NotFound for an id Altcraft does not have; any other failure to read Altcraft
    (a rejected token, an outage) propagates: it is not a problem of one entry.
    """
    writes: list[Write] = []
    problems: list[Problem] = []
    kept: list[Kept] = []
    in_file: set[int] = set()
    for spec in specs:
        in_file.add(spec.id)
        last = deployed.get(spec.id)
        deployed_active = last.desired_active if last else None
        desired = Desired.from_spec(spec)
        try:
            live = lookup(spec.id)
            action = plan(desired, live, deployed_active)
        except NotFound:
            message = f"campaign {spec.id} does not exist in Altcraft (check the id in the campaigns file)"
            problems.append(Problem(spec.line, None, message))
            continue
        except (CampaignError, MalformedResponse) as error:
            problems.append(Problem(spec.line, None, str(error)))
            continue
        if action is not None:
            writes.append(_write(live, action, cause_of(spec.active, deployed_active)))
        elif drift_kept(desired, live, deployed_active):
            kept.append(Kept(live.id, live.name, live.state, spec.active))
    for campaign_id in sorted(deployed.keys() - in_file):
        if deployed[campaign_id].protect:
            continue  # the engine refuses the removal with its own message; nothing is sent
        try:
            live = lookup(campaign_id)
        except NotFound:
            continue  # gone from Altcraft: removing the entry sends nothing
        action = plan_removal(deployed[campaign_id].on_remove, live)
        if action is not None:
            writes.append(_write(live, action, "remove"))
    return Review(sorted(writes, key=lambda w: w.campaign_id), problems, kept)


def _write(live: Campaign, action: Action, cause: Cause) -> Write:
    return Write(live.id, live.name, action, live.state, SETTLED_STATE[action], cause)


def printable(text: str) -> str:
    """`text` on one line: control characters (newlines, ANSI escapes, ...) shown as escapes."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii") for char in text)


def over_limit(writes: list[Write], limit: int, source: str, shown: int = 10) -> str | None:
    """Why a run that would send more than `limit` calls must not start (None when it may; 0: no limit)."""
    if not limit or len(writes) <= limit:
        return None
    lines = [f"this run would send {len(writes)} calls to Altcraft, more than the limit of {limit} ({source}):"]
    lines += [f"  {write.line()}" for write in writes[:shown]]
    if len(writes) > shown:
        lines.append(f"  ... and {len(writes) - shown} more")
    lines.append(
        f"Nothing was sent. If this is intended, allow it for one run: ALTCRAFT_MAX_CHANGES={len(writes)} pulumi up "
        "(or change altcraft:maxChanges for the stack; 0 means no limit)."
    )
    return "\n".join(lines)
