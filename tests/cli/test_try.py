"""`chatgw try` end to end: a small real project in tmp_path, the real CLI through CliRunner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import chatgw.cli.commands  # noqa: F401  (registers the commands)
from chatgw.cli import app

from tests.projects import write_acme
from tests.upstream import Reply

TOKEN = "s3cret-token-value"


def run_try(config: Path, lines: list[str], *options: str):
    runner = CliRunner(env={"ACME_API_TOKEN": TOKEN})
    return runner.invoke(
        app, ["try", "--config", str(config), *options], input="".join(line + "\n" for line in lines)
    )


def turns(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_acme(tmp_path)


def test_try_json_writes_one_turn_object_per_line(config):
    result = run_try(
        config,
        [
            json.dumps({"message": "show me the usage of proj_8f2k1", "conversation_id": "a"}),
            json.dumps({"message": "reset my api key", "conversation_id": "b"}),
            "proj_8f2k1",
            json.dumps({"message": "yes", "conversation_id": "b"}),
        ],
        "--format", "json",
    )
    assert result.exit_code == 0, result.output
    usage, asked, confirming, done = turns(result.stdout)
    assert [t["conversation_id"] for t in (usage, asked, confirming, done)] == ["a", "b", "b", "b"]
    assert list(usage) == [
        "conversation_id", "intent", "candidates", "slots", "state", "request", "replies", "tags", "handoff",
        "choices", "response", "error",
    ]
    assert usage["response"] is None and usage["error"] is None  # a dry run: nothing answered
    assert usage["intent"]["name"] == "show_usage"
    assert usage["request"]["method"] == "GET"
    assert usage["request"]["url"] == "http://127.0.0.1:9/projects/proj_8f2k1/usage"
    assert asked["state"] == "collecting"
    assert confirming["state"] == "confirming"
    assert confirming["replies"] == ["I'll revoke the current key of proj_8f2k1 and issue a new one. Go ahead?"]
    assert confirming["request"]["body"] == {"reason": "support-chat"}
    assert done["state"] == "idle" and done["request"]["method"] == "POST"
    assert TOKEN not in result.stdout


def test_try_json_new_conversation_id_starts_fresh(config):
    result = run_try(
        config,
        [
            json.dumps({"message": "rotate the token for proj_8f2k1", "conversation_id": "a"}),
            json.dumps({"message": "yes", "conversation_id": "b"}),
            json.dumps({"message": "yes", "conversation_id": "a"}),
        ],
        "--format", "json",
    )
    asking, fresh, confirmed = turns(result.stdout)
    assert asking["state"] == "confirming"
    assert fresh["state"] == "idle" and fresh["request"] is None and fresh["slots"] == {}
    assert confirmed["request"]["method"] == "POST"
    assert confirmed["slots"] == {"project_id": "proj_8f2k1"}


def test_try_json_identity_sets_claims_for_its_conversation(config):
    result = run_try(
        config,
        [
            json.dumps({"message": "extend my trial by 24 hours", "conversation_id": "d",
                        "identity": {"customer_id": "cus_1"}}),
            json.dumps({"message": "extend my trial by 24 hours", "conversation_id": "e"}),
        ],
        "--format", "json",
    )
    signed_in, anonymous = turns(result.stdout)
    assert signed_in["slots"] == {"customer_id": "cus_1", "hours": 24}
    assert signed_in["state"] == "confirming"
    assert anonymous["state"] == "idle" and "customer id" in anonymous["replies"][0]


def test_try_as_sets_claims(config):
    result = run_try(config, ["extend my trial by 24 hours"], "--format", "json", "--as", "customer_id=cus_9")
    [turn] = turns(result.stdout)
    assert turn["conversation_id"] == "try-1"
    assert turn["slots"]["customer_id"] == "cus_9"


def test_try_json_reports_a_bad_line_and_goes_on(config):
    result = run_try(config, ["{not json", json.dumps({"conversation_id": "x"}), "reset my api key"], "--format", "json")
    bad_json, no_message, turn = turns(result.stdout)
    assert bad_json["error"]["code"] == "bad_input" and "line 1" in bad_json["error"]["message"]
    assert "message" in no_message["error"]["message"]
    assert turn["intent"]["name"] == "rotate_key"
    assert result.exit_code == 1


def test_try_mock_answers_from_the_spec_examples(config):
    result = run_try(config, ["show me the usage of proj_8f2k1"], "--format", "json", "--mock")
    [turn] = turns(result.stdout)
    assert turn["replies"] == ["Project proj_8f2k1 made 1234 requests this month."]


def test_try_mock_json_carries_the_example_response(config):
    result = run_try(config, ["show me the usage of proj_8f2k1"], "--format", "json", "--mock")
    [turn] = turns(result.stdout)
    assert turn["response"] == {
        "status": 200, "headers": {"content-type": "application/json"}, "body": {"requests": 1234},
    }
    assert turn["error"] is None


def test_try_mock_text_shows_the_mock_status(config):
    result = run_try(config, ["show me the usage of proj_8f2k1", "/quit"], "--mock")
    assert "GET http://127.0.0.1:9/projects/proj_8f2k1/usage  (sent to the mock, 200 OK)" in result.stdout


def test_try_live_text_shows_the_status_of_a_failed_call(tmp_path, upstream):
    upstream.respond(Reply(404, {"detail": "no such project"}))
    config = write_acme(tmp_path, upstream.url)
    result = run_try(config, ["show me the usage of proj_8f2k1", "/quit"], "--live")
    assert result.exit_code == 0, result.output
    assert f"GET {upstream.url}/projects/proj_8f2k1/usage  (sent, 404 Not Found)" in result.stdout
    assert "(sent)" not in result.stdout


def test_try_live_json_carries_the_response_with_its_credentials_redacted(tmp_path, upstream):
    upstream.respond(Reply(404, {"detail": "no such project"}, headers={"Set-Cookie": "session=upstream-secret"}))
    config = write_acme(tmp_path, upstream.url)
    result = run_try(config, ["show me the usage of proj_8f2k1"], "--format", "json", "--live")
    [turn] = turns(result.stdout)
    response = turn["response"]
    assert response["status"] == 404
    assert response["body"] == {"detail": "no such project"}
    assert response["headers"]["content-type"] == "application/json"
    assert response["headers"]["set-cookie"] == "[redacted]"
    assert turn["error"] is None
    assert "upstream-secret" not in result.stdout and TOKEN not in result.stdout


def test_try_live_text_shows_the_transport_error(tmp_path):
    config = write_acme(tmp_path, "http://127.0.0.1:9")  # the discard port: nothing listens
    result = run_try(config, ["show me the usage of proj_8f2k1", "/quit"], "--live")
    assert result.exit_code == 0, result.output
    assert "(no answer: getProjectUsage: could not connect after 1 attempt(s))" in result.stdout
    assert "(sent" not in result.stdout


def test_try_live_json_has_no_response_and_the_error_when_nothing_answered(tmp_path):
    config = write_acme(tmp_path, "http://127.0.0.1:9")  # the discard port: nothing listens
    result = run_try(config, ["show me the usage of proj_8f2k1"], "--format", "json", "--live")
    [turn] = turns(result.stdout)
    assert turn["request"]["method"] == "GET"
    assert turn["response"] is None
    assert turn["error"] == "getProjectUsage: could not connect after 1 attempt(s)"


def test_try_live_json_has_no_response_on_a_turn_without_a_call(tmp_path, upstream):
    config = write_acme(tmp_path, upstream.url)
    result = run_try(config, ["reset my api key"], "--format", "json", "--live")
    [turn] = turns(result.stdout)
    assert turn["state"] == "collecting"
    assert turn["response"] is None and turn["error"] is None
    assert upstream.received == []


def test_try_live_sends_with_credentials_that_never_show(tmp_path, upstream):
    upstream.respond(Reply(200, {"requests": 99}))
    config = write_acme(tmp_path, upstream.url)
    result = run_try(config, ["show me the usage of proj_8f2k1"], "--format", "json", "--live")
    [turn] = turns(result.stdout)
    assert turn["replies"] == ["Project proj_8f2k1 made 99 requests this month."]
    [received] = upstream.received
    assert received.headers["authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in result.stdout


def test_try_text_shows_intent_slots_request_and_reply(config):
    result = run_try(config, ["show me the usage of proj_8f2k1", "/quit"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "show_usage" in out
    assert "project_id='proj_8f2k1'" in out
    assert "GET http://127.0.0.1:9/projects/proj_8f2k1/usage" in out and "dry run: not sent" in out
    assert "bot> " in out


def test_try_with_a_missing_config_says_why_and_exits_2(tmp_path):
    result = run_try(tmp_path / "nope.yaml", [], "--format", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("chatgw: error: ")


def test_try_with_errors_in_the_config_exits_2_without_a_traceback(config):
    (config.parent / "actions" / "broken.yaml").write_text(
        "description: broken\nintent: {examples: [a, b, c]}\ncall: {operation: noSuchOperation}\n"
    )
    result = run_try(config, [], "--format", "json")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("chatgw: error: ") and "Traceback" not in result.output


def test_try_refuses_mock_and_live_together(config):
    result = run_try(config, [], "--mock", "--live")
    assert result.exit_code == 2


def test_try_live_json_never_shows_a_credential_the_upstream_echoes(tmp_path, upstream):
    upstream.respond(Reply(401, {"detail": f"token {TOKEN} is revoked", "got": {"authorization": f"Bearer {TOKEN}"}}))
    config = write_acme(tmp_path, upstream.url)
    result = run_try(config, ["show me the usage of proj_8f2k1"], "--format", "json", "--live")
    [turn] = turns(result.stdout)
    assert turn["response"]["body"] == {"detail": "token [redacted] is revoked", "got": {"authorization": "[redacted]"}}
    assert TOKEN not in result.stdout


def test_try_reads_bytes_that_are_not_utf8_as_replacement_characters(tmp_path):
    # Before, the undecodable byte reached the intent tokenizer as a lone surrogate: a TypeError traceback.
    config = write_acme(tmp_path)
    stdin = b'\xff\xfe hello\n{"message": "a\\ud800b"}\n'
    text, json_lines = (_try_process(config, stdin, *options) for options in ([], ["--format", "json"]))
    for done in (text, json_lines):
        assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")
    assert [turn["conversation_id"] for turn in turns(json_lines.stdout.decode())] == ["try-1", "try-1"]


def _try_process(config: Path, stdin: bytes, *options: str) -> subprocess.CompletedProcess[bytes]:
    """The real `chatgw try` process, reading `stdin` as bytes (CliRunner decodes them first)."""
    return subprocess.run(
        [sys.executable, "-c", "from chatgw.cli import main; main()", "try", "--config", str(config), *options],
        input=stdin, capture_output=True, env={**os.environ, "ACME_API_TOKEN": TOKEN}, timeout=120,
    )
