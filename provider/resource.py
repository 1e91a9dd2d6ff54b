"""The addresses every stack's state knows the providers by: `provider.resource.CampaignProvider`
and (from 0.17) `provider.resource.RemovalProvider`.

Pulumi stores each dynamic resource's provider, pickled, in the state, and a pickled class is its
module and name. A `pulumi refresh` or `pulumi destroy` unpickles the provider from the state, not
from the program, so this address must keep working for every state ever deployed, and new states
keep writing it (each provider's module sets its class's `__module__` to it). The classes live in
`provider.engine.campaign_provider` and `provider.engine.removal_record`; this module only
re-exports them. Do not move them.
"""

from provider.engine.campaign_provider import CampaignProvider
from provider.engine.removal_record import RemovalProvider

__all__ = ["CampaignProvider", "RemovalProvider"]
