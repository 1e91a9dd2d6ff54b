"""The change limit (`altcraft:maxChanges`) as the provider process enforces it, on every command.

The program refuses a run whose review counts more calls than the limit, before any is sent, and
the provider sends only the calls a review listed (`provider.planning.plan`); `pulumi destroy`
sends none. The one process that sends writes keeps count all the same, behind the program: a
sequence of calls is reserved whole before its first call, and a reservation past the limit is
refused (nothing of that sequence is sent). It holds if a plan ever reaches the provider in a way
the program did not count (a hand-made plan input, a future command).
"""

from __future__ import annotations

import threading

from provider.errors import OverBudget
from provider.settings import MAX_CHANGES


class WriteBudget:
    def __init__(self, limit: int, source: str) -> None:
        self.limit = limit  # 0: no limit
        self.source = source  # the setting that chose it, for the message
        self._sent = 0
        self._refused = 0
        self._lock = threading.Lock()

    @property
    def sent(self) -> int:
        return self._sent

    def reserve(self, calls: int, what: str, methods: str) -> None:
        """Count `calls` more calls for `what`, or raise OverBudget without counting any."""
        with self._lock:
            if not self.limit or self._sent + calls <= self.limit:
                self._sent += calls
                return
            self._refused += 1
            first = self._refused == 1
        if not first:  # one full explanation per run; the others point to it
            raise OverBudget(f"{what}: {methods} not sent: over the change limit (see the error that explains it)")
        raise OverBudget(
            f"{what}: {methods} not sent: this run has sent {self._sent} of the {self.limit} calls allowed "
            f"({self.source}), and sends no more. Campaigns whose calls were refused stay as they are in Altcraft "
            f"and in the state. If this is intended, allow more for one run: {MAX_CHANGES.env}=<calls> with "
            f"the same command (0 means no limit), or change {MAX_CHANGES.key} for the stack."
        )
