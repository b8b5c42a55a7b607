"""The demo Acme API on loopback (uvicorn in a thread), and clients whose every response is
checked against the spec.

One uvicorn serves the whole session (stopping one takes uvicorn ~0.2 s); each test gets a
fresh app, with fresh state, behind it.
"""

from __future__ import annotations

import socket
import ssl
import threading
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, Iterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from chatgw.demo import create_acme_app
from tests.demo import conformance

TOKEN = "acme-test-token-3c9e"
NOW = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
# Loopback is plain HTTP; one shared TLS context spares each client loading the CA bundle.
_TLS = ssl.create_default_context()


class FixedClock:
    """Time stands still until a test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@contextmanager
def running(app: Any) -> Iterator[str]:
    """Serve `app` on a free loopback port; yields the base URL.

    The socket is bound and listening before uvicorn starts, so early requests wait in the
    backlog instead of the test polling for readiness.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="test-acme", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join()
        sock.close()


def connect(base_url: str, *, customer: str | None = "cus_demo", token: str | None = TOKEN) -> httpx.Client:
    """A client of the Acme API acting for `customer`; every response is checked against the spec."""
    headers = {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if customer is not None:
        headers["X-Customer-Id"] = customer
    return httpx.Client(base_url=base_url, headers=headers, timeout=10, verify=_TLS, event_hooks={"response": [conformance.check]})


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


class Switch:
    """An ASGI app that hands every request to whichever app it currently holds."""

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


@pytest.fixture(scope="session")
def server() -> Iterator[tuple[Switch, str]]:
    switch = Switch()
    with running(switch) as url:
        yield switch, url


@pytest.fixture
def acme_app(server: tuple[Switch, str], clock: FixedClock) -> FastAPI:
    """A fresh demo API (seed 7, the test's clock), now behind the session's server."""
    switch, _ = server
    switch.app = create_acme_app(TOKEN, seed=7, clock=clock)
    return switch.app


@pytest.fixture
def acme(server: tuple[Switch, str], acme_app: FastAPI) -> str:
    """The base URL of the test's fresh demo API."""
    return server[1]


@pytest.fixture
def client(acme: str) -> Iterator[httpx.Client]:
    with connect(acme) as client:
        yield client
