"""`chatgw demo` and `chatgw serve` refusing to start: ports are bound before anything is announced."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

import chatgw.cli.commands  # noqa: F401  (registers the commands)
from chatgw.cli import app

from tests.server.mcp import http_client

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("option", ["--port", "--api-port"])
def test_demo_on_a_busy_port_names_the_option_and_exits_2(busy_port: int, option: str) -> None:
    other = "--api-port" if option == "--port" else "--port"

    result = CliRunner().invoke(app, ["demo", option, str(busy_port), other, str(_free_port())])

    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"chatgw: error: cannot listen on 127.0.0.1:{busy_port} ")
    assert f"pass {option} with a free port" in line


def test_serve_on_a_busy_port_exits_2_before_starting(busy_port: int, tmp_path: Path) -> None:
    for part in ("chatgw.yaml", "actions", "schemas"):  # a copy: serve creates its store beside the config
        copy = shutil.copytree if (ROOT / part).is_dir() else shutil.copy
        copy(ROOT / part, tmp_path / part)
    environment = {"ACME_API_TOKEN": "t", "CHATGW_IDENTITY_SECRET": "s", "HANDOFF_WEBHOOK_URL": ""}
    result = CliRunner().invoke(
        app, ["serve", "--config", str(tmp_path / "chatgw.yaml"), "--port", str(busy_port)], env=environment
    )

    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"chatgw: error: cannot listen on 127.0.0.1:{busy_port} ")
    assert "pass --port with a free port" in line


def test_demo_prints_the_mcp_url_and_how_to_connect_and_an_agent_can(tmp_path: Path) -> None:
    port, api_port = _free_port(), _free_port()
    with subprocess.Popen(
        [sys.executable, "-c", "from chatgw.cli import main; main()", "demo", "--config", str(ROOT / "chatgw.yaml"),
         "--port", str(port), "--api-port", str(api_port), "--store", f"sqlite:///{tmp_path / 'demo.db'}"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env={**os.environ, "HANDOFF_WEBHOOK_URL": ""},
    ) as process:
        try:
            assert process.stdout is not None
            printed = []
            for line in process.stdout:  # the banner ends with the examples to try
                printed.append(line.rstrip("\n"))
                if line.startswith("Try:"):
                    break
            [mcp] = [line for line in printed if line.split()[:1] == ["MCP"]]
            url, identity = re.fullmatch(r"\s*MCP\s+(\S+) \(streamable HTTP; header Authorization: Bearer <identity_token of (\S+)>\)", mcp).groups()
            assert url == f"http://127.0.0.1:{port}/mcp" and identity == f"http://127.0.0.1:{port}/demo/identity"
            assert printed.index(mcp) < next(i for i, line in enumerate(printed) if "Acme API" in line)  # with the other URLs

            async def tools() -> list[str]:  # connect exactly as the line says
                token = httpx.get(identity, timeout=30).json()["identity_token"]
                async with http_client(url.removesuffix("/mcp"), token) as client:
                    return [tool.name for tool in (await client.list_tools()).tools]

            names = asyncio.run(tools())
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)
    assert "check_usage" in names and "apply_credit" in names
