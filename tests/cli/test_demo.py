"""`chatgw demo` and `chatgw serve` refusing to start: ports are bound before anything is announced."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

import chatgw.cli.commands  # noqa: F401  (registers the commands)
from chatgw.cli import app

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
