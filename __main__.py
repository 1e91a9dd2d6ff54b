"""Campaigns as code: one Pulumi resource per campaign in the campaigns file.

Data flows one way: campaigns file -> validated specs -> resources -> provider -> Altcraft.
"""

import sys

import pulumi

from provider.resource import Campaign
from provider.spec import SpecError, load_campaigns

config = pulumi.Config()
campaigns_file = config.get("campaignsFile") or "campaigns.yaml"

try:
    specs = load_campaigns(campaigns_file)
except SpecError as error:
    # The message alone, no traceback; exit code 32 tells the language host the error is shown.
    pulumi.log.error(str(error))
    sys.exit(32)

campaigns = [Campaign(spec) for spec in specs]

pulumi.export(
    "campaigns",
    [
        {"id": spec.id, "name": campaign.name, "state": campaign.state}
        for spec, campaign in zip(specs, campaigns, strict=True)
    ],
)
