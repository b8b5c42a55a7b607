"""`chatgw serve` start-up failures, and reloading the plans (what SIGHUP does)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

import chatgw.cli.commands  # noqa: F401  (registers the commands)
from chatgw.cli import app as cli

from tests.projects import ACME_ACTIONS
from tests.server.gateway import ENV, build_app, captured_logs, events, running, write_project
from tests.upstream import Reply, serve

# Every test here runs on SQLite and on a real PostgreSQL.
pytestmark = pytest.mark.usefixtures("each_store")


def test_serve_with_a_missing_config_says_why_and_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--config", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert result.output.startswith("chatgw: error:") and "Traceback" not in result.output


def test_serve_with_an_unset_identity_secret_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_project(tmp_path, "http://127.0.0.1:9")
    monkeypatch.delenv("CHATGW_IDENTITY_SECRET")
    result = CliRunner().invoke(cli, ["serve", "--config", str(config)])
    assert result.exit_code == 2 and "CHATGW_IDENTITY_SECRET" in result.output


def test_reload_with_errors_keeps_the_running_plans_then_takes_fixed_ones(tmp_path: Path) -> None:
    with serve() as upstream:
        upstream.default = Reply(200, {"requests": 7, "key_suffix": "x9Qz"})
        config = write_project(tmp_path, upstream.url)
        app = build_app(config)
        gateway = app.state.gateway
        broken = tmp_path / "actions" / "show_usage.yaml"
        with captured_logs() as lines, running(app) as url, httpx.Client(base_url=url) as client:
            broken.write_text(ACME_ACTIONS["show_usage"].replace("getProjectUsage", "getProjectUsageTypo"))
            kept = asyncio.run(gateway.reload())
            still = client.post("/v1/chat", json={"message": "show me the usage of proj_8f2k1"}).json()
            broken.write_text(ACME_ACTIONS["show_usage"].replace("[usage]", "[usage, reloaded]"))
            taken = asyncio.run(gateway.reload())
            fresh = client.post("/v1/chat", json={"message": "show me the usage of proj_8f2k1"}).json()

    assert kept is False and still["intent"]["name"] == "show_usage" and "reloaded" not in still["tags"]
    [failed] = [e for e in events(lines) if e["event"] == "reload_failed"]
    assert any("getProjectUsageTypo" in d for d in failed["diagnostics"])
    assert taken is True and "reloaded" in fresh["tags"]


def test_serve_process_answers_reloads_on_sighup_and_stops_cleanly(tmp_path: Path) -> None:
    import json
    import os
    import signal
    import socket
    import subprocess
    import sys

    from tests.server.gateway import wait_for

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with serve() as upstream:
        upstream.default = Reply(200, {"requests": 7})
        config = write_project(tmp_path, upstream.url)
        process = subprocess.Popen(
            [sys.executable, "-c", "from chatgw.cli import main; main()", "serve", "--config", str(config), "--port", str(port)],
            env={**os.environ, **ENV}, stderr=subprocess.PIPE, text=True,
        )
        url = f"http://127.0.0.1:{port}"

        def ready() -> bool:
            try:
                return httpx.get(url + "/readyz", timeout=1).status_code == 200
            except httpx.TransportError:
                return process.poll() is not None

        try:
            wait_for(ready, limit=60)
            turn = httpx.post(url + "/v1/chat", json={"message": "show me the usage of proj_8f2k1"}).json()
            process.send_signal(signal.SIGHUP)
            wait_for(lambda: httpx.get(url + "/metrics").text.count('chatgw_reloads_total{result="ok"} 1.0') == 1)
            reloaded = 'chatgw_reloads_total{result="ok"} 1.0' in httpx.get(url + "/metrics").text
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=60)

    assert turn["intent"]["name"] == "show_usage" and reloaded
    assert process.returncode in (0, -signal.SIGTERM)  # uvicorn re-raises the signal once drained
    logged = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert {"started", "turn", "reloaded", "stopped"} <= {line["event"] for line in logged}
    assert ENV["ACME_API_TOKEN"] not in stderr and "Traceback" not in stderr


def test_serve_watch_snapshot_sees_an_edited_action(tmp_path: Path) -> None:
    import os

    from chatgw.cli.serve import snapshot

    config = write_project(tmp_path, "http://127.0.0.1:9")
    before = snapshot(config.parent)
    action = tmp_path / "actions" / "show_usage.yaml"
    os.utime(action, (1, 1))
    assert str(action) in before and snapshot(config.parent) != before
