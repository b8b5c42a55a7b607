"""An error nothing handled: one JSON log line with a request id, a 500 that quotes it, no traceback."""

from __future__ import annotations

import logging
import socket
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from tests.server.gateway import build_app, captured_logs, events, running, write_project
from tests.server.served import serving
from tests.upstream import Upstream


@contextmanager
def uvicorn_errors() -> Iterator[list[logging.LogRecord]]:
    """What uvicorn's own error log receives (where a re-raised exception's traceback goes)."""
    records: list[logging.LogRecord] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Capture(logging.ERROR)
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


def test_unhandled_error_is_one_json_line_with_a_request_id_and_a_500_that_quotes_it(
    tmp_path: Path, upstream: Upstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = build_app(write_project(tmp_path, upstream.url))

    # A failing store is hard to produce for real on demand; a planted bug stands in for one.
    def broken(status: str | None = None) -> list:
        raise RuntimeError("a value that must not be logged: sk_live_123")

    monkeypatch.setattr(app.state.gateway.store, "handoffs", broken)
    with uvicorn_errors() as uvicorn_logged, captured_logs() as lines, running(app) as url, httpx.Client(base_url=url) as client:
        failed = client.get("/v1/handoffs")
        after = client.get("/healthz")  # the same keep-alive connection still works

    assert failed.status_code == 500
    error = failed.json()["error"]
    assert error["code"] == "internal" and error["request_id"] in error["message"]
    assert failed.headers["x-request-id"] == error["request_id"]
    [logged] = [e for e in events(lines) if e["event"] == "internal_error"]
    assert logged["request_id"] == error["request_id"] and logged["error"] == "RuntimeError"
    assert logged["path"] == "/v1/handoffs" and logged["at"].startswith("chatgw/server/routes/inbox.py:")
    assert "sk_live_123" not in "\n".join(lines) + failed.text
    assert uvicorn_logged == []  # not re-raised to the server, so no second report and no traceback
    assert after.status_code == 200


def test_a_request_that_is_not_http_is_refused_by_uvicorn_and_logged_as_json(tmp_path: Path, upstream: Upstream) -> None:
    config = write_project(tmp_path, upstream.url)
    with serving(config) as served:
        port = int(served.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad: \x7f\r\n\r\n")
            answer = sock.recv(65536)

    assert answer.startswith(b"HTTP/1.1 400 ")
    assert "Traceback" not in served.stderr
    [warning] = [e for e in served.events() if e["logger"] == "uvicorn.error"]
    assert warning["level"] == "warning" and warning["event"] == "Invalid HTTP request received."
