"""The app factory: `create_app(project)` is the whole gateway, ready for any ASGI server."""

from __future__ import annotations

import asyncio
import contextlib
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

import httpx
from fastapi import FastAPI

from chatgw.compiler.plans import ProjectPlan
from chatgw.runtime import HttpSender, Sender
from chatgw.runtime.send import USER_AGENT
from chatgw.server import errors
from chatgw.server.gateway import Gateway, build_plans
from chatgw.server.logging import event, get_logger
from chatgw.server.metrics import Metrics
from chatgw.server.pages import mount_pages
from chatgw.server.routes import chat, health, inbox, insights
from chatgw.server.webhook import OutboxWorker
from chatgw.store import Store, open_store


def create_app(
    project: ProjectPlan,
    *,
    store: Store | None = None,
    sender: Sender | None = None,
    config_path: Path | None = None,
    webhook_backoff: float = 1.0,
    upstream_connections: int | None = None,
) -> FastAPI:
    """The gateway for a compiled project.

    A store or sender passed in stays the caller's to close; those made here (from
    `project.store` and `project.upstream`) are closed when the app shuts down. Unset secrets
    raise ConfigError here, before anything listens. `config_path` enables `reload()`;
    `upstream_connections` caps the connections the app's own sender opens to the upstream.
    """
    owned_store = store is None
    client: httpx.AsyncClient | None = None
    if sender is None and upstream_connections is not None:
        client = httpx.AsyncClient(
            timeout=httpx.Timeout(project.upstream.timeout),
            follow_redirects=False,  # as HttpSender's own client: a redirect could carry credentials
            headers={"User-Agent": USER_AGENT},
            limits=httpx.Limits(max_connections=upstream_connections),
        )
    owned_sender = sender is None
    the_sender: Sender = sender if sender is not None else HttpSender(project.upstream, client)
    plans = build_plans(project, the_sender)
    webhook_secret = project.handoff.webhook_secret.reveal() if project.handoff.webhook_secret else None
    the_store = store if store is not None else open_store(project.store, root=project.root)
    metrics = Metrics()
    gateway = Gateway(plans, the_store, the_sender, metrics, config_path=config_path)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = OutboxWorker(the_store, gateway.outbox_wakeup, metrics, secret=webhook_secret, backoff=webhook_backoff)
        task = asyncio.create_task(worker.run(), name="chatgw-outbox")
        event(get_logger(), "started", project=project.name, actions=len(project.actions))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await worker.aclose()
            if owned_sender and isinstance(the_sender, HttpSender):
                await the_sender.aclose()
            if client is not None:
                await client.aclose()
            if owned_store:
                the_store.close()
            event(get_logger(), "stopped", project=project.name)

    app = FastAPI(title="chatgw", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.gateway = gateway
    app.state.metrics = metrics
    errors.install(app)
    for module in (chat, inbox, insights, health):
        app.include_router(module.router)
    mount_pages(app)
    return app
