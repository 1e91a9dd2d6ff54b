"""When and how long to retry a call to Altcraft. No I/O of its own.

Transient: connection failures, timeouts, HTTP 429/500/502/503/504 (also as an `error` code inside
an HTTP 200 envelope), and answers that are not JSON at all (a proxy's error page, a cut-off
body). Everything else (a bad token, missing rights, an unknown campaign, a refused transition)
fails at once: retrying cannot fix it. Delays grow exponentially with jitter, honour Retry-After,
and stop when the next one would pass the total budget.

Why not a library: urllib3's `Retry` works per HTTP request inside the adapter, so it cannot see an
error code inside an HTTP 200 envelope, has no total time budget, and would re-send a POST below
the "look before sending a write again" logic (requests' adapter keeps it at 0, as we want).
tenacity would own only the loop: Retry-After taken from the failure, "stop if the next wait
passes the budget", the look-before-resend hook and an injectable clock would stay ours.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TypeVar

TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})

T = TypeVar("T")


class TransientFailure(Exception):
    """A failed attempt worth another try. `final` is what to raise if no try is left.
    `may_have_landed`: the request may have reached Altcraft and still take effect."""

    def __init__(self, final: Exception, retry_after: float | None = None, may_have_landed: bool = False) -> None:
        super().__init__(str(final))
        self.final = final
        self.retry_after = retry_after
        self.may_have_landed = may_have_landed


@dataclass
class RetryPolicy:
    budget_s: float = 60.0  # total time across all attempts of one call
    base_delay_s: float = 0.5
    max_delay_s: float = 10.0
    max_attempts: int = 10
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    jitter: Callable[[], float] = field(default=random.random, repr=False)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds before attempt number `attempt + 1` (attempt counts from 0)."""
        ceiling = min(self.max_delay_s, self.base_delay_s * 2**attempt)
        backoff = ceiling / 2 + self.jitter() * ceiling / 2  # "equal jitter": never zero, never in step
        return max(backoff, retry_after or 0.0)

    def run(self, attempt_once: Callable[[], T], before_retry: Callable[[], T | None] | None = None) -> T:
        """Call `attempt_once` until it succeeds, fails for good, or the budget is spent.

        `before_retry` runs before each new attempt; if it returns a value, that is the result
        (used after a failed write: if the write landed after all, do not send it again).
        """
        start = self.clock()
        attempt = 0
        while True:
            try:
                return attempt_once()
            except TransientFailure as failure:
                wait = self.delay(attempt, failure.retry_after)
                attempt += 1
                spent = self.clock() - start
                if attempt >= self.max_attempts or spent + wait > self.budget_s:
                    raise _with_note(failure.final, attempt, spent) from None
                self.sleep(wait)
                if before_retry is not None:
                    settled = before_retry()
                    if settled is not None:
                        return settled


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _with_note(error: Exception, attempts: int, spent: float) -> Exception:
    if attempts > 1:
        error.args = (f"{error.args[0] if error.args else error} (gave up after {attempts} attempts in {spent:.0f}s)",)
    return error
