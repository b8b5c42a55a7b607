"""`chatgw demo` refusing to start: the ports are bound before anything is announced."""

from __future__ import annotations

import socket
from typing import Iterator

import pytest
from typer.testing import CliRunner

import chatgw.cli.commands  # noqa: F401  (registers the commands)
from chatgw.cli import app


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port something else is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


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
