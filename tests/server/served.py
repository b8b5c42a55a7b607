"""The real `chatgw serve` process on loopback, for tests that need the CLI's logging and uvicorn
as deployed: start it, wait until it answers, stop it with SIGTERM and keep what it printed."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import httpx

from tests.server.gateway import ENV, wait_for


@dataclass
class Served:
    url: str
    process: subprocess.Popen[str]
    log: Path  # where its stderr goes, readable while it runs
    stderr: str = ""  # filled in when the process has stopped

    def lines(self) -> list[str]:
        return self.stderr.splitlines()

    def events(self) -> list[dict[str, Any]]:
        """The log lines, parsed (each must be one JSON object); while it runs, those so far."""
        text = self.stderr or self.log.read_text()
        complete = text[: text.rfind("\n") + 1]  # a line being written is not one yet
        return [json.loads(line) for line in complete.splitlines() if line]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(
    config: Path, *options: str, stderr: Any = subprocess.PIPE, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """`chatgw serve --config CONFIG OPTIONS...` in a child process, with the server tests' secrets
    (and `env` on top)."""
    return subprocess.Popen(
        [sys.executable, "-c", "from chatgw.cli import main; main()", "serve", "--config", str(config), *options],
        env={**os.environ, **ENV, **(env or {})}, stdout=subprocess.DEVNULL, stderr=stderr, text=True,
    )


@contextmanager
def serving(config: Path, *options: str, host: str = "127.0.0.1", env: dict[str, str] | None = None) -> Iterator[Served]:
    """Run `chatgw serve` on a free port until the block ends; `stderr` then holds what it printed.

    stderr goes to a file beside the config (one per port, so replicas of one config keep
    theirs apart), not a pipe: a long run logs more than a pipe holds.
    """
    port = free_port()
    log = config.parent / f"serve-{port}.log"
    with log.open("w") as sink:
        process = start(config, "--host", host, "--port", str(port), *options, stderr=sink, env=env)
    served = Served(f"http://127.0.0.1:{port}", process, log)

    def ready() -> bool:
        try:
            return httpx.get(served.url + "/readyz", timeout=5).status_code == 200
        except httpx.TransportError:
            return process.poll() is not None

    try:
        wait_for(ready, limit=60)
        assert process.poll() is None, "chatgw serve stopped at start-up"
        yield served
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        served.stderr = log.read_text()
