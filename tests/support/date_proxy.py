"""A proxy on 127.0.0.1 that rewrites the `Date` header of Altcraft's answers, as a cache, a CDN or a
misconfigured gateway in front of Altcraft can.

Every request is forwarded unchanged to the upstream (the local stand-in) and its answer returned
unchanged, except `Date`: shifted by `offset`, removed (`mode = "drop"`) or replaced by a text
(`mode = "garbage"`). Its settings can change between two pulumi runs. Bounded: each forward has a
timeout and the server threads are daemons that stop with `close()`.
"""

from __future__ import annotations

import http.client
import threading
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import urlsplit

UPSTREAM_TIMEOUT_S = 30.0
Mode = Literal["shift", "drop", "garbage"]


class DateProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = urlsplit(upstream)
        self.offset = timedelta(0)
        self.mode: Mode = "shift"
        self.garbage = "yesterday, probably"
        self.forwarded = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.proxy = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def shift(self, offset: timedelta) -> None:
        self.mode, self.offset = "shift", offset

    def __enter__(self) -> DateProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def rewrite(self, date: str | None) -> str | None:
        if self.mode == "drop" or date is None:
            return None
        if self.mode == "garbage":
            return self.garbage
        return format_datetime(parsedate_to_datetime(date) + self.offset, usegmt=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        proxy: DateProxy = self.server.proxy  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        upstream = http.client.HTTPConnection(
            proxy.upstream.hostname or "127.0.0.1", proxy.upstream.port, timeout=UPSTREAM_TIMEOUT_S
        )
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
            upstream.request("POST", self.path, body=body, headers=headers)
            answer = upstream.getresponse()
            payload = answer.read()
            date = proxy.rewrite(answer.getheader("Date"))
            proxy.forwarded += 1
            # send_response_only: BaseHTTPRequestHandler.send_response would add a Date of its own.
            self.send_response_only(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in ("date", "content-length", "connection", "server"):
                    self.send_header(name, value)
            if date is not None:
                self.send_header("Date", date)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        finally:
            upstream.close()
