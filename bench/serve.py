"""Overhead of a chat turn through `chatgw serve` over calling the upstream directly.

    python bench/serve.py [--turns 2000] [--concurrency 1,16] [--workers 1,2]
                          [--store sqlite,postgresql] [--generator httpx|wrk] [--breakdown]

Processes on loopback: a minimal asyncio HTTP upstream answering every request with a small
JSON body; the real `chatgw serve` (uvicorn; `--workers N`) on a small project whose one
action makes a GET to it, on a SQLite file in WAL mode or a throwaway PostgreSQL cluster
(tests/postgres.py; its binaries must be installed); and a load generator: this process's
httpx client, or `wrk` (Debian package `wrk`, a Lua script for the POST bodies) so the
generator does not eat the gateway's CPU. For every store, worker count and concurrency it
sends a fixed number of chat turns (each a new conversation whose first message runs the
action: one upstream GET, a conversation row, messages, a run and tags written), then the
same number of GETs straight to the upstream with the same generator and concurrency (the
floor), and prints turns/s, p50/p99 of both, the overhead (p50 difference) and, on Linux, the
CPU time the gateway's processes (supervisor and workers) spent per turn. Loopback only; a
fixed count (httpx) or a fixed time (`--seconds`, wrk), never open-ended.

`--breakdown` also times the parts of a turn in this process, one at a time with no HTTP in
front: a bare httpx GET to the upstream, an engine turn in dry run, an engine turn with its
GET, and a whole gateway turn (engine, GET and store), on SQLite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
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
store: "{store}"
nlu: {{engine: {nlu}}}
"""


