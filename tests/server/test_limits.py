"""`server.max_body_bytes`: a body over the limit is a 413 `too_large`, refused while it is read."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path
from typing import Any, Iterator

import httpx

from chatgw.server.limits import BodyLimit
from tests.server.gateway import build_app, running, write_project
from tests.upstream import Upstream

LIMIT = 65536
LIMITED = f"server: {{max_body_bytes: {LIMIT}}}\n"
CHUNK = 16384  # what the client writes at a time


class Metered:
    """The gateway behind an ASGI layer that counts the body bytes the gateway pulled from the server."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.requests: list[list[int]] = []  # per request, the size of each body message

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        sizes: list[int] = []
        if scope["type"] == "http":
            self.requests.append(sizes)

        async def counted() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                sizes.append(len(message.get("body", b"")))
            return message

        await self.app(scope, counted, send)


def test_chunked_body_over_the_limit_is_refused_while_read_not_buffered(tmp_path: Path, upstream: Upstream) -> None:
    metered = Metered(build_app(write_project(tmp_path, upstream.url, LIMITED)))
    total = 256 * CHUNK  # 4 MiB, 64 times the limit

    def body() -> Iterator[bytes]:  # a generator: httpx sends it chunked, with no Content-Length
        yield b'{"message": "'
        for _ in range(total // CHUNK):
            yield b"a" * CHUNK

    with running(metered) as url, httpx.Client(base_url=url) as client:
        refused = client.post("/v1/chat", content=body(), headers={"content-type": "application/json"})
        after = client.post("/v1/chat", json={"message": "show me the usage of proj_8f2k1"})

    assert refused.status_code == 413 and refused.json()["error"]["code"] == "too_large"
    assert "server.max_body_bytes" in refused.json()["error"]["message"]
    # The gateway stopped reading with the message that passed the limit (the server sizes messages).
    sizes = metered.requests[0]
    assert sum(sizes[:-1]) <= LIMIT < sum(sizes) < total
    assert after.status_code == 200


def test_declared_length_over_the_limit_is_refused_before_the_body_is_sent(tmp_path: Path, upstream: Upstream) -> None:
    app = build_app(write_project(tmp_path, upstream.url, LIMITED))
    with running(app) as url:
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
            # Only the head: were the server to wait for the body, this would hang (and time out).
            sock.sendall(
                b"POST /v1/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Content-Length: 33554432\r\n\r\n"
            )
            answer = _read_response(sock)

    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 ")
    assert json.loads(payload)["error"]["code"] == "too_large"


def test_bodies_within_the_limit_pass_chunked_or_not(tmp_path: Path, upstream: Upstream) -> None:
    app = build_app(write_project(tmp_path, upstream.url, LIMITED))
    message = json.dumps({"message": "show me the usage of proj_8f2k1"}).encode()
    with running(app) as url, httpx.Client(base_url=url) as client:
        plain = client.post("/v1/chat", content=message, headers={"content-type": "application/json"})
        chunked = client.post("/v1/chat", content=iter([message[:10], message[10:]]), headers={"content-type": "application/json"})
        just_over = client.post("/v1/chat", content=b" " * (LIMIT + 1), headers={"content-type": "application/json"})

    assert plain.status_code == 200 and chunked.status_code == 200
    assert chunked.json()["intent"]["name"] == "show_usage"
    assert just_over.status_code == 413 and just_over.json()["error"]["code"] == "too_large"


def test_body_limit_refuses_a_declared_length_without_reading_or_calling_the_app() -> None:
    called: list[str] = []
    sent: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        called.append("app")

    async def receive() -> dict[str, Any]:
        called.append("receive")
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/v1/chat", "headers": [(b"content-length", b"2048")]}
    asyncio.run(BodyLimit(app, limit=lambda: 1024)(scope, receive, send))

    assert called == [] and sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["error"]["code"] == "too_large"


def _read_response(sock: socket.socket) -> bytes:
    """Read one response with a Content-Length (what the gateway's JSON errors carry)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return head + b"\r\n\r\n" + rest
