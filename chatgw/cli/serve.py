"""`chatgw serve`: the sidecar on uvicorn; SIGHUP recompiles, SIGTERM/SIGINT drain and stop.

One process by default; `--workers N` forks N (chatgw/server/prefork.py), each its own event
loop on the one listening socket, with the metrics shared between them.
"""

from __future__ import annotations

import asyncio
import gc
import ipaddress
import logging
import os
import signal
import shutil
import socket
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, NoReturn

import typer

from chatgw.cli import CONFIG_HELP, app
from chatgw.cli._common import DEFAULT_CONFIG, EXIT_CANNOT_RUN, fail, stderr
from chatgw.compiler import load_project
from chatgw.compiler.plans import ProjectPlan
from chatgw.errors import ChatgwError

if TYPE_CHECKING:
    from fastapi import FastAPI

    from chatgw.server.gateway import Gateway

MAX_WORKERS = 64


@app.command()
def serve(
    config: Path = typer.Option(DEFAULT_CONFIG, "--config", "-c", help=CONFIG_HELP),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8080, "--port", min=0, max=65535, help="Port to listen on."),
    watch: bool = typer.Option(False, "--watch", help="Reload when a YAML/JSON file under the config's folder changes (development)."),
    allow_open_operator: bool = typer.Option(
        False, "--allow-open-operator",
        help="Start on a non-loopback --host without server.operator_token; the inbox and insights then answer only direct clients on this machine.",
    ),
    workers: int = typer.Option(
        1, "--workers", min=1, max=MAX_WORKERS,
        help="Worker processes on the one port, each its own event loop (about one per CPU core).",
    ),
) -> None:
    """Run the chat API, the inbox, insights, metrics and health checks."""
    # Imported here: the server stack is heavy and other commands need none of it.
    from chatgw.server.listening import bind
    from chatgw.server.logging import configure, event, get_logger

    if workers > 1 and not hasattr(os, "fork"):
        fail("--workers needs a system with fork() (Linux, macOS); run one process per port instead")
    try:
        project = load_project(config)
    except ChatgwError as error:
        fail(error)
    open_operator = project.server.operator_token is None and not _loopback(host)
    if open_operator and not allow_open_operator:
        fail(
            f"--host {host} is not a loopback address and server.operator_token is not set; set it "
            "(the inbox and insights then need it), or pass --allow-open-operator to start anyway"
        )
    if workers == 1:
        application = _app_or_fail(project, config)
    else:
        _check_startable(project, config)  # the same errors, once, before anything forks
    try:
        listening = bind(host, port)  # a taken port fails here, before anything is announced
    except ChatgwError as error:
        fail(error)
    configure()
    if open_operator:
        event(
            get_logger(), "operator_without_token", logging.WARNING, host=host,
            reason="no server.operator_token: the inbox and insights answer direct clients on this machine only",
        )
    watched = Path(project.root) if watch else None
    if workers == 1:
        _run(application, listening, host, port, watched)
        return
    _serve_workers(workers, project, config, listening, host, port, watched)


def _app_or_fail(project: ProjectPlan, config: Path) -> FastAPI:
    """The app, or exit 2 with why it cannot start (unset secrets, a store it cannot open)."""
    from sqlalchemy.exc import SQLAlchemyError

    from chatgw.server import create_app
    from chatgw.server.app import UnsetSecrets

    try:
        return create_app(project, config_path=config)
    except UnsetSecrets as error:
        fail_lines(error.lines)
    except ChatgwError as error:
        fail(error)
    except SQLAlchemyError as error:
        fail(f"the store cannot be opened: {type(error).__name__}")


def _check_startable(project: ProjectPlan, config: Path) -> None:
    """What `_app_or_fail` would refuse, checked without building the app: the secrets, and
    that the store opens (closed again: a pool must not cross a fork)."""
    from sqlalchemy.exc import SQLAlchemyError

    from chatgw.server.app import UnsetSecrets, unset_secrets
    from chatgw.store import open_store

    missing = unset_secrets(project)
    if missing:
        fail_lines(UnsetSecrets(missing, config.name).lines)
    try:
        open_store(project.store, root=project.root).close()
    except ChatgwError as error:
        fail(error)
    except SQLAlchemyError as error:
        fail(f"the store cannot be opened: {type(error).__name__}")


