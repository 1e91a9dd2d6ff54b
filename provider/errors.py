"""The one base class of every failure a user is expected to see and fix.

Such failures are shown as their message alone. Anything else is a bug and keeps its traceback.
"""


class UserFacingError(Exception):
    """An expected failure: bad input, a refused API call, a campaign that cannot be converged."""

    # The same failure again, already reported by the operation that met it first in this process
    # (an outage the client remembers, a listing that failed, unusable settings). A refresh does not
    # report it once per campaign: see CampaignProvider.read.
    repeated: bool = False
