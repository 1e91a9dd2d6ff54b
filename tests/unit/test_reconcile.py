"""Which single call converges a campaign, and which states refuse."""

import pytest

from provider.altcraft.model import LiveCampaign
from provider.errors import CampaignError
from provider.planning.reconcile import Desired, Intent, Steps, plan, plan_removal


def method(steps: Steps | None) -> str | None:
    """The one call a plain entry takes, or None."""
    if steps is None:
        return None
    (call,) = steps.calls
    return call.method


@pytest.mark.parametrize(
    ("active", "state", "action"),
    [
        (True, "inactive", "activate"),
        (True, "waiting", "activate"),
        (True, "active", None),
        (False, "active", "deactivate"),
        (False, "inactive", None),
        (False, "waiting", None),  # scheduled counts as not active
        (False, "completed", None),  # terminal: already satisfied
        (False, "deleted", None),
    ],
)
def test_plan(active: bool, state: str, action: str | None) -> None:
    assert method(plan(Desired(7, active), LiveCampaign(7, "C", state))) == action


@pytest.mark.parametrize("state", ["completed", "deleted"])
def test_terminal_campaigns_cannot_be_activated(state: str) -> None:
    with pytest.raises(CampaignError, match=rf"campaign 7 \(Old\) is {state} .* completion is irreversible"):
        plan(Desired(7, True), LiveCampaign(7, "Old", state))


def test_name_guard() -> None:
    assert plan(Desired(7, True, expected_name="Same"), LiveCampaign(7, "Same", "active")) is None
    with pytest.raises(CampaignError, match="campaign 7: the campaigns file expects the name 'Typo'"):
        plan(Desired(7, False, expected_name="Typo"), LiveCampaign(7, "Real", "inactive"))


@pytest.mark.parametrize(
    ("on_remove", "state", "action"),
    [("retain", "active", None), ("deactivate", "active", "deactivate"), ("deactivate", "inactive", None)],
)
def test_removal(on_remove: str, state: str, action: str | None) -> None:
    assert method(plan_removal(on_remove, LiveCampaign(7, "C", state))) == action


@pytest.mark.parametrize(
    ("desired", "deployed", "cause"),
    [(True, None, "adopt"), (True, False, "change"), (False, True, "change"), (True, True, "drift")],
)
def test_cause(desired: bool, deployed: bool | None, cause: str) -> None:
    from provider.planning.reconcile import cause_of

    assert cause_of(Intent(desired), None if deployed is None else Intent(deployed)) == cause


def test_drift_keep_holds_back_only_a_change_made_outside_the_file() -> None:
    keep = Desired(7, True, drift="keep")
    paused = LiveCampaign(7, "C", "inactive")
    assert plan(keep, paused, Intent(True)) is None  # file unchanged: the stop is kept
    assert method(plan(keep, paused, Intent(False))) == "activate"  # the file changed: it applies
    assert method(plan(keep, paused, None)) == "activate"  # a new entry adopts as usual
    assert method(plan(Desired(7, True), paused, Intent(True))) == "activate"  # revert, the default
