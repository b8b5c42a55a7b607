"""`chatgw try` with `nlu: {engine: llm}`: the real CLI, a real local upstream, and a scripted
stand-in for the model (the model service is outside the product and cannot run here; see
tests/llmstub.py)."""

from __future__ import annotations

import json

from tests.cli.test_try import TOKEN, run_try, turns
from tests.llmstub import llm_config, tool_call, words
from tests.projects import write_acme
from tests.upstream import Reply, serve


def test_try_live_with_an_llm_sends_only_confirmed_values_the_customer_said(tmp_path, upstream):
    upstream.respond(Reply(200, {"key_suffix": "x9Qz"}))
    with serve() as model:
        model.respond(
            tool_call("rotate_key", {"project_id": "proj_8f2k1"}),  # never said: asked for
            tool_call("rotate_key", {"project_id": "proj_ab12c"}),
            words("yes"),
        )
        config = write_acme(tmp_path, upstream.url, llm_config(model.url))
        lines = [json.dumps({"message": text}) for text in ("I need a new api key", "proj_ab12c", "yes")]
        result = run_try(config, lines, "--format", "json", "--live")

    assert result.exit_code == 0, result.output
    asked, confirming, done = turns(result.stdout)
    assert (asked["state"], asked["slots"]) == ("collecting", {})
    assert confirming["state"] == "confirming" and confirming["request"]["url"].endswith("/projects/proj_ab12c/keys/rotate")
    assert done["replies"] == ["Done. Your new key ends in x9Qz."]
    assert [r.path for r in upstream.received] == ["/projects/proj_ab12c/keys/rotate"]
    assert TOKEN not in result.stdout


def test_try_with_a_model_that_times_out_answers_from_the_builtin_engine(tmp_path, upstream):
    with serve() as model:
        model.respond(Reply(200, {}, delay=30))
        config = write_acme(tmp_path, upstream.url, llm_config(model.url, timeout="300ms"))
        result = run_try(config, [json.dumps({"message": "reset my api key for proj_8f2k1"})], "--format", "json", "--live")

    assert result.exit_code == 0, result.output
    (turn,) = turns(result.stdout)
    assert (turn["intent"]["name"], turn["state"]) == ("rotate_key", "confirming")
    assert upstream.received == []
