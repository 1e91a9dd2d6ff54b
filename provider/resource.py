"""The address every stack's state knows the provider by: `provider.resource.CampaignProvider`.

Pulumi stores each dynamic resource's provider, pickled, in the state, and a pickled class is its
module and name. A `pulumi refresh` or `pulumi destroy` unpickles the provider from the state, not
from the program, so this address must keep working for every state ever deployed, and new states
keep writing it (`provider.engine.campaign_provider` sets the class's `__module__` to it). The class
lives in `provider.engine.campaign_provider`; this module only re-exports it. Do not move it.
"""

from provider.engine.campaign_provider import CampaignProvider

__all__ = ["CampaignProvider"]
