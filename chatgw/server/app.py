"""The app factory: `create_app(project)` is the whole gateway, ready for any ASGI server."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator, Iterator

from fastapi import FastAPI

from chatgw.compiler.plans import ProjectPlan
from chatgw.config.secrets import SecretRef
from chatgw.errors import ConfigError
from chatgw.runtime import HttpSender, Sender
from chatgw.server import errors
from chatgw.server.agents import mount_mcp
from chatgw.server.gateway import Gateway, build_plans
from chatgw.server.limits import BodyLimit
from chatgw.server.logging import event, get_logger
from chatgw.server.metrics import Metrics
from chatgw.server.pages import mount_pages
from chatgw.server.routes import chat, events, health, inbox, insights
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
    raise UnsetSecrets (a ConfigError naming every one) here, before anything is opened or
    listens. `config_path` enables `reload()`; `upstream_connections` caps the connections
    the app's own sender opens to the upstream.
    """
    missing = unset_secrets(project)
    if missing:
        raise UnsetSecrets(missing, config_path.name if config_path is not None else "the config")
    owned_store = store is None
    owned_sender = sender is None
    the_sender: Sender = sender if sender is not None else HttpSender(project.upstream, connections=upstream_connections)
    plans = build_plans(project, the_sender)
    webhook_secret = project.handoff.webhook_secret.reveal() if project.handoff.webhook_secret else None
    the_store = store if store is not None else open_store(project.store, root=project.root)
    metrics = Metrics()
    gateway = Gateway(plans, the_store, the_sender, metrics, config_path=config_path)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = OutboxWorker(gateway.store_calls, gateway.outbox_wakeup, metrics, secret=webhook_secret, backoff=webhook_backoff)
        tasks = (
            asyncio.create_task(worker.run(), name="chatgw-outbox"),
            # Runs a crashed turn left behind reach a human even if the customer never writes again.
            asyncio.create_task(gateway.settle_forever(), name="chatgw-settle"),
        )
        event(get_logger(), "started", project=project.name, actions=len(project.actions))
        try:
            async with mcp.running():
                yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await worker.aclose()
            gateway.store_calls.close()
            if owned_sender and isinstance(the_sender, HttpSender):
                await the_sender.aclose()
            if owned_store:
                the_store.close()
            event(get_logger(), "stopped", project=project.name)

    app = FastAPI(title="chatgw", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.gateway = gateway
    app.state.metrics = metrics
    errors.install(app, metrics)
    # Outermost last: Guard catches what BodyLimit or the app let through.
    app.add_middleware(BodyLimit, limit=lambda: gateway.plans.project.server.max_body_bytes)
    app.add_middleware(errors.Guard, metrics=metrics)
    for module in (chat, events, inbox, insights, health):
        app.include_router(module.router)
    mcp = mount_mcp(app, gateway)
    mount_pages(app)
    return app


@dataclass(frozen=True, slots=True)
class UnsetSecret:
    """An environment variable a secret reference names, unset, and the keys that use it."""

    variable: str
    keys: tuple[str, ...]  # dotted config keys: upstream.auth.token

    def line(self, source: str) -> str:
        return f"{self.variable} is not set ({', '.join(self.keys)} in {source}); export it before starting"


class UnsetSecrets(ConfigError):
    """Secret references whose variables are not set: all of them, one `line` each."""

    def __init__(self, missing: tuple[UnsetSecret, ...], source: str) -> None:
        self.missing = missing
        self.lines = tuple(secret.line(source) for secret in missing)
        super().__init__("; ".join(self.lines))


def unset_secrets(project: ProjectPlan) -> tuple[UnsetSecret, ...]:
    """Every secret reference of the project whose variable is unset (empty counts as unset), by variable."""
    keys: dict[str, list[str]] = {}
    for section in _SECRET_SECTIONS:
        for key, ref in _secret_refs(getattr(project, section), section):
            if not ref.is_set():
                keys.setdefault(ref.variable or "", []).append(key)
    return tuple(UnsetSecret(variable, tuple(names)) for variable, names in keys.items())


_SECRET_SECTIONS = ("upstream", "identity", "handoff", "server")  # actions hold no secrets


def _secret_refs(plan: Any, prefix: str) -> Iterator[tuple[str, SecretRef]]:
    for field in dataclasses.fields(plan):
        value = getattr(plan, field.name)
        key = f"{prefix}.{field.name}"
        if isinstance(value, SecretRef):
            yield key, value
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            yield from _secret_refs(value, key)
