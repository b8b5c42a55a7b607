"""`chatgw validate`: exit codes, the four output formats, and the real entry point."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import chatgw.cli.validate  # noqa: F401  (registers the command on the app)
from chatgw.cli import app
from tests.projects import CANCEL, SHOP_CONFIG, write_shop

REPO = Path(__file__).resolve().parents[2]
TYPO = CANCEL.replace("operation: cancelOrder", "operation: cancelOrdr")
UNCONFIRMED = CANCEL.replace("call:", "confirm: false\ncall:", 1).replace(
    "[cancel my order, I don't want order ord_ab12cd any more, stop my order]",
    "[drop the order right away, scrap ord_ab12cd now, kill my order]",
)


def _project(root: Path, actions: dict[str, str], config: str = SHOP_CONFIG) -> Path:
    """A project in `root/bot/` (not the working directory), reading the small shop spec."""
    return write_shop(root / "bot", {"chatgw.yaml": config, **{f"actions/{name}": text for name, text in actions.items()}})


def _validate(*args: str | Path) -> Result:
    return CliRunner().invoke(app, ["validate", *map(str, args)])


def test_validate_repo_example_exits_0_with_no_diagnostics() -> None:
    result = _validate("--config", REPO / "chatgw.yaml")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("All checks passed: ")
    assert result.stdout.count("\n") == 1


def test_validate_repo_example_json_has_no_diagnostics() -> None:
    result = _validate("--config", REPO / "chatgw.yaml", "--format", "json")

    payload = json.loads(result.stdout)
    assert result.exit_code == 0
    assert payload["diagnostics"] == []
    assert payload["summary"] == {"errors": 0, "warnings": 0, "actions": len([*(REPO / "actions").rglob("*.yaml"), *(REPO / "actions").rglob("*.yml")])}


def test_validate_snapshot_of_one_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _project(tmp_path, {"cancel_order.yaml": TYPO})
    monkeypatch.chdir(tmp_path)

    result = _validate("--config", config)

    assert (result.exit_code, result.stdout) == (
        1,
        "bot/actions/cancel_order.yaml:8:14: error CGW201 unknown operation 'cancelOrdr'\n"
        "  |\n"
        "8 |   operation: cancelOrdr\n"
        "  |              ^\n"
        "  = help: did you mean 'cancelOrder'?\n"
        "\n"
        "Found 1 error(s) and 0 warning(s) in 1 action(s).\n",
    )
    assert result.stderr == ""


def test_validate_text_puts_the_caret_under_the_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = CANCEL.replace("  ok: Order {{ slots.order_id }}", "  ok: Order {{ slots.order }}")
    config = _project(tmp_path, {"cancel_order.yaml": bad})
    monkeypatch.chdir(config.parent)

    lines = _validate("--config", config).stdout.splitlines()

    assert lines[0].startswith("actions/cancel_order.yaml:12:16: error CGW302 ")
    assert lines[2] == "12 |   ok: Order {{ slots.order }} is cancelled."
    caret = lines[3].index("^") - len("12 | ")
    assert lines[2][len("12 | ") + caret :].startswith("slots.order")
    assert caret == 16 - 1


def test_validate_exit_1_on_errors_0_on_warnings(tmp_path: Path) -> None:
    errors = _validate("--config", _project(tmp_path / "a", {"cancel_order.yaml": TYPO}))
    warnings = _validate("--config", _project(tmp_path / "b", {"cancel_order.yaml": UNCONFIRMED}))

    assert errors.exit_code == 1
    assert warnings.exit_code == 0
    assert "warning CGW502" in warnings.stdout
    assert warnings.stdout.endswith("Found 0 error(s) and 1 warning(s) in 1 action(s).\n")


def test_validate_strict_makes_warnings_fail(tmp_path: Path) -> None:
    config = _project(tmp_path, {"cancel_order.yaml": UNCONFIRMED})

    assert _validate("--config", config, "--strict").exit_code == 1
    assert _validate("--config", _project(tmp_path / "clean", {"cancel_order.yaml": CANCEL}), "--strict").exit_code == 0


def _assert_could_not_run(result: Result, *words: str) -> None:
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("chatgw: error: ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr


def test_validate_exit_2_for_a_missing_config(tmp_path: Path) -> None:
    _assert_could_not_run(_validate("--config", tmp_path / "nope.yaml"), "nope.yaml not found", "--config")


def test_validate_exit_2_for_a_missing_spec(tmp_path: Path) -> None:
    config = _project(tmp_path, {"cancel_order.yaml": CANCEL}, SHOP_CONFIG.replace("shop.openapi.yaml", "gone.yaml"))

    _assert_could_not_run(_validate("--config", config), "gone.yaml not found")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("paths: [unclosed\n", "invalid YAML"),
        ("swagger: '2.0'\ninfo: {title: x, version: '1'}\n", "Swagger 2.0, not OpenAPI 3"),
        ("- just\n- a list\n", "not an OpenAPI document"),
        (b"openapi: 3.0.0\ninfo: {title: caf\xe9}\n", "not UTF-8"),
    ],
    ids=["bad-yaml", "swagger-2", "not-a-mapping", "not-utf8"],
)
def test_validate_exit_2_for_an_unreadable_spec(tmp_path: Path, content: str | bytes, words: str) -> None:
    config = _project(tmp_path, {"cancel_order.yaml": CANCEL})
    spec = config.parent / "shop.openapi.yaml"
    spec.write_bytes(content if isinstance(content, bytes) else content.encode())

    _assert_could_not_run(_validate("--config", config), words)


def test_validate_exit_2_for_a_spec_that_is_a_folder(tmp_path: Path) -> None:
    config = _project(tmp_path, {"cancel_order.yaml": CANCEL}, SHOP_CONFIG.replace("shop.openapi.yaml", "specs"))
    (config.parent / "specs").mkdir()
    (config.parent / "specs" / "shop.yaml").write_text("openapi: 3.0.3\n")

    _assert_could_not_run(_validate("--config", config), "specs is a folder, not a file", "chatgw.yaml:3:10", "e.g. specs/shop.yaml")


def test_validate_text_points_at_a_literal_secret_without_printing_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    secret = "sk_live_0123456789abcdef"
    config = SHOP_CONFIG.replace("  base_url: http://127.0.0.1:9\n", f"  base_url: http://127.0.0.1:9\n  auth: {{type: bearer, token: {secret}}}\n")
    result = _validate("--config", _project(tmp_path, {"cancel_order.yaml": CANCEL}, config))

    assert result.exit_code == 1
    assert result.stdout.splitlines()[:4] == [
        "bot/chatgw.yaml:6:31: error CGW501 upstream.auth.token holds a literal secret",
        "  |",
        "6 |   auth: {type: bearer, token: <secret not shown>",
        "  |                               ^",
    ]
    assert secret not in result.stdout


def test_validate_json_is_the_documented_object(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _project(tmp_path, {"cancel_order.yaml": TYPO, "unconfirmed.yaml": UNCONFIRMED})
    monkeypatch.chdir(tmp_path)

    result = _validate("--config", config, "--format", "json")

    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert list(payload) == ["diagnostics", "summary"]
    assert payload["summary"] == {"errors": 1, "warnings": 1, "actions": 2}
    assert payload["diagnostics"] == [
        {
            "file": "bot/actions/cancel_order.yaml",
            "line": 8,
            "column": 14,
            "severity": "error",
            "code": "CGW201",
            "message": "unknown operation 'cancelOrdr'",
            "hint": "did you mean 'cancelOrder'?",
        },
        {
            "file": "bot/actions/unconfirmed.yaml",
            "line": 7,
            "column": 10,
            "severity": "warning",
            "code": "CGW502",
            "message": "this action changes state (DELETE) and runs without asking the customer",
            "hint": "remove 'confirm: false' unless the change is harmless and easy to undo",
        },
    ]


def test_validate_json_lines_and_columns_count_from_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _project(tmp_path, {"hours.yaml": "description: [unclosed\n"})
    monkeypatch.chdir(config.parent)

    payload = json.loads(_validate("--config", config, "--format", "json").stdout)

    assert [(d["file"], d["line"], d["column"], d["code"]) for d in payload["diagnostics"]] == [("actions/hours.yaml", 2, 1, "CGW101")]


def test_validate_github_annotations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _project(tmp_path, {"cancel_order.yaml": TYPO, "unconfirmed.yaml": UNCONFIRMED})
    monkeypatch.chdir(tmp_path)

    result = _validate("--config", config, "--format", "github")

    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::error file=bot/actions/cancel_order.yaml,line=8,col=14,title=CGW201::CGW201 unknown operation 'cancelOrdr'"
        " (did you mean 'cancelOrder'?)",
        "::warning file=bot/actions/unconfirmed.yaml,line=7,col=10,title=CGW502::CGW502 this action changes state (DELETE)"
        " and runs without asking the customer (remove 'confirm: false' unless the change is harmless and easy to undo)",
    ]


def test_validate_sarif_structure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _project(tmp_path, {"cancel_order.yaml": TYPO, "unconfirmed.yaml": UNCONFIRMED})
    monkeypatch.chdir(tmp_path)

    result = _validate("--config", config, "--format", "sarif")

    sarif = json.loads(result.stdout)
    assert result.exit_code == 1
    assert sarif["version"] == "2.1.0"
    assert "sarif-2.1.0" in sarif["$schema"]
    (run,) = sarif["runs"]
    assert run["tool"]["driver"]["name"] == "chatgw"
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["CGW201", "CGW502"]
    assert [(r["ruleId"], r["level"]) for r in run["results"]] == [("CGW201", "error"), ("CGW502", "warning")]
    location = run["results"][0]["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": "bot/actions/cancel_order.yaml"}, "region": {"startLine": 8, "startColumn": 14}}
    assert run["results"][0]["message"]["text"].startswith("unknown operation 'cancelOrdr'")


def test_validate_sarif_of_a_clean_project_has_no_results(tmp_path: Path) -> None:
    sarif = json.loads(_validate("--config", _project(tmp_path, {"cancel_order.yaml": CANCEL}), "--format", "sarif").stdout)

    assert sarif["runs"][0]["results"] == []
    assert sarif["runs"][0]["tool"]["driver"]["rules"] == []


def test_validate_default_config_is_in_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _project(tmp_path, {"cancel_order.yaml": CANCEL})
    monkeypatch.chdir(config.parent)

    result = _validate()

    assert result.exit_code == 0
    assert result.stdout == "All checks passed: 1 action(s) compiled.\n"


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real process: `python -m chatgw validate ...`."""
    return subprocess.run(
        [sys.executable, "-m", "chatgw", "validate", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_validate_process_exit_codes_and_streams(tmp_path: Path) -> None:
    clean = _run("--config", REPO / "chatgw.yaml", cwd=tmp_path)
    broken = _run("--config", _project(tmp_path, {"cancel_order.yaml": TYPO}), "--format", "json", cwd=tmp_path)
    missing = _run("--config", tmp_path / "nope.yaml", cwd=tmp_path)

    assert (clean.returncode, clean.stderr) == (0, "")
    assert clean.stdout.startswith("All checks passed")
    assert broken.returncode == 1
    assert json.loads(broken.stdout)["summary"]["errors"] == 1
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr.startswith("chatgw: error: config file ") and missing.stderr.count("\n") == 1


def test_validate_every_format_names_a_file_relative_to_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _project(tmp_path, {"cancel_order.yaml": TYPO})
    monkeypatch.chdir(tmp_path)

    text = _validate("--config", config).stdout
    payload = json.loads(_validate("--config", config, "--format", "json").stdout)
    github = _validate("--config", config, "--format", "github").stdout
    sarif = json.loads(_validate("--config", config, "--format", "sarif").stdout)

    shown = "bot/actions/cancel_order.yaml"
    assert text.startswith(f"{shown}:8:14: error CGW201 ")
    assert payload["diagnostics"][0]["file"] == shown
    assert github.startswith(f"::error file={shown},line=8,col=14,")
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == shown


def test_validate_a_file_outside_the_working_directory_is_shown_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _project(tmp_path / "elsewhere", {"cancel_order.yaml": TYPO})
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")

    text = _validate("--config", config).stdout

    assert text.startswith(f"{(config.parent / 'actions' / 'cancel_order.yaml').resolve().as_posix()}:8:14: error CGW201 ")


def test_validate_sarif_names_the_tool_version_and_no_repository_relative_help(tmp_path: Path) -> None:
    sarif = json.loads(_validate("--config", _project(tmp_path, {"cancel_order.yaml": TYPO}), "--format", "sarif").stdout)

    driver = sarif["runs"][0]["tool"]["driver"]
    assert driver["version"] == importlib.metadata.version("chatgw")
    # pyproject.toml names no public docs URL, so there is no helpUri rather than a path that
    # exists only in chatgw's own repository.
    assert [rule for rule in driver["rules"] if "helpUri" in rule] == []


def test_validate_an_invalid_format_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = _validate("--config", _project(tmp_path, {"cancel_order.yaml": CANCEL}), "--format", "xml")

    _assert_could_not_run(result, "'xml' is not one of 'text', 'json', 'github', 'sarif'", "chatgw validate --help")


def test_version_prints_the_package_version() -> None:
    result = CliRunner().invoke(app, ["--version"])

    assert (result.exit_code, result.stdout) == (0, f"chatgw {importlib.metadata.version('chatgw')}\n")


def test_validate_actions_folder_that_does_not_exist_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_shop(tmp_path, {"chatgw.yaml": SHOP_CONFIG.replace("actions: actions/", "actions: action/")})
    monkeypatch.chdir(tmp_path)

    result = _validate("--config", config)

    assert result.exit_code == 1
    assert result.stdout.startswith("chatgw.yaml:6:10: error CGW111 actions folder action/ does not exist\n")


def test_validate_text_shows_a_window_of_a_long_line_with_the_caret_in_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Before, a 200,000-character line (a minified or hostile file) was printed whole.
    config = _project(tmp_path, {"cancel_order.yaml": CANCEL, "deep.yaml": "description: " + "[" * 5000 + "]" * 5000})
    monkeypatch.chdir(config.parent)

    lines = _validate("--config", config).stdout.splitlines()

    assert lines[0].startswith("actions/deep.yaml:1:")
    column = int(lines[0].split(":")[2])
    assert lines[2].startswith("1 | ...[[[") and lines[2].endswith("[...") and len(lines[2]) < 120
    assert lines[3].index("^") - len("1 | ") == 3 + 50 and column > 60
