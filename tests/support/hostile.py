"""A small hostile HTTP server on 127.0.0.1, for what the friendly stand-in never does.

Raw sockets, so every byte and every delay is under the test's control: redirects to another host,
bodies trickled one byte at a time, endless or huge bodies, listings that never end. It records
every request that arrives (so a test can say "nothing reached the other host"), and every loop in
it is bounded in count and in time, so a broken client fails its test instead of hanging it.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_SECONDS = 30.0  # no scripted misbehaviour outlives this


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"{}")


Respond = Callable[[socket.socket, Request], None]


@dataclass
class HostileServer:
    respond: Respond
    host: str = "127.0.0.1"
    tls: ssl.SSLContext | None = None
    requests: list[Request] = field(default_factory=list)
    connections: int = 0
    bytes_sent: int = 0

    def __post_init__(self) -> None:
        self._listener = socket.create_server((self.host, 0))
        self._listener.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.host}:{self._listener.getsockname()[1]}"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            if self.tls is not None:
                conn = self.tls.wrap_socket(conn, server_side=True)
            conn.settimeout(5)
            while not self._stop.is_set():  # keep-alive: one request after another
                request = _read_request(conn)
                if request is None:
                    return
                self.requests.append(request)
                self.respond(_Counting(conn, self), request)
        except (OSError, ssl.SSLError):
            pass  # the client gave up, or refused our certificate: both are what tests look for
        finally:
            conn.close()

    def stopped(self) -> bool:
        return self._stop.is_set()


class _Counting:
    """The connection, counting what the server sends and noticing when the server stops."""

    def __init__(self, conn: socket.socket, server: HostileServer) -> None:
        self._conn, self._server = conn, server

    def sendall(self, data: bytes) -> None:
        if self._server.stopped():
            raise OSError("server stopped")
        self._conn.sendall(data)
        self._server.bytes_sent += len(data)


def _read_request(conn: socket.socket) -> Request | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
        if len(data) > 1_000_000:
            return None
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    return Request(method, path, headers, body)


def _head(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} X"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


# -- misbehaviours ---------------------------------------------------------------------------


def envelope(data_for: Callable[[Request], Any]) -> Respond:
    """A well-formed answer whose data a function of the request decides."""

    def respond(conn: Any, request: Request) -> None:
        body = json.dumps({"data": data_for(request), "error": 0, "error_text": "Successful operation"}).encode()
        conn.sendall(_head(200, {"Content-Type": "application/json", "Content-Length": str(len(body))}) + body)

    return respond


def redirect(status: int, location: str) -> Respond:
    def respond(conn: Any, _request: Request) -> None:
        conn.sendall(_head(status, {"Location": location, "Content-Length": "0"}))

    return respond


def trickle(every_s: float, in_headers: bool = False) -> Respond:
    """One byte every `every_s`, in the body (or the headers), until the client leaves or MAX_SECONDS."""

    def respond(conn: Any, _request: Request) -> None:
        head = _head(200, {"Content-Type": "application/json", "Content-Length": "1000000"})
        if in_headers:
            head = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100_000
        else:
            conn.sendall(head)
            head = b'{"data": [' + b" " * 100_000
        end = time.monotonic() + MAX_SECONDS
        for byte in head:
            if time.monotonic() > end:
                return
            conn.sendall(bytes([byte]))
            time.sleep(every_s)

    return respond


def huge(total_bytes: int, announce: bool = False) -> Respond:
    """A JSON-looking body of `total_bytes`, without Content-Length unless `announce`."""

    def respond(conn: Any, _request: Request) -> None:
        headers = {"Content-Type": "application/json", "Connection": "close"}
        if announce:
            headers["Content-Length"] = str(total_bytes)
        conn.sendall(_head(200, headers) + b'{"data": [')
        chunk = b" " * (1024 * 1024)
        end = time.monotonic() + MAX_SECONDS
        for _ in range(total_bytes // len(chunk)):
            if time.monotonic() > end:
                return
            conn.sendall(chunk)

    return respond


def campaigns(ids: list[int]) -> list[dict[str, Any]]:
    return [{"id": i, "name": f"Campaign {i}", "state": "active"} for i in ids]
