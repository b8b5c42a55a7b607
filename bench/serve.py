"""Overhead of a chat turn through `chatgw serve` over calling the upstream directly.

    python bench/serve.py [--turns 2000] [--concurrency 16] [--breakdown]

Three processes on loopback: a minimal asyncio HTTP upstream answering every GET with a small
JSON body; the real `chatgw serve` (uvicorn, SQLite in WAL mode in a temp folder) on a small
project whose one action makes that GET; and this load generator. It sends a fixed number of
chat turns (each a new conversation whose first message runs the action: one upstream GET,
a conversation row, messages, a run and tags written), then the same number of GETs straight
to the upstream, both with the same concurrency, and prints turns/s, p50/p99 of both, the
overhead per turn (p50 and p99 difference) and, on Linux, the CPU time the gateway process
spent per turn. Loopback only; a fixed count, never open-ended.

`--breakdown` also times the parts of a turn in this process, one at a time with no HTTP in
front: a bare httpx GET to the upstream, an engine turn in dry run, an engine turn with its
GET, and a whole gateway turn (engine, GET and store).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]

UPSTREAM = textwrap.dedent(
    """
    import asyncio, sys
    BODY = b'{"requests": 1234}'
    HEAD = b"HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nContent-Length: %d\\r\\n\\r\\n" % len(BODY)

    async def handle(reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\\r\\n\\r\\n")
                length = 0
                for line in head.split(b"\\r\\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                if length:
                    await reader.readexactly(length)
                writer.write(HEAD + BODY)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", int(sys.argv[1]), backlog=1024)
        async with server:
            await server.serve_forever()

    asyncio.run(main())
    """
)

SPEC = """\
openapi: 3.0.3
info: {title: Bench, version: "1"}
paths:
  /projects/{project_id}/usage:
    get:
      operationId: getProjectUsage
      parameters:
        - {name: project_id, in: path, required: true, schema: {type: string, pattern: "^proj_[a-z0-9]{5}$"}}
      responses:
        "200":
          description: usage
          content:
            application/json:
              schema: {type: object, properties: {requests: {type: integer}}}
"""

ACTION = """\
description: Show how many requests a project made this month.
intent:
  examples:
    - how many requests did my project make
    - show me the usage of proj_8f2k1
    - what is my usage this month
    - how much traffic did we use
    - check the request count for my project
slots:
  project_id:
    prompt: Which project is it? Project ids look like proj_ab12c.
call:
  operation: getProjectUsage
  path: {project_id: "{{ slots.project_id }}"}
reply:
  ok: Project {{ slots.project_id }} made {{ response.body.requests }} requests this month.
tags: [usage]
"""

CONFIG = """\
version: 1
name: bench
openapi: bench.openapi.yaml
upstream: {{base_url: "http://127.0.0.1:{port}", auth: {{type: none}}, retries: 0}}
actions: actions/
store: sqlite:///bench.db
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--breakdown", action="store_true", help="also time the parts of a turn in this process")
    args = parser.parse_args()
    turns = max(1, min(args.turns, 100_000))
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        upstream_port, gateway_port = _free_port(), _free_port()
        (root / "bench.openapi.yaml").write_text(SPEC)
        (root / "actions").mkdir()
        (root / "actions" / "show_usage.yaml").write_text(ACTION)
        (root / "chatgw.yaml").write_text(CONFIG.format(port=upstream_port))
        upstream = subprocess.Popen([sys.executable, "-c", UPSTREAM, str(upstream_port)])
        gateway = subprocess.Popen(
            [sys.executable, "-c", "from chatgw.cli import main; main()", "serve",
             "--config", str(root / "chatgw.yaml"), "--port", str(gateway_port)],
            cwd=ROOT, stderr=subprocess.DEVNULL,
        )
        try:
            gateway_url = f"http://127.0.0.1:{gateway_port}"
            upstream_url = f"http://127.0.0.1:{upstream_port}"
            _wait_ready(gateway_url + "/readyz", gateway)
            through, direct, cpu = asyncio.run(_measure(gateway_url, upstream_url, turns, args.concurrency, gateway.pid))
            parts = asyncio.run(_breakdown(root, upstream_url, min(turns, 1000))) if args.breakdown else None
        finally:
            for process in (gateway, upstream):
                process.terminate()
                process.wait(timeout=30)
    _report(turns, args.concurrency, through, direct, cpu)
    if parts is not None:
        print("in this process, one at a time (median ms; CPU ms per gateway turn):")
        for name, value in parts.items():
            print(f"  {name:34} {value:6.2f}")


Timing = tuple[float, list[float]]  # elapsed seconds, latencies in ms


async def _measure(gateway: str, upstream: str, turns: int, concurrency: int, pid: int) -> tuple[Timing, Timing, float | None]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        async def chat(n: int) -> None:
            response = await client.post(gateway + "/v1/chat", json={"message": f"show me the usage of proj_{n % 100000:05d}"})
            body = response.json()
            if response.status_code != 200 or "1234" not in " ".join(body.get("replies", [])):
                raise SystemExit(f"unexpected chat answer: {response.status_code} {body}")

        async def get(n: int) -> None:
            response = await client.get(f"{upstream}/projects/proj_{n % 100000:05d}/usage")
            if response.status_code != 200:
                raise SystemExit(f"unexpected upstream answer: {response.status_code}")

        await _run(chat, min(200, turns), concurrency)  # warm-up: connections, caches, SQLite pages
        cpu_before = _cpu_seconds(pid)
        through = await _run(chat, turns, concurrency)
        cpu_after = _cpu_seconds(pid)
        await _run(get, min(200, turns), concurrency)
        direct = await _run(get, turns, concurrency)
    cpu = None if cpu_before is None or cpu_after is None else (cpu_after - cpu_before) * 1000 / turns
    return through, direct, cpu


async def _breakdown(root: Path, upstream: str, count: int) -> dict[str, float]:
    """The parts of a turn, each `count` times in a row, in this process (imports chatgw)."""
    sys.path.insert(0, str(ROOT))
    from chatgw.compiler import load_project
    from chatgw.engine import Engine
    from chatgw.runtime import DryRunSender
    from chatgw.server import create_app
    from chatgw.store import open_store

    project = load_project(root / "chatgw.yaml")
    store = open_store("sqlite:///breakdown.db", root=str(root))  # not the running server's file
    app = create_app(project, store=store)
    gateway = app.state.gateway
    dry = Engine(project, DryRunSender())

    def message(n: int) -> str:
        return f"show me the usage of proj_{n % 100000:05d}"

    async def median(call) -> float:
        for n in range(min(100, count)):
            await call(n)
        latencies = []
        for n in range(count):
            started = time.perf_counter()
            await call(n)
            latencies.append((time.perf_counter() - started) * 1000)
        return statistics.median(latencies)

    parts: dict[str, float] = {}
    try:
        async with app.router.lifespan_context(app), httpx.AsyncClient() as client:
            url = f"{upstream}/projects/proj_00001/usage"
            parts["bare httpx GET to the upstream"] = await median(lambda n: client.get(url))
            parts["engine turn, dry run (no GET)"] = await median(lambda n: dry.turn(None, message(n)))
            parts["engine turn with its GET"] = await median(lambda n: gateway.plans.engine.turn(None, message(n)))
            parts["gateway turn (engine, GET, store)"] = await median(lambda n: gateway.chat(None, message(n), None))
            started = time.process_time()
            for n in range(count):
                await gateway.chat(None, message(n), None)
            parts["gateway turn, CPU (mean)"] = (time.process_time() - started) * 1000 / count
    finally:
        store.close()
    return parts


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far, from /proc (None where there is none)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _run(call, count: int, concurrency: int) -> Timing:
    latencies: list[float] = []
    counter = iter(range(count))

    async def worker() -> None:
        for n in counter:
            started = time.perf_counter()
            await call(n)
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies


def _report(turns: int, concurrency: int, through: Timing, direct: Timing, cpu: float | None) -> None:
    print(f"chatgw serve overhead: {turns} turns, concurrency {concurrency}, loopback, {os.cpu_count()} CPUs")
    print(f"{'':22} {'per s':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for name, (elapsed, latencies) in (("chat turn (gateway)", through), ("direct upstream GET", direct)):
        print(f"{name:22} {len(latencies) / elapsed:9.0f} {_pct(latencies, 50):8.2f} {_pct(latencies, 99):8.2f}")
    print(
        f"overhead per turn: p50 {_pct(through[1], 50) - _pct(direct[1], 50):.2f} ms, "
        f"p99 {_pct(through[1], 99) - _pct(direct[1], 99):.2f} ms"
    )
    if cpu is not None:
        print(f"gateway process CPU per turn: {cpu:.2f} ms")


def _pct(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-pct * len(ordered) // 100) - 1)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"chatgw serve exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise SystemExit("chatgw serve did not become ready in 60 s")


if __name__ == "__main__":
    main()
