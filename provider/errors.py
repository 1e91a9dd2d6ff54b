"""Every failure a user is expected to see and fix, in one tree.

A `UserFacingError` is shown as its message alone (the program logs it; the provider host shows
it without a traceback, see `provider.engine.workarounds`; the command line prints `error: ...`).
Any other exception is a bug and keeps its traceback.

    UserFacingError
    ├── SpecError           the campaigns file is unusable: every problem, with file, line, campaign
    ├── UnreadableInput     another input (a preview, a plan file, a path) is not what it must be:
    │                       not a regular file, too large, not UTF-8, not JSON (the CLI exits 2)
    ├── SettingsError       Altcraft's URL or token (or another setting) is missing or unusable
    ├── SiblingError        altcraft:siblingStacks is malformed, or a sibling stack cannot be read
    ├── ClockError          the run cannot tell the time it must read windows at
    ├── PlanFileError       the reviewed plan file (ALTCRAFT_REVIEWED_PLAN) is unreadable or another stack's
    ├── CampaignError       one campaign cannot be brought to its desired state
    ├── OverBudget          a call refused: this run already sent as many as the change limit allows
    └── AltcraftError       a call to Altcraft failed (`code`, `http_status`, `transient`)
        ├── BadToken            error 401: the token was rejected
        ├── NoRights            error 403: the token lacks the right or the group access
        ├── NotFound            the campaign does not exist (or this token cannot see it)
        ├── MalformedResponse   an answer that cannot be read safely
        ├── TransportError      no usable answer: connection, timeout, HTTP error without envelope,
        │                       an address that is not the campaigns API
        ├── Refused             an answer not to follow or trust: a redirect, an unverified certificate
        └── ListingFailed       `scampaigns/list` could not be read through (every read fails with it)

Not user-facing, and never shown as such (each is turned into one of the above where it is met):
`provider.campaigns.schedule.TimeError` (a time the file cannot use: a problem of its line),
`provider.altcraft.retry.TransientFailure` (an attempt worth another try: the retry loop's signal),
`provider.altcraft.transport.DeadlineExceeded` and `ResponseTooLarge` (mapped by the client).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from provider.campaigns.loader import Problem


class UserFacingError(Exception):
    """An expected failure: bad input, a refused API call, a campaign that cannot be converged."""

    # The same failure again, already reported by the operation that met it first in this process
    # (an outage the client remembers, a listing that failed, unusable settings). A refresh does not
    # report it once per campaign: see CampaignProvider.read.
    repeated: bool = False


class SpecError(UserFacingError):
    """The campaigns file is unusable; the message lists every problem with file and line."""

    def __init__(self, path: str, problems: Iterable[Problem]) -> None:
        self.path = path
        self.problems = sorted(problems, key=lambda p: (p.line or 0, p.message))
        lines = [p.render(path) for p in self.problems]
        if len(lines) == 1:
            text = f"{lines[0]}\n(nothing was sent to Altcraft)"
        else:
            text = "\n".join(
                [f"{path}: {len(lines)} problems, nothing was sent to Altcraft:", *(f"  {line}" for line in lines)]
            )
        super().__init__(text)


class UnreadableInput(UserFacingError):
    """An input that cannot be read as what it must be (provider.inputs reads every one): `what`
    names it as the user gave it, `reason` says why."""

    def __init__(self, what: str, reason: str) -> None:
        super().__init__(f"{what}: {reason}")
        self.what = what
        self.reason = reason


class SettingsError(UserFacingError):
    """Altcraft's URL or token is missing or unusable."""


class PlanFileError(UserFacingError):
    """The reviewed plan file (ALTCRAFT_REVIEWED_PLAN) cannot be read, or is not this stack's."""


class SiblingError(UserFacingError):
    """altcraft:siblingStacks is malformed, or a stack it names cannot be read."""


class ClockError(UserFacingError):
    """The run cannot tell the time it must read windows at; the message says why."""


class CampaignError(UserFacingError):
    """A campaign cannot be brought to its desired state; the message names it."""


class OverBudget(UserFacingError):
    """A call refused because this run already sent as many calls as the limit allows."""


class AltcraftError(UserFacingError):
    """A call to Altcraft failed. `code` is the envelope's `error`, if there was one.

    `transient` marks the kinds worth another try (an outage, a 5xx): one that reaches the caller
    has spent its retry budget, and the client then treats Altcraft as down for the process.
    """

    def __init__(
        self, message: str, *, code: int | None = None, http_status: int | None = None, transient: bool = False
    ) -> None:
        super().__init__(message)
        self.code = code
        self.http_status = http_status
        self.transient = transient


class BadToken(AltcraftError):
    """Altcraft rejected the API token (error 401)."""


class NoRights(AltcraftError):
    """The token lacks the right or the group access for this call (error 403)."""


class NotFound(AltcraftError):
    """The campaign does not exist (or is invisible to this token)."""


class MalformedResponse(AltcraftError):
    """Altcraft answered something we cannot read safely."""


class TransportError(AltcraftError):
    """No usable answer: connection failure, timeout, an HTTP error without an envelope, or an
    address that does not lead to the campaigns API ("Unknown method")."""


class Refused(AltcraftError):
    """Altcraft's answer must not be followed or trusted: a redirect, or a TLS certificate we cannot verify."""


class ListingFailed(AltcraftError):
    """`scampaigns/list` could not be read through; every read of this process fails with it.

    Not a MalformedResponse: that is one campaign's problem, and a listing that fails is every
    campaign's, so the review reports it once instead of once per entry.
    """
