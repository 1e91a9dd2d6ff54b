"""What to do to make one live campaign match its desired state. No I/O.

The rules: `active: true` needs the live state `active`; `active: false` is satisfied by any
other state (`waiting` is scheduled, so not active yet). `completed` and `deleted` are terminal:
nothing can activate them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from provider.client import SETTLED_STATE, Campaign
from provider.errors import UserFacingError

if TYPE_CHECKING:
    from provider.spec import CampaignSpec

Action = Literal["activate", "deactivate"]
# Why `pulumi up` would send a call: a new entry (adopt), an entry the file changed since the last
# deploy (change), a campaign changed in Altcraft outside the file (drift), a removed entry (remove).
Cause = Literal["adopt", "change", "drift", "remove"]
CAUSES: tuple[Cause, ...] = ("adopt", "change", "drift", "remove")
DEFAULT_ON_REMOVE = "retain"
DEFAULT_DRIFT = "revert"


class CampaignError(UserFacingError):
    """A campaign cannot be brought to its desired state; the message names it."""


@dataclass(frozen=True)
class Desired:
    campaign_id: int
    active: bool
    expected_name: str | None = None
    on_remove: str = DEFAULT_ON_REMOVE
    drift: str = DEFAULT_DRIFT  # revert | keep: what up does with a change made outside the file
    protect: bool = False  # Pulumi's protect; recorded so that the review knows a removal will be refused

    @classmethod
    def from_spec(cls, spec: CampaignSpec) -> Desired:
        return cls(
            spec.id,
            spec.active,
            expected_name=spec.name,
            on_remove=spec.on_remove,
            drift=spec.drift,
            protect=spec.protect,
        )


def describe(campaign: Campaign) -> str:
    return f"campaign {campaign.id} ({campaign.name})"


def check_name(desired: Desired, live: Campaign) -> None:
    if desired.expected_name is not None and desired.expected_name != live.name:
        raise CampaignError(
            f"campaign {desired.campaign_id}: the campaigns file expects the name {desired.expected_name!r}, "
            f"but in Altcraft it is {live.name!r}. Is the id a typo? Fix the id, or the name if the campaign "
            "was renamed. Nothing was changed."
        )


def satisfies(state: str, active: bool) -> bool:
    """Whether a live state meets `active`: true needs `active`; false takes any other state."""
    return (state == "active") == active


def plan(desired: Desired, live: Campaign, deployed_active: bool | None = None) -> Action | None:
    """The one call that converges `live` to `desired`, or None when none is due.

    `deployed_active` is what the file asked for at the last deploy (None: a new entry). With
    `drift: keep`, a campaign changed outside the file is left as it is until the file changes.
    """
    check_name(desired, live)
    if desired.active and live.terminal:
        raise CampaignError(
            f"{describe(live)} is {live.state} in Altcraft and cannot be activated: "
            "completion is irreversible. Set `active: false` for it, or remove it from the campaigns file. "
            "No activate call was sent."
        )
    if satisfies(live.state, desired.active) or drift_kept(desired, live, deployed_active):
        return None
    return "activate" if desired.active else "deactivate"


def drift_kept(desired: Desired, live: Campaign, deployed_active: bool | None) -> bool:
    """True when `drift: keep` holds back a call: Altcraft differs, but the file has not changed since."""
    return desired.drift == "keep" and deployed_active == desired.active and not satisfies(live.state, desired.active)


def plan_removal(on_remove: str, live: Campaign) -> Action | None:
    """What removing the entry does: `retain` leaves the campaign alone, `deactivate` turns it off."""
    if on_remove == "deactivate" and live.active:
        return "deactivate"
    return None


def cause_of(desired_active: bool, deployed_active: bool | None) -> Cause:
    """Why a call is needed for an entry in the file. `deployed_active` is what the file asked for at
    the last deploy (None: the entry is new). The file changed since then, or Altcraft did."""
    if deployed_active is None:
        return "adopt"
    return "change" if deployed_active != desired_active else "drift"


def expected_state(action: Action) -> str:
    return SETTLED_STATE[action]
