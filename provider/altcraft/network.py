"""A network failure, in words: what requests and urllib3 raise, read down to the socket's error. No I/O.

requests and urllib3 nest the socket's error several levels deep ("HTTPConnectionPool(...) Max
retries exceeded ... caused by ..."); these functions find it, so the client can say whether the
request could have reached Altcraft and what went wrong, in a few words.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator


def never_sent(error: BaseException) -> bool:
    """Whether a network failure happened before the request could reach Altcraft."""
    return any(isinstance(cause, socket.gaierror | ConnectionRefusedError) for cause in causes(error))


def causes(error: BaseException) -> Iterator[BaseException]:
    """`error` and what it wraps: requests and urllib3 nest the socket's error several levels deep."""
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = (getattr(current, "reason", None), current.__cause__, current.__context__)
        pending += [c for c in linked if isinstance(c, BaseException)]  # an SSLError's reason is a str
        pending += [a for a in current.args if isinstance(a, BaseException)]


def unresolvable(error: BaseException) -> bool:
    return any(isinstance(cause, socket.gaierror) for cause in causes(error))


# OpenSSL's words for a peer that answered the handshake with something that is not TLS.
NOT_TLS = (
    "WRONG_VERSION_NUMBER",
    "HTTP_REQUEST",
    "RECORD_LAYER_FAILURE",
    "PACKET_LENGTH_TOO_LONG",
    "UNKNOWN_PROTOCOL",
)


def not_tls(error: BaseException) -> bool:
    return any(getattr(cause, "reason", None) in NOT_TLS for cause in causes(error))


def network_reason(error: BaseException) -> str:
    """What went wrong, in words, without urllib3's "HTTPConnectionPool(...) Max retries exceeded"."""
    for cause in causes(error):
        if isinstance(cause, socket.gaierror):
            return "cannot resolve the host name"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, ConnectionResetError):
            return "the connection was reset"
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror[:1].lower() + cause.strerror[1:]
    closed = ("RemoteDisconnected", "ProtocolError", "IncompleteRead", "ChunkedEncodingError")
    if any(type(cause).__name__ in closed for cause in causes(error)):
        return "the connection closed before a complete answer"
    return type(error).__name__


def tls_reason(error: BaseException) -> str:
    for cause in causes(error):
        reason = getattr(cause, "verify_message", None) or getattr(cause, "reason", None)
        if isinstance(reason, str) and reason:
            return reason
    return "TLS handshake failed"
