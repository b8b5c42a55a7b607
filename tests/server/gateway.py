"""Helpers for server tests: a small real project in tmp_path, the real server on loopback,
identity tokens, and a log capture."""

from __future__ import annotations

import json
import logging
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import httpx
import jwt
import uvicorn
from fastapi import FastAPI

from chatgw.compiler import load_project
from chatgw.server import create_app
from chatgw.server.logging import JsonFormatter, get_logger
from tests.upstream import Upstream

from tests.projects import write_acme

UPSTREAM_TOKEN = "upstream-cred-7f3a9c"
IDENTITY_SECRET = "identity-secret-0b1d4e-long-enough-for-hs256"
OPERATOR_TOKEN = "operator-token-55aa31"
WEBHOOK_SECRET = "webhook-secret-c0ffee"
ENV = {
    "ACME_API_TOKEN": UPSTREAM_TOKEN,
    "CHATGW_IDENTITY_SECRET": IDENTITY_SECRET,
    "CHATGW_OPERATOR_TOKEN": OPERATOR_TOKEN,
    "HANDOFF_WEBHOOK_SECRET": WEBHOOK_SECRET,
}

# What the server tests add to the Acme project: verified identity and a store, SQLite unless
# the `each_store` fixture (tests/server/conftest.py) names another.
SERVER_CONFIG = """\
identity: {mode: jwt, secret: ${CHATGW_IDENTITY_SECRET}}
store: ${CHATGW_TEST_STORE:-sqlite:///chatgw.db}
"""


def write_project(root: Path, base_url: str, extra: str = "") -> Path:
    """The Acme project of tests/projects.py, with identity and a store (and `extra` config)."""
    return write_acme(root, base_url, SERVER_CONFIG + extra)


# The Acme project's key rotation, the state-changing call the exactly-once tests race.
ROTATE = "/projects/proj_ab12c/keys/rotate"


def chat(client: httpx.Client, message: str, cid: str | None = None, **extra: Any) -> httpx.Response:
    """POST /v1/chat: `message`, in conversation `cid` when given, plus any other fields."""
    body = {"message": message, **extra}
    if cid is not None:
        body["conversation_id"] = cid
    return client.post("/v1/chat", json=body)


def confirm_rotation(client: httpx.Client) -> str:
    """Ask for a key rotation of proj_ab12c up to its confirmation; the conversation id."""
    cid = chat(client, "reset my api key").json()["conversation_id"]
    assert chat(client, "proj_ab12c", cid).json()["state"] == "confirming"
    return cid


def rotations(upstream: Upstream) -> list:
    """The rotation requests the upstream received."""
    return [r for r in upstream.received if r.method == "POST" and r.path == ROTATE]


def build_app(config: Path, **options: Any) -> FastAPI:
    return create_app(load_project(config), config_path=config, **options)


@contextmanager
def running(app: FastAPI) -> Iterator[str]:
    """Serve `app` with uvicorn on a free loopback port, in a thread; yields the base URL."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, access_log=False, lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="test-chatgw", daemon=True)
    thread.start()
    try:
        wait_for(lambda: server.started or not thread.is_alive())
        assert server.started, "the server did not start"
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()


def wait_for(condition: Any, limit: float = 60.0) -> None:
    """Poll a condition (bounded); the caller asserts on the condition afterwards."""
    deadline = time.monotonic() + limit
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.005)


def identity_token(claims: dict[str, Any], *, secret: str = IDENTITY_SECRET, expires_in: int = 86_400) -> str:
    # A day: modules make their tokens when pytest collects them, and the whole suite on a
    # loaded 2-core machine runs past the 5 minutes this was, expiring them before use.
    return jwt.encode({**claims, "exp": int(time.time()) + expires_in}, secret, algorithm="HS256")


@contextmanager
def captured_logs() -> Iterator[list[str]]:
    """Every chatgw log line, formatted as the JSON the server writes."""
    lines: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Capture()
    handler.setFormatter(JsonFormatter())
    logger = get_logger()
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def events(lines: list[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines]
