"""`chatgw test` through the real CLI, including the repo's own conversation suite (CI runs it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner, Result

import chatgw.cli.commands  # noqa: F401  (registers the commands)
from chatgw.cli import app

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "chatgw.yaml"

PASSING = """\
identity: {customer_id: cus_demo}
conversations:
  - name: plans are explained
    turns:
      - user: how much does pro cost
        expect: {intent: plans_and_pricing, reply: Pro is $49 a month}
  - name: usage from the spec example
    turns:
      - user: how many api calls did proj_8f2k1 make this month
        expect: {request: {method: GET, path: /projects/proj_8f2k1/usage}, reply: "812,345"}
"""

FAILING = """\
identity: {customer_id: cus_demo}
conversations:
  - name: plan change goes wrong
    turns:
      - user: switch proj_8f2k1 to pro
        expect: {state: confirming}
      - user: yes
        respond: {status: 200, body: {name: pro, monthly_price: 49, monthly_call_cap: 1000000}}
        expect: {request: {method: PATCH, body: {plan: enterprise}}, reply: now on enterprise}
"""


def _test(*args: str | Path) -> Result:
    return CliRunner().invoke(app, ["test", "--config", str(CONFIG), *map(str, args)])


def _file(tmp_path: Path, text: str, name: str = "suite.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_chatgw_test_repo_example_suite_passes_as_ci_runs_it(tmp_path: Path) -> None:
    junit = tmp_path / "report" / "junit.xml"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}

    done = subprocess.run(
        [sys.executable, "-m", "chatgw", "test", "--junit", str(junit)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("tests/conversations/")]
    assert len(lines) >= 40 and all(line.endswith(" PASSED") for line in lines)
    assert done.stdout.splitlines()[-1].strip("= ") == f"{len(lines)} passed, 0 failed"
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == str(len(lines)) and suite.get("failures") == "0"


def test_chatgw_test_repo_example_covers_every_action() -> None:
    actions = {path.stem for path in (REPO / "actions").glob("*.yaml")}

    result = _test("--format", "json", "--mock")

    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["summary"]["failed"] == 0
    tested = {name for name in actions if any(name in (REPO / r["file"]).read_text() for r in payload["results"])}
    assert tested == actions


def test_chatgw_test_mock_answers_unstubbed_requests_from_the_spec(tmp_path: Path) -> None:
    result = _test(_file(tmp_path, PASSING), "--mock")

    assert result.exit_code == 0, result.output
    assert "suite.yaml::usage from the spec example PASSED" in result.stdout
    assert result.stdout.splitlines()[-1].strip("= ") == "2 passed, 0 failed"


def test_chatgw_test_failure_exits_1_with_a_readable_diff(tmp_path: Path) -> None:
    result = _test(_file(tmp_path, FAILING))

    assert result.exit_code == 1
    out = result.stdout
    assert "suite.yaml::plan change goes wrong FAILED" in out
    assert "request: method: expected PATCH, got PUT; body.plan: expected 'enterprise', got 'pro'" in out
    assert "    -method: PATCH\n    +method: PUT\n     body:\n    -  plan: enterprise\n    +  plan: pro\n" in out
    assert "reply: expected to contain 'now on enterprise'" in out
    assert "    | Done. proj_8f2k1 is now on pro ($49/month, 1,000,000 calls)." in out
    assert out.splitlines()[-1].strip("= ") == "0 passed, 1 failed"


def test_chatgw_test_k_selects_by_name(tmp_path: Path) -> None:
    result = _test(_file(tmp_path, PASSING), "-k", "PLANS", "--mock")

    assert result.exit_code == 0, result.output
    assert "usage from the spec example" not in result.stdout
    assert result.stdout.splitlines()[-1].strip("= ") == "1 passed, 0 failed, 1 deselected"


def test_chatgw_test_k_matching_nothing_exits_2(tmp_path: Path) -> None:
    result = _test(_file(tmp_path, PASSING), "-k", "nothing like this")

    assert result.exit_code == 2
    assert "no conversation matches -k 'nothing like this' (of 2)" in result.stderr


def test_chatgw_test_bad_test_file_exits_2_at_file_line_col(tmp_path: Path) -> None:
    path = _file(tmp_path, PASSING.replace("reply: Pro is", "replies: Pro is"))

    result = _test(path)

    assert result.exit_code == 2
    assert f"{path.as_posix()}:6:45: error CGW103 unknown key 'replies'" in result.stderr
    assert "did you mean 'reply'?" in result.stderr
    assert result.stdout == ""


def test_chatgw_test_junit_and_json_output(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"

    result = _test(_file(tmp_path, FAILING), "--format", "json", "--junit", junit)

    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    (failed,) = payload["results"]
    assert failed["outcome"] == "failed"
    assert failed["failed_turn"] == {"turn": 2, "line": 7, "user": "yes"}
    assert payload["summary"] == {"passed": 0, "failed": 1, "deselected": 0}
    assert ET.parse(junit).getroot().find("testsuite/testcase/failure") is not None


def test_chatgw_test_without_test_files_exits_2(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()

    result = _test(tmp_path / "empty")

    assert result.exit_code == 2
    assert "no conversation tests found" in result.stderr


def test_chatgw_test_project_with_errors_exits_2(tmp_path: Path) -> None:
    (tmp_path / "actions").mkdir()
    (tmp_path / "acme.yaml").write_bytes((REPO / "schemas" / "acme.openapi.yaml").read_bytes())
    (tmp_path / "chatgw.yaml").write_text(
        "version: 1\nname: x\nopenapi: acme.yaml\nupstream: {base_url: 'http://127.0.0.1:9'}\n", encoding="utf-8"
    )
    (tmp_path / "actions" / "broken.yaml").write_text(
        "description: x\nintent: {examples: [a, b, c]}\ncall: {operation: nope}\n", encoding="utf-8"
    )

    result = CliRunner().invoke(app, ["test", "--config", str(tmp_path / "chatgw.yaml")])

    assert result.exit_code == 2
    assert "actions/broken.yaml:3:19: error CGW201 unknown operation 'nope'" in result.stderr


def test_chatgw_test_unwritable_junit_path_exits_2_saying_so(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("", encoding="utf-8")

    result = _test(_file(tmp_path, PASSING), "--mock", "--junit", tmp_path / "a-file" / "junit.xml")

    assert result.exit_code == 2
    assert result.stderr.startswith("chatgw: error: cannot write the JUnit report to ")
    assert "Traceback" not in result.output


def test_chatgw_test_reports_every_problem_of_the_test_files_in_one_run(tmp_path: Path) -> None:
    # The unknown key used to stop the file's checks, hiding the intent typo and the bad pattern.
    text = PASSING.replace("reply: Pro is", "replies: Pro is") + """\
  - name: a typo in the intent
    turns:
      - user: rotate my key
        expect: {intent: reset_api_kee, reply_matches: "ends in ("}
"""
    path = _file(tmp_path, text)

    result = _test(path)

    assert result.exit_code == 2
    assert [line.split(": error ")[0] for line in result.stderr.splitlines() if ": error CGW" in line] == [
        f"{path.as_posix()}:6:45",
        f"{path.as_posix()}:14:56",  # the pattern
        f"{path.as_posix()}:14:26",  # the intent
    ]
    assert "did you mean 'reply'?" in result.stderr
    assert "did you mean 'reset_api_key'?" in result.stderr
    assert "reply_matches is not a valid regular expression" in result.stderr
