"""One HTTP POST to Altcraft that cannot leak, hang or swallow the machine's memory. No Pulumi.

requests stays the client; this module adds what it does not do by itself:

- **No redirects** (`allow_redirects=False`): a 307/308 would re-post the JSON body, token
  included, to whatever host the Location names; a 301/302 would turn the POST into a GET whose
  answer from that host we would then trust. A 3xx is returned to the caller as an error.
- **One wall-clock deadline per attempt**, connect + send + headers + whole body. requests' read
  timeout restarts with every byte, so a server trickling one byte every few seconds could hold a
  call forever. A watchdog timer shuts the attempt's socket down at the deadline, which wakes the
  blocked read wherever it is (urllib3 exposes the socket's `shutdown`); the attempt then fails as
  a timeout.
- **A cap on the answer's size**, checked against Content-Length first and then while reading
  (after decompression, so a small gzip bomb is caught too).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

# A page of 1,000 campaigns is about 1 MB of JSON; 64 MiB leaves room for very large objects.
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
_CHUNK = 64 * 1024


class DeadlineExceeded(Exception):
    """The attempt did not finish before its deadline."""


class ResponseTooLarge(Exception):
    """The answer is larger than the cap."""


@dataclass
class Answer:
    status: int
    headers: requests.structures.CaseInsensitiveDict[str]
    body: bytes
    url: str = ""  # the address called (redirects are never followed, so also the one that answered)


class _Watch:
    """The connection one attempt is using, and whether its deadline cut it off."""

    def __init__(self) -> None:
        self.connection: Any = None
        self.expired = False
        self._lock = threading.Lock()

    def cut(self) -> None:
        with self._lock:
            self.expired = True
            sock = getattr(self.connection, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


_attempt = threading.local()  # each of the provider's threads runs its own attempt


class _Watched:
    """Tells the running attempt's watch which connection (and so which socket) it is using."""

    def request(self, *args: Any, **kwargs: Any) -> None:
        watch = getattr(_attempt, "watch", None)
        if watch is not None:
            watch.connection = self
        super().request(*args, **kwargs)  # type: ignore[misc]


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _WatchedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


def new_session() -> requests.Session:
    """A session whose connections a deadline can cut off."""
    session = requests.Session()
    adapter = _WatchedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[_Watch]:
    watch = _Watch()
    timer = threading.Timer(seconds, watch.cut)
    timer.daemon = True
    _attempt.watch = watch
    timer.start()
    try:
        yield watch
    finally:
        timer.cancel()
        _attempt.watch = None


def post_json(
    session: requests.Session,
    url: str,
    payload: dict[str, Any],
    *,
    connect_timeout: float,
    deadline_s: float,
    max_bytes: int = MAX_RESPONSE_BYTES,
) -> Answer:
    """POST `payload` as JSON; the whole exchange ends within `deadline_s` or raises DeadlineExceeded.

    Raises ResponseTooLarge past `max_bytes`, and requests' own exceptions for everything else
    (connection refused, TLS, ...). A redirect is returned as it is, never followed.
    """
    start = time.monotonic()
    with _deadline(deadline_s) as watch:
        try:
            with session.post(
                url,
                json=payload,
                timeout=(min(connect_timeout, deadline_s), deadline_s),
                allow_redirects=False,
                stream=True,
            ) as response:
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise ResponseTooLarge(f"{int(declared)} bytes announced")
                body = bytearray()
                for chunk in response.iter_content(_CHUNK):
                    body += chunk
                    if len(body) > max_bytes:
                        raise ResponseTooLarge(f"more than {max_bytes} bytes")
                    if watch.expired:
                        break
                if watch.expired:
                    raise DeadlineExceeded(f"{time.monotonic() - start:.0f}s")
                return Answer(response.status_code, response.headers, bytes(body), url)
        except (requests.RequestException, OSError):
            if watch.expired:  # the watchdog cut the socket: report the deadline, not the symptom
                raise DeadlineExceeded(f"{time.monotonic() - start:.0f}s") from None
            raise
