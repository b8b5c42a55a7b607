"""`chatgw init` through the real CLI: what it writes, what it keeps, and how it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner, Result

import chatgw.cli.commands  # noqa: F401  (registers the commands)
from chatgw.cli import app
from chatgw.cli.init import parse_numbers, pick_operations
from chatgw.compiler import compile_project
from chatgw.openapi.loader import load_spec

REPO = Path(__file__).resolve().parents[2]
ACME = REPO / "schemas" / "acme.openapi.yaml"

SECURED = """\
openapi: 3.0.3
info: {{title: Widgets, version: "1"}}
servers: [{{url: /api}}]
security: [{{main: []}}]
components:
  securitySchemes:
    other: {{type: http, scheme: bearer}}
    main: {scheme}
paths:
  /widgets:
    get:
      operationId: listWidgets
      responses: {{"200": {{description: ok}}}}
"""


def _init(*args: str | Path) -> Result:
    return CliRunner().invoke(app, ["init", *map(str, args)])


def test_init_writes_config_and_one_action_per_operation(tmp_path: Path) -> None:
    config = tmp_path / "bot" / "chatgw.yaml"

    result = _init("--spec", ACME, "--operation", "rotateProjectKey", "-o", "GET /projects/{project_id}/usage", "--config", config)

    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "bot" / "actions").iterdir()) == ["get_usage.yaml", "rotate_project_key.yaml"]
    assert "wrote" in result.stdout and "replace the TODO examples" in result.stdout
    compiled = compile_project(config, environ={})
    assert compiled.errors == ()
    assert {d.code for d in compiled.warnings} == {"CGW403"}


def test_init_keeps_existing_action_files_without_force(tmp_path: Path) -> None:
    config = tmp_path / "chatgw.yaml"
    _init("--spec", ACME, "-o", "rotateProjectKey", "--config", config)
    action = tmp_path / "actions" / "rotate_project_key.yaml"
    action.write_text("# mine\n", encoding="utf-8")

    result = _init("--spec", ACME, "-o", "rotateProjectKey", "--config", config)

    assert result.exit_code == 1
    assert "rotate_project_key.yaml: it exists (--force replaces it)" in result.stdout
    assert action.read_text() == "# mine\n"


def test_init_force_replaces_action_files_but_never_the_config(tmp_path: Path) -> None:
    config = tmp_path / "chatgw.yaml"
    _init("--spec", ACME, "-o", "rotateProjectKey", "--config", config)
    config.write_text(config.read_text().replace("acme-cloud-support", "my-bot"), encoding="utf-8")
    action = tmp_path / "actions" / "rotate_project_key.yaml"
    action.write_text("# mine\n", encoding="utf-8")

    result = _init("--spec", ACME, "-o", "rotateProjectKey", "--config", config, "--force")

    assert result.exit_code == 0, result.output
    assert action.read_text().startswith("# Scaffolded by `chatgw init`")
    assert "name: my-bot" in config.read_text()


def test_init_writes_into_the_actions_folder_an_existing_config_names(tmp_path: Path) -> None:
    config = tmp_path / "chatgw.yaml"
    config.write_text("version: 1\nname: x\nopenapi: acme.yaml\nupstream: {base_url: http://127.0.0.1:9}\nactions: bot/actions\n")

    result = _init("--spec", ACME, "-o", "getUsage", "--config", config)

    assert result.exit_code == 0, result.output
    assert (tmp_path / "bot" / "actions" / "get_usage.yaml").is_file()


def test_init_unknown_operation_exits_2_with_did_you_mean(tmp_path: Path) -> None:
    result = _init("--spec", ACME, "-o", "rotateProjectKy", "--config", tmp_path / "chatgw.yaml")

    assert result.exit_code == 2
    assert "no operation 'rotateProjectKy' (did you mean 'rotateProjectKey'" in result.stderr
    assert not (tmp_path / "chatgw.yaml").exists()


def test_init_without_operations_and_without_a_terminal_exits_2(tmp_path: Path) -> None:
    result = _init("--spec", ACME, "--config", tmp_path / "chatgw.yaml")

    assert result.exit_code == 2
    assert "--operation" in result.stderr


def test_init_missing_spec_exits_2(tmp_path: Path) -> None:
    result = _init("--spec", tmp_path / "nope.yaml", "--all", "--config", tmp_path / "chatgw.yaml")

    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_init_spec_without_operations_exits_2_saying_so(tmp_path: Path) -> None:
    spec = tmp_path / "empty.yaml"
    spec.write_text("openapi: 3.0.3\ninfo: {title: Empty, version: '1'}\npaths: {}\n", encoding="utf-8")

    result = _init("--spec", spec, "--config", tmp_path / "chatgw.yaml")

    assert result.exit_code == 2
    assert "has no operations" in result.stderr and "--operation" not in result.stderr


def test_init_all_scaffolds_every_operation(tmp_path: Path) -> None:
    result = _init("--spec", ACME, "--all", "--config", tmp_path / "chatgw.yaml")

    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "actions").glob("*.yaml"))) == 9


@pytest.mark.parametrize(
    ("scheme", "expected"),
    [
        ("{type: http, scheme: basic}", "password: ${WIDGETS_API_PASSWORD}"),
        ("{type: apiKey, in: header, name: X-Api-Key}", "auth: {type: header, header: X-Api-Key, token: ${WIDGETS_API_KEY}}"),
        ("{type: oauth2, flows: {}}", "auth: {type: bearer, token: ${WIDGETS_API_TOKEN}}"),
        ("{type: apiKey, in: query, name: key}", "auth: {type: none}"),
    ],
)
def test_init_config_auth_follows_the_spec_security_scheme(scheme: str, expected: str, tmp_path: Path) -> None:
    spec = tmp_path / "widgets.yaml"
    spec.write_text(SECURED.format(scheme=scheme), encoding="utf-8")
    config = tmp_path / "chatgw.yaml"

    result = _init("--spec", spec, "-o", "listWidgets", "--config", config)

    assert result.exit_code == 0, result.output
    assert expected in config.read_text()
    assert "base_url: ${WIDGETS_API_URL:-http://127.0.0.1:8080/api}" in config.read_text()
    assert compile_project(config, environ={}).errors == ()


def test_pick_operations_lists_them_numbered_and_reads_ranges(tmp_path: Path) -> None:
    spec = load_spec(ACME, cache_dir=tmp_path / "cache")
    console = Console(record=True, width=200)
    answers = iter(["12", "2, 4-5"])

    chosen = pick_operations(spec, console, lambda *args, **kwargs: next(answers))

    assert [op.operation_id for op in chosen] == ["rotateProjectKey", "liftRateLimit", "changePlan"]
    shown = console.export_text()
    assert "rotateProjectKey" in shown and "POST /projects/{project_id}/keys/rotate" in shown
    assert "'12' is outside 1-9" in shown


@pytest.mark.parametrize(
    ("answer", "expected"), [("1", [1]), ("3,1", [3, 1]), ("2-4 4", [2, 3, 4]), (" 5 ,", [5])]
)
def test_parse_numbers_reads_lists_and_ranges(answer: str, expected: list[int]) -> None:
    assert parse_numbers(answer, 5) == expected


@pytest.mark.parametrize("answer", ["", "0", "6", "a", "4-2", "1-9"])
def test_parse_numbers_refuses_what_is_not_a_choice(answer: str) -> None:
    with pytest.raises(ValueError):
        parse_numbers(answer, 5)
