"""Every command, walked with the mistakes an operator makes: a config that is missing, a folder,
not YAML, not UTF-8, not a mapping, a device or far too large; and bad option values. Each must
print one clear reason (or located diagnostics) and exit non-zero, never a traceback.

The commands are read from the CLI itself, so a command added later is walked too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
import typer
from typer.testing import CliRunner

import chatgw.cli.commands  # noqa: F401  (registers the commands)
from chatgw.cli import app
from chatgw.config.yamlpos import MAX_FILE_BYTES
from tests.projects import write_acme

BAD_CONFIGS = {
    "missing": None,
    "folder": "a folder",
    "broken": "version: 1\nname: [\n",
    "latin1": "name: caf\xe9\n".encode("latin-1"),
    "list": "- version: 1\n",
    "device": "/dev/null",
    "huge": b"name: " + b"a" * (MAX_FILE_BYTES + 10) + b"\n",
}


def commands() -> Iterator[tuple[str, ...]]:
    """The path of every command that takes --config: ("validate",), ("store", "upgrade"), ..."""

    def walk(group: typer.core.TyperGroup, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        for name, command in sorted(group.commands.items()):
            if hasattr(command, "commands"):
                yield from walk(command, (*path, name))
            elif any("--config" in getattr(param, "opts", ()) for param in command.params):
                yield (*path, name)

    yield from walk(typer.main.get_command(app), ())


def _config(tmp_path: Path, kind: str) -> Path:
    content = BAD_CONFIGS[kind]
    if kind == "device":
        return Path(content)
    path = tmp_path / "chatgw.yaml"
    if kind == "folder":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    return path


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    # An exception that escaped the command (a traceback for the operator) is not an exit.
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, repr(result.exception))
    return result.exit_code, result.output


def test_every_command_walks_a_list_of_commands() -> None:
    found = set(commands())
    assert {("validate",), ("serve",), ("store", "upgrade"), ("store", "prune"), ("mcp",), ("inbox",)} <= found
    assert len(found) >= 12


@pytest.mark.parametrize("kind", sorted(BAD_CONFIGS))
@pytest.mark.parametrize("command", sorted(commands()), ids=" ".join)
def test_every_command_with_a_bad_config_says_why_in_a_few_lines(tmp_path: Path, command: tuple[str, ...], kind: str) -> None:
    config = _config(tmp_path, kind)
    code, output = _run(*command, "--config", str(config))

    assert code != 0, output
    assert "Traceback" not in output and len(output.splitlines()) <= 12, output
    if command != ("init",):  # init asks for --spec before it reads anything
        assert config.name in output, output
    assert max(map(len, output.splitlines())) < 400, "a long line of the file was printed whole"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("serve", "--port", "99999"), "'--port': Input should be less than or equal to 65535"),
        (("serve", "--port", "-1"), "'--port': Input should be greater than or equal to 0"),
        (("demo", "--port", "70000"), "'--port'"),
        (("demo", "--api-port", "-1"), "'--api-port'"),
        (("serve", "--workers", "0"), "'--workers'"),
        (("insights", "--since", "99999999999999999999d"), "at most 520w"),
        (("store", "prune", "--older-than", "-5d"), "is not a retention"),
        (("mcp", "--as", "nope"), "is not CLAIM=VALUE"),
        (("try", "--as", "nope"), "CLAIM=VALUE"),
        (("tools", "--format", "xml"), "'xml' is not one of"),
        (("init", "--spec", "/dev/null"), "--spec"),
    ],
)
def test_bad_option_values_are_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], words: str) -> None:
    monkeypatch.chdir(write_acme(tmp_path).parent)
    monkeypatch.setenv("ACME_API_TOKEN", "t")
    code, output = _run(*args)
    assert code == 2 and len(output.strip().splitlines()) == 1 and words in output, output


def test_schema_out_that_is_not_a_folder_is_one_line(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    code, output = _run("schema", "--out", str(afile))
    assert code == 2 and output.startswith("chatgw: error: cannot write ") and "pass --out a folder" in output


@pytest.mark.parametrize("command", [("inbox",), ("insights",), ("store", "upgrade"), ("serve",), ("demo", "--port", "0", "--api-port", "0")], ids=" ".join)
def test_a_store_url_of_an_unknown_database_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]) -> None:
    config = write_acme(tmp_path, extra="store: mongodb://127.0.0.1/x\n")
    monkeypatch.setenv("ACME_API_TOKEN", "t")
    store = ("--store", "mongodb://127.0.0.1/x") if command[0] == "demo" else ()
    code, output = _run(*command, "--config", str(config), *store)
    assert code == 2 and "'mongodb' is not a database chatgw can use" in output, output
