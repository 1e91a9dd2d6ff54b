"""Faults the local Altcraft stand-in can inject, per endpoint and optionally per campaign.

Kinds:
  latency         wait `seconds`, then answer normally
  http_500/502/503  that HTTP status with an HTML body, as a proxy in front of Altcraft would send
  http_429        HTTP 429 with `Retry-After: seconds` and an error envelope
  drop            close the connection without answering
  malformed_json  HTTP 200 with a cut-off JSON body
  error_in_200    HTTP 200 with a non-zero `error` (`code`, default 500)
`times` is how many calls it hits (-1: until cleared). With `after_apply`, the call takes effect
first and only its answer is lost, as when a response times out after the write landed.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

KINDS = ("latency", "http_500", "http_502", "http_503", "http_429", "drop", "malformed_json", "error_in_200")


@dataclass
class Fault:
    kind: str
    endpoint: str | None = None  # None: every endpoint
    campaign_id: int | None = None  # None: every campaign
    times: int = 1
    seconds: float = 0.0
    code: int = 500
    after_apply: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {', '.join(KINDS)}")

    def matches(self, endpoint: str, campaign_id: Any) -> bool:
        return (
            self.times != 0
            and self.endpoint in (None, endpoint)
            and (self.campaign_id is None or self.campaign_id == campaign_id)
        )


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._rules.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def listing(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(rule) for rule in self._rules]

    def take(self, endpoint: str, campaign_id: Any) -> Fault | None:
        """The first rule that hits this call, used up by one."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(endpoint, campaign_id):
                    if rule.times > 0:
                        rule.times -= 1
                    return rule
            return None