WRK_SCRIPT = """
-- One chat turn per request, each a new conversation, for the run's duration.
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  local body = string.format('{"message": "show me the usage of proj_%05d"}', counter % 100000)
  return wrk.format(nil, os.getenv("BENCH_PATH"), nil, body)
end
done = function(summary, latency, requests)
  io.write(string.format('BENCH {"requests": %d, "seconds": %f, "p50": %f, "p99": %f, "errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""

WRK_GET_SCRIPT = """
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", string.format("/projects/proj_%05d/usage", counter % 100000))
end
""" + WRK_SCRIPT[WRK_SCRIPT.index("done = function"):]


@dataclass
class Figures:
    """One measured run: how many, how long, and the latencies."""

    count: int
    seconds: float
    p50: float  # ms
    p99: float  # ms

    @property
    def rate(self) -> float:
        return self.count / self.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=2000)
    parser.add_argument("--concurrency", default="1,16", help="comma-separated, e.g. 1,16")
    parser.add_argument("--workers", default="1,2", help="comma-separated `chatgw serve --workers` values")
    parser.add_argument("--store", default="sqlite,postgresql", help="sqlite, postgresql or both")
    parser.add_argument("--generator", choices=("httpx", "wrk"), default="httpx")
    parser.add_argument("--seconds", type=float, default=5.0, help="with wrk: how long each run lasts")
    parser.add_argument("--nlu", choices=("builtin", "embeddings"), default="builtin",
                        help="the intent engine (embeddings adds its encoder's ~6 ms of CPU per message)")
    parser.add_argument("--breakdown", action="store_true", help="also time the parts of a turn in this process")
    args = parser.parse_args()
    turns = max(1, min(args.turns, 100_000))
    concurrencies = [max(1, min(int(c), 256)) for c in args.concurrency.split(",")]
    worker_counts = [max(1, min(int(w), 16)) for w in args.workers.split(",")]
    stores = [s.strip() for s in args.store.split(",")]
    if args.generator == "wrk" and shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk), or use --generator httpx")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"chatgw serve overhead: {turns} turns per run, loopback, {os.cpu_count()} CPUs, "
          f"generator {args.generator}, nlu {args.nlu}, load average {load:.1f} at the start")
    print(f"{'store':10} {'workers':>7} {'conc':>4} {'turns/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'direct/s':>8} {'p50':>6} {'p99':>6} {'overhead p50':>12} {'CPU ms/turn':>11}")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        upstream_port = _free_port()
        (root / "bench.openapi.yaml").write_text(SPEC)
        (root / "actions").mkdir()
        (root / "actions" / "show_usage.yaml").write_text(ACTION)
        upstream = subprocess.Popen([sys.executable, "-c", UPSTREAM, str(upstream_port)])
        upstream_url = f"http://127.0.0.1:{upstream_port}"
        cluster = None
        try:
            for store in stores:
                if store == "postgresql" and cluster is None:
                    cluster = _postgres()
                for workers in worker_counts:
                    url = f"sqlite:///bench-{workers}.db" if store == "sqlite" else cluster.database()
                    (root / "chatgw.yaml").write_text(CONFIG.format(port=upstream_port, store=url, nlu=args.nlu))
                    for concurrency in concurrencies:
                        through, direct, cpu = _one_run(root, upstream_url, workers, turns, concurrency, args)
                        _row(store, workers, concurrency, through, direct, cpu)
            parts = asyncio.run(_breakdown(root, upstream_url, min(turns, 1000))) if args.breakdown else None
        finally:
            upstream.terminate()
            upstream.wait(timeout=30)
            if cluster is not None:
                cluster.stop()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average {load:.1f} at the end")
    if parts is not None:
        print("in this process, one at a time (median ms; CPU ms per gateway turn):")
        for name, value in parts.items():
            print(f"  {name:34} {value:6.2f}")


def _one_run(root: Path, upstream_url: str, workers: int, turns: int, concurrency: int, args) -> tuple[Figures, Figures, float | None]:
    """Start `chatgw serve --workers N`, warm it, measure the turns, stop it, measure the floor."""
    port = _free_port()
    gateway = subprocess.Popen(
        [sys.executable, "-c", "from chatgw.cli import main; main()", "serve",
         "--config", str(root / "chatgw.yaml"), "--port", str(port), "--workers", str(workers)],
        cwd=ROOT, stderr=subprocess.DEVNULL,
    )
    gateway_url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(gateway_url + "/readyz", gateway)
        generate = _wrk if args.generator == "wrk" else _httpx
        warm = max(1.0, args.seconds / 5)
        generate(gateway_url, "chat", min(200 * workers, turns), concurrency, warm)  # warm-up: every worker
        cpu_before = _cpu_seconds(gateway.pid)
        through = generate(gateway_url, "chat", turns, concurrency, args.seconds)
        cpu_after = _cpu_seconds(gateway.pid)
    finally:
        gateway.terminate()
        gateway.wait(timeout=60)
    generate(upstream_url, "get", min(200, turns), concurrency, warm)
    direct = generate(upstream_url, "get", turns, concurrency, args.seconds)
    cpu = None if cpu_before is None or cpu_after is None else (cpu_after - cpu_before) * 1000 / through.count
    return through, direct, cpu


def _httpx(url: str, kind: str, count: int, concurrency: int, _seconds: float) -> Figures:
    return asyncio.run(_httpx_run(url, kind, count, concurrency))


async def _httpx_run(url: str, kind: str, count: int, concurrency: int) -> Figures:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        async def chat(n: int) -> None:
            response = await client.post(url + "/v1/chat", json={"message": f"show me the usage of proj_{n % 100000:05d}"})
            body = response.json()
            if response.status_code != 200 or "1234" not in " ".join(body.get("replies", [])):
                raise SystemExit(f"unexpected chat answer: {response.status_code} {body}")

        async def get(n: int) -> None:
            response = await client.get(f"{url}/projects/proj_{n % 100000:05d}/usage")
            if response.status_code != 200:
                raise SystemExit(f"unexpected upstream answer: {response.status_code}")

        elapsed, latencies = await _run(chat if kind == "chat" else get, count, concurrency)
    return Figures(len(latencies), elapsed, _pct(latencies, 50), _pct(latencies, 99))


def _wrk(url: str, kind: str, count: int, concurrency: int, seconds: float) -> Figures:
    """`seconds` of requests (wrk counts time, not requests):
    any answer but a 2xx fails the run, and each chat answer is checked by the server's
    status only, since wrk's Lua checks would cost it CPU."""
    threads = 1  # one thread of C is far cheaper than the gateway; it leaves the cores to it
    seconds = max(1, round(seconds))  # wrk takes whole seconds only ("1.6s" prints its usage)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT if kind == "chat" else WRK_GET_SCRIPT)
    try:
        env = {**os.environ, "BENCH_PATH": "/v1/chat"}
        done = subprocess.run(
            ["wrk", "-t", str(threads), "-c", str(concurrency), "-d", f"{seconds:g}s", "--timeout", "30s",
             "-s", script.name, url], capture_output=True, text=True, env=env, timeout=seconds + 60,
        )
    finally:
        os.unlink(script.name)
    line = next((l for l in done.stdout.splitlines() if l.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"wrk failed: {done.stderr or done.stdout}")
    result = json.loads(line[6:])
    if result["errors"]:
        raise SystemExit(f"wrk saw {result['errors']} failed requests against {url}")
    return Figures(result["requests"], result["seconds"], result["p50"], result["p99"])


def _postgres():
    """A throwaway PostgreSQL cluster (the tests' own helper)."""
    sys.path.insert(0, str(ROOT))
    from tests import postgres

    bin_dir = postgres.binaries()
    if bin_dir is None:
        raise SystemExit("no PostgreSQL binaries (initdb, pg_ctl) for --store postgresql")
    cluster = postgres.Cluster(bin_dir)
    cluster.start()
    return cluster


def _row(store: str, workers: int, concurrency: int, through: Figures, direct: Figures, cpu: float | None) -> None:
    print(
        f"{store:10} {workers:7} {concurrency:4} {through.rate:8.0f} {through.p50:7.2f} {through.p99:7.2f} "
        f"{direct.rate:8.0f} {direct.p50:6.2f} {direct.p99:6.2f} {through.p50 - direct.p50:12.2f} "
        f"{'' if cpu is None else f'{cpu:11.2f}'}",
        flush=True,
    )


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
    """User + system CPU time so far of a process and its children that are running (the
    workers), from /proc (None where there is none)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        total = 0.0
        for process in (pid, *map(int, children)):
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return None
    return total


async def _run(call, count: int, concurrency: int) -> tuple[float, list[float]]:
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
