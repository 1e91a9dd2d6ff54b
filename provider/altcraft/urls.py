"""Altcraft's address: one spelling of the API root, and the password a URL may carry kept out of sight. No I/O."""

from __future__ import annotations

from urllib.parse import urlsplit

API_PREFIX = "/api/v1.1"


def normalize_base_url(url: str) -> str:
    """'https://host', 'https://host/', 'https://host/api/' and 'https://host/api/v1.1/' all mean
    the same API root."""
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"Altcraft URL must start with http:// or https://, got {without_password(url)!r}")
    if url.endswith(API_PREFIX):
        return url
    return url.removesuffix("/api") + API_PREFIX


def url_password_part(url: str) -> str | None:
    """The "user:password@" of a URL, as written in it; None when the URL carries no password."""
    userinfo, at, _host = urlsplit(url).netloc.rpartition("@")
    return f"{userinfo}@" if at and ":" in userinfo else None


def without_password(text: str, url: str | None = None) -> str:
    """`text` with the password of `url` (default: `text` itself is the URL) shown as ***."""
    userinfo = url_password_part(text if url is None else url)
    return text.replace(userinfo, f"{userinfo.partition(':')[0]}:***@") if userinfo else text


def carries(url: str, token: str) -> bool:
    """The URL holds the token as one of its parts (a path segment, a user name, anywhere in the
    query or fragment), not as a few letters of the host or of the `/api/v1.1` this client adds."""
    parts = urlsplit(url)
    segments = parts.path.removesuffix(API_PREFIX).split("/")
    return token in {*segments, parts.username or ""} or token in parts.query or token in parts.fragment
