"""The failure every later call would meet again, remembered once for the whole process.

A rejected token, an outage that spent the retry budget, a redirect, an untrusted certificate:
the first call that meets one records it, and every later call fails at once with the same
message instead of redoing the whole retry cycle (a refresh of 1,000 campaigns would otherwise
wait out the budget 1,000 times). The copy it raises is marked `repeated`, so the caller reports
it once.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from provider.errors import AltcraftError, BadToken, Refused


class FailureLatch:
    def __init__(self) -> None:
        self._failure: AltcraftError | None = None
        self._lock = threading.Lock()

    def raise_if_set(self) -> None:
        """Raise a fresh copy of the remembered failure (threads must not share one instance)."""
        with self._lock:
            failure = self._failure
        if failure is not None:
            again = type(failure)(
                str(failure), code=failure.code, http_status=failure.http_status, transient=failure.transient
            )
            again.repeated = True
            raise again

    @contextlib.contextmanager
    def watching(self) -> Iterator[None]:
        """Remember a failure raised inside that no later call can get past."""
        try:
            yield
        except AltcraftError as error:
            if error.transient or isinstance(error, BadToken | Refused):
                with self._lock:
                    self._failure = self._failure or error
            raise