def _run(application: FastAPI, listening: socket.socket, host: str, port: int, watch: Path | None,
         parent: int | None = None) -> None:
    """Serve `application` on `listening` until SIGTERM/SIGINT, in this process's own event loop."""
    import uvicorn

    server = uvicorn.Server(
        uvicorn.Config(
            application, host=host, port=port, log_config=None, access_log=False,
            # request.client stays the peer: X-Forwarded-For is never trusted to name it.
            proxy_headers=False,
            timeout_graceful_shutdown=10, lifespan="on",
        )
    )
    _settle_memory()
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(_serve(server, listening, application.state.gateway, watch, parent))


def _serve_workers(
    count: int, project: ProjectPlan, config: Path, listening: socket.socket, host: str, port: int,
    watch: Path | None,
) -> None:
    """`count` forked workers on `listening`, their metrics summed in a folder removed at the end."""
    from chatgw.server.metrics import share_between_processes
    from chatgw.server.prefork import supervise

    parent = os.getpid()

    def worker(index: int) -> int:
        # A restarted worker takes the configuration as it is now, if it still compiles.
        try:
            current = load_project(config)
        except ChatgwError:
            current = project
        try:
            application = _app_or_fail(current, config)
        except typer.Exit as error:  # its reason is printed; the supervisor decides what follows
            return error.exit_code
        _run(application, listening, host, port, watch, parent)
        return 0

    folder = tempfile.mkdtemp(prefix="chatgw-metrics-")
    try:
        share_between_processes(folder)
        _settle_memory()  # what the workers inherit, frozen once here instead of in each
        status = supervise(count, worker)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        listening.close()
    if status:
        raise typer.Exit(status)


def fail_lines(lines: Iterable[str]) -> NoReturn:
    """Print each reason as its own `chatgw: error:` line and exit 2 (`chatgw demo` uses it too)."""
    for line in lines:
        stderr.print(f"chatgw: error: {line}", markup=False)
    raise typer.Exit(EXIT_CANNOT_RUN)


async def _serve(
    server: Any, listening: socket.socket, gateway: Gateway, watch: Path | None, parent: int | None = None
) -> None:
    loop = asyncio.get_running_loop()
    pending: set[asyncio.Task[Any]] = set()

    def spawn(coroutine: Any) -> None:
        task = loop.create_task(coroutine)
        pending.add(task)
        task.add_done_callback(pending.discard)

    loop.add_signal_handler(signal.SIGHUP, lambda: spawn(_reload(gateway)))
    if watch is not None:
        spawn(_watch(watch, gateway))
    if parent is not None:
        spawn(_stop_when_orphaned(server, parent))
    try:
        await server.serve([listening])  # type: ignore[attr-defined]
    finally:
        loop.remove_signal_handler(signal.SIGHUP)
        for task in pending:
            task.cancel()


async def _stop_when_orphaned(server: Any, parent: int, every: float = 1.0) -> None:
    """A worker whose supervisor died (SIGKILL, OOM) drains and stops instead of serving on alone."""
    from chatgw.server.prefork import parent_gone

    while not parent_gone(parent):
        await asyncio.sleep(every)
    server.should_exit = True


async def _reload(gateway: Gateway) -> None:
    if await gateway.reload():
        _settle_memory()  # the old plans are garbage now


def _settle_memory() -> None:
    """Collect what start-up (or a reload) left behind, then freeze the rest.

    What is alive now (modules, plans, the intent model) lives until the process ends or a
    reload replaces the plans; frozen, the collector's full passes skip it instead of
    pausing the event loop to walk it again and again.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


async def _watch(root: Path, gateway: Gateway, every: float = 1.0) -> None:
    """Poll the project's files; reload when any changed (no extra dependency needed)."""
    seen = snapshot(root)
    while True:
        await asyncio.sleep(every)
        now = snapshot(root)
        if now != seen:
            seen = now
            await _reload(gateway)


def snapshot(root: Path) -> dict[str, float]:
    """Modification times of the YAML and JSON files under `root` (hidden folders skipped)."""
    found: dict[str, float] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in _SKIP]
        for name in files:
            if name.endswith((".yaml", ".yml", ".json")):
                path = os.path.join(folder, name)
                try:
                    found[path] = os.stat(path).st_mtime
                except OSError:
                    continue
    return found


_SKIP = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop where it is installed (a dependency, except on Windows): the same asyncio API,
    with a faster loop and transports; else asyncio's own loop."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
