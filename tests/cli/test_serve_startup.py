"""`chatgw serve` refuses to start unsafe or unable to work: an operator surface open to the
network without a token, or secret references whose variables are not set."""

from __future__ import annotations

from pathlib import Path

import httpx
import typer
from typer.testing import CliRunner

import chatgw.cli.commands  # noqa: F401  (registers the commands)
from chatgw.cli import app as cli

from tests.server.gateway import ENV, write_project
from tests.server.served import free_port, serving, start

ALL_SECRETS = """\
server: {operator_token: ${CHATGW_OPERATOR_TOKEN}}
handoff: {webhook: "http://127.0.0.1:9/hook", webhook_secret: ${HANDOFF_WEBHOOK_SECRET}}
"""


def test_serve_on_a_non_loopback_host_without_an_operator_token_refuses_to_start(tmp_path: Path) -> None:
    config = write_project(tmp_path, "http://127.0.0.1:9")
    # A child process, bounded: code that wrongly starts would otherwise serve forever.
    process = start(config, "--host", "0.0.0.0", "--port", str(free_port()))
    try:
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
        process.wait()

    assert process.returncode == 2
    [line] = stderr.splitlines()
    assert line.startswith("chatgw: error: --host 0.0.0.0 is not a loopback address and server.operator_token is not set")
    assert "--allow-open-operator" in line


def test_serve_on_a_non_loopback_host_starts_with_allow_open_operator(tmp_path: Path) -> None:
    config = write_project(tmp_path, "http://127.0.0.1:9")
    with serving(config, "--allow-open-operator", host="0.0.0.0") as served:
        ready = httpx.get(served.url + "/readyz").status_code

    assert ready == 200
    [warning] = [e for e in served.events() if e["event"] == "operator_without_token"]
    assert warning["level"] == "warning" and warning["host"] == "0.0.0.0"


def test_serve_with_unset_secrets_names_each_variable_on_its_own_line_and_exits_2(tmp_path: Path) -> None:
    config = write_project(tmp_path, "http://127.0.0.1:9", ALL_SECRETS)
    unset = {"ACME_API_TOKEN": None, "CHATGW_IDENTITY_SECRET": None, "CHATGW_OPERATOR_TOKEN": None}

    result = CliRunner().invoke(cli, ["serve", "--config", str(config)], env={**ENV, **unset})

    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "chatgw: error: ACME_API_TOKEN is not set (upstream.auth.token in chatgw.yaml); export it before starting",
        "chatgw: error: CHATGW_IDENTITY_SECRET is not set (identity.secret in chatgw.yaml); export it before starting",
        "chatgw: error: CHATGW_OPERATOR_TOKEN is not set (server.operator_token in chatgw.yaml); export it before starting",
    ]
    assert ENV["HANDOFF_WEBHOOK_SECRET"] not in result.output  # the one that is set is never shown
    assert not (tmp_path / "chatgw.db").exists()  # stopped before opening anything


def test_serve_names_every_key_of_a_variable_used_twice_and_an_empty_one_counts_as_unset(tmp_path: Path) -> None:
    shared = ALL_SECRETS.replace("${HANDOFF_WEBHOOK_SECRET}", "${CHATGW_IDENTITY_SECRET}")
    config = write_project(tmp_path, "http://127.0.0.1:9", shared)

    result = CliRunner().invoke(cli, ["serve", "--config", str(config)], env={**ENV, "CHATGW_IDENTITY_SECRET": ""})

    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "chatgw: error: CHATGW_IDENTITY_SECRET is not set (identity.secret, handoff.webhook_secret in chatgw.yaml); "
        "export it before starting"
    ]


def test_every_serve_option_is_in_its_section_of_the_command_reference() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "commands.md").read_text()
    section = text.split("## `chatgw serve`\n", 1)[1].split("\n## ", 1)[0]
    command = typer.main.get_command(cli).commands["serve"]  # type: ignore[attr-defined]
    options = [name for param in command.params for name in param.opts if name.startswith("--") and name != "--config"]
    assert "--allow-open-operator" in options
    assert [name for name in options if f"`{name}" not in section and f"[{name}" not in section] == []
