"""What the last deployment recorded, from the engine's readStackResourceOutputs answer."""

from provider.deployment import CAMPAIGN_TYPE, campaigns_in
from provider.review import Deployed


def test_campaigns_and_only_campaigns() -> None:
    resources = {
        "urn:...::pulumi:pulumi:Stack::s": {"type": "pulumi:pulumi:Stack", "outputs": {"campaigns": {}}},
        "urn:...::pulumi:providers:pulumi-python::default": {"type": "pulumi:providers:pulumi-python", "outputs": {}},
        "urn:...::campaign-18": {
            "type": CAMPAIGN_TYPE,
            "outputs": {"campaign_id": 18.0, "active": True, "desired_active": True, "state": "active"},
        },
        # After a refresh recorded drift: live says inactive, the file had asked for active.
        "urn:...::campaign-19": {
            "type": CAMPAIGN_TYPE,
            "outputs": {"campaign_id": 19.0, "active": False, "desired_active": True, "on_remove": "deactivate"},
        },
        # Written before desired_active existed: `active` is the best record there is.
        "urn:...::campaign-21": {"type": CAMPAIGN_TYPE, "outputs": {"campaign_id": 21.0, "active": False}},
        "urn:...::broken": {"type": CAMPAIGN_TYPE, "outputs": {}},
    }
    assert campaigns_in(resources) == {
        18: Deployed(18, True),
        19: Deployed(19, True, "deactivate"),
        21: Deployed(21, False),
    }
