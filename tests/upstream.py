"""A real HTTP upstream on loopback for tests: records what it receives, answers as told.

    with serve() as upstream:
        upstream.respond(Reply(503, headers={"Retry-After": "1"}), Reply(200, {"ok": True}))
        ... send requests to upstream.url ...
        upstream.received[0].target   # the raw request target, exactly as it arrived

Replies queued with `respond()` are used in order (optionally only for one path); when none
is queued the `default` reply answers. A reply's `delay` holds the answer back (for timeout
tests); closing the server releases every held reply at once, so nothing waits on a clock.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator
from urllib.parse import parse_qsl, unquote, urlsplit


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: Any = None  # JSON-able, or str/bytes sent as they are
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to hold the answer back


@dataclass(frozen=True)
class Received:
    method: str
    target: str  # raw request target: percent-encoded path and query, as sent
    headers: dict[str, str]  # lower-case names (the last of repeated headers)
    body: bytes
    raw_headers: tuple[tuple[str, str], ...] = ()  # as sent, repeats included

    @property
    def path(self) -> str:
        """The raw (still encoded) path, without the query."""
        return urlsplit(self.target).path

    @property
    def segments(self) -> list[str]:
        """Path segments, each decoded on its own (so an encoded `/` stays inside its segment)."""
        return [unquote(part) for part in self.path.split("/")[1:]]

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(urlsplit(self.target).query, keep_blank_values=True)

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> list[tuple[str, str]]:
        return parse_qsl(self.body.decode(), keep_blank_values=True)


class Upstream:
    """The server's state, shared with its handler threads."""

    def __init__(self) -> None:
        self.url = ""
        self.received: list[Received] = []
        self.default = Reply(200, {})
        self._queues: dict[str | None, deque[Reply]] = {}
        self._lock = threading.Lock()
        self.closing = threading.Event()

    def respond(self, *replies: Reply, path: str | None = None) -> None:
        """Queue replies for the next requests (to `path` only, when given)."""
        with self._lock:
            self._queues.setdefault(path, deque()).extend(replies)

    def paths(self) -> list[str]:
        return [request.path for request in self.received]

    def _record(self, request: Received) -> Reply:
        with self._lock:
            self.received.append(request)
            for key in (request.path, None):
                queue = self._queues.get(key)
                if queue:
                    return queue.popleft()
            return self.default


@contextmanager
def serve() -> Iterator[Upstream]:
    """Start an upstream on 127.0.0.1 (a free port) for the duration of the block."""
    state = Upstream()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 10  # an idle keep-alive connection is dropped, never held forever

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            raw = tuple(self.headers.items())
            headers = {name.lower(): value for name, value in raw}
            reply = state._record(Received(self.command, self.path, headers, body, raw))
            if reply.delay:
                state.closing.wait(reply.delay)
            if isinstance(reply.body, bytes):
                payload, media_type = reply.body, "application/octet-stream"
            elif isinstance(reply.body, str):
                payload, media_type = reply.body.encode(), "text/plain; charset=utf-8"
            elif reply.body is None:
                payload, media_type = b"", None
            else:
                payload, media_type = json.dumps(reply.body).encode(), "application/json"
            self.send_response(reply.status)
            if media_type is not None:
                self.send_header("Content-Type", media_type)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        block_on_close = False
        request_queue_size = 128  # listen backlog: a burst of concurrent clients is queued, not refused

        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a client that hung up on a held reply is expected in timeout tests

    server = Server(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), name="test-upstream", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.closing.set()
        server.shutdown()
        server.server_close()
        thread.join()
