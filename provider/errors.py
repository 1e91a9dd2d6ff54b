"""The one base class of every failure a user is expected to see and fix.

Such failures are shown as their message alone. Anything else is a bug and keeps its traceback.
"""


class UserFacingError(Exception):
    """An expected failure: bad input, a refused API call, a campaign that cannot be converged."""
