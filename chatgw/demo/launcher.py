"""`chatgw demo`: the Acme API and the gateway side by side on loopback, with demo secrets.

The secrets are made fresh for each run and put in this process's environment before the
config is loaded, so the example's chatgw.yaml stays exactly what a real deployment uses
(`${ACME_API_TOKEN}`, `${CHATGW_IDENTITY_SECRET}`) and nothing secret is ever written down.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import secrets
import socket
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from fastapi import FastAPI

from chatgw.compiler import load_project
from chatgw.compiler.plans import ProjectPlan
from chatgw.demo.acme import create_acme_app
from chatgw.server.listening import ListenError, bind

DEMO_CUSTOMER = {"sub": "cus_demo", "customer_id": "cus_demo", "name": "Dana Demo", "email": "dana@storefront.test"}


@dataclass(frozen=True, slots=True)
class DemoSettings:
    config: Path
    port: int = 8080
    api_port: int = 8081
    store: str | None = None  # None: a fresh SQLite file for this run
    seed: int | None = 7


@dataclass(slots=True)
class Demo:
    """Both apps, built and ready to serve."""

    gateway: FastAPI
    acme: FastAPI
    settings: DemoSettings
    project: ProjectPlan

    @property
    def urls(self) -> dict[str, str]:
        base = f"http://127.0.0.1:{self.settings.port}"
        return {
            "chat": f"{base}/",
            "inbox": f"{base}/inbox",
            "insights": f"{base}/insights",
            "mcp": f"{base}/mcp",
            "identity": f"{base}/demo/identity",  # the demo customer's identity token, for /mcp
            "acme_api": f"http://127.0.0.1:{self.settings.api_port}",
        }


def build_demo(settings: DemoSettings, *, workdir: Path | None = None) -> Demo:
    """Set the demo's environment, compile the example and create both apps."""
    from chatgw.server import create_app

    os.environ["ACME_API_TOKEN"] = acme_token = secrets.token_urlsafe(24)
    os.environ["CHATGW_IDENTITY_SECRET"] = identity_secret = secrets.token_urlsafe(32)
    os.environ["ACME_API_URL"] = f"http://127.0.0.1:{settings.api_port}"
    project = load_project(settings.config)
    store = settings.store
    if store is None:
        folder = workdir or Path(tempfile.mkdtemp(prefix="chatgw-demo-"))
        store = f"sqlite:///{folder / 'demo.db'}"
    project = dataclasses.replace(project, store=store)
    gateway = create_app(project)
    gateway.add_api_route("/demo/identity", _identity_route(identity_secret), methods=["GET"], include_in_schema=False)
    acme = create_acme_app(acme_token, seed=settings.seed)
    return Demo(gateway=gateway, acme=acme, settings=settings, project=project)


def listen(settings: DemoSettings) -> tuple[socket.socket, socket.socket]:
    """Bind the Acme API's and the gateway's ports on 127.0.0.1 before anything is announced;
    ListenError says which port is taken and how to choose another."""
    acme = bind("127.0.0.1", settings.api_port, "--api-port")
    try:
        return acme, bind("127.0.0.1", settings.port, "--port")
    except ListenError:
        acme.close()
        raise


async def serve_demo(demo: Demo, sockets: tuple[socket.socket, socket.socket]) -> None:
    """Run both apps, on the sockets `listen` bound, until interrupted."""
    import uvicorn

    def server(app: FastAPI) -> uvicorn.Server:
        return uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="on"))

    acme_socket, gateway_socket = sockets
    await asyncio.gather(server(demo.acme).serve([acme_socket]), server(demo.gateway).serve([gateway_socket]))


def _identity_route(secret: str) -> Any:
    async def demo_identity() -> dict[str, Any]:
        """A signed identity token for the demo customer, as a host product would mint one."""
        claims = {**DEMO_CUSTOMER, "iat": int(time.time()), "exp": int(time.time()) + 8 * 3600}
        return {**DEMO_CUSTOMER, "identity_token": jwt.encode(claims, secret, algorithm="HS256")}

    return demo_identity
