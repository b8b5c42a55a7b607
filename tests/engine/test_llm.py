"""The LLM engine inside the engine: the model proposes, the compiled plans decide.

The model service is outside the product and cannot run here, so a scripted stand-in server on
loopback plays it (`tests/llmstub.py`); the product's upstream is a real local server too
(`tests/upstream.py`), and every test asserts what reached it.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import pytest

from chatgw.compiler import load_project
from chatgw.engine import ConversationState, Engine, TurnResult
from chatgw.runtime import HttpSender
from tests.llmstub import asked, llm_config, tool_call, words
from tests.projects import write_acme
from tests.upstream import Reply, Upstream, serve

ME = {"sub": "u_1", "customer_id": "cus_me"}


@pytest.fixture
def model() -> Iterator[Upstream]:
    with serve() as stand_in:
        yield stand_in


def chat(
    config: Path, messages: Sequence[str], identity: Mapping[str, Any] = ME
) -> list[TurnResult]:
    """One conversation through a freshly compiled project; the state travels as JSON."""
    project = load_project(config)

    async def run() -> list[TurnResult]:
        async with HttpSender(project.upstream) as sender:
            engine = Engine(project, sender)
            state, results = None, []
            for message in messages:
                result = await engine.turn(state, message, identity=identity, conversation_id="c1")
                results.append(result)
                state = ConversationState.from_dict(json.loads(json.dumps(result.state.to_dict())))
            return results

    return asyncio.run(run())


def project(tmp_path: Path, upstream: Upstream, model: Upstream, **options: Any) -> Path:
    return write_acme(tmp_path, upstream.url, "identity: {mode: none}\n" + llm_config(model.url, **options))


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACME_API_TOKEN", "upstream-token")


def test_a_proposed_action_is_confirmed_then_sent_once(tmp_path, upstream, model):
    model.respond(tool_call("rotate_key", {"project_id": "proj_8f2k1"}), words("OK."))
    upstream.respond(Reply(200, {"key_suffix": "x9Qz"}))

    first, second = chat(project(tmp_path, upstream, model), ["my key for proj_8f2k1 leaked", "yes"])

    assert (first.turn.intent, first.turn.state, first.nlu_fallback) == ("rotate_key", "confirming", None)
    assert first.turn.slots["project_id"] == "proj_8f2k1"
    assert second.turn.replies == ("Done. Your new key ends in x9Qz.",)
    assert [r.path for r in upstream.received] == ["/projects/proj_8f2k1/keys/rotate"]


def test_the_model_is_offered_the_compiled_tools_and_never_the_identity(tmp_path, upstream, model):
    model.respond(words("Hello!"))

    chat(project(tmp_path, upstream, model), ["hello there"], identity={"sub": "u_1", "customer_id": "cus_secret_id"})

    sent = asked(model.received[0])
    tools = {tool["function"]["name"]: tool["function"]["parameters"] for tool in sent["tools"]}
    assert set(tools) == {"show_usage", "rotate_key", "extend_trial"}
    assert set(tools["extend_trial"]["properties"]) == {"hours"}  # customer_id is bound to the identity
    assert "cus_secret_id" not in model.received[0].body.decode()
    assert "upstream-token" not in model.received[0].body.decode()
    assert sent["model"] == "stand-in-model" and sent["messages"][-1] == {"role": "user", "content": "hello there"}


def test_an_argument_for_another_customers_account_is_dropped(tmp_path, upstream, model):
    proposal = {"hours": 24, "customer_id": "cus_other"}
    model.respond(tool_call("extend_trial", proposal), words("OK."))

    first, second = chat(project(tmp_path, upstream, model), ["extend my trial by 24 hours", "yes"])

    assert first.turn.slots == {"customer_id": "cus_me", "hours": 24}
    assert [r.path for r in upstream.received] == ["/customers/cus_me/trial/extend"]
    assert upstream.received[0].json() == {"hours": 24}


def test_a_value_the_customer_never_said_is_asked_for(tmp_path, upstream, model):
    # proj_8f2k1 is in the tool's examples: a model may well copy it.
    model.respond(tool_call("rotate_key", {"project_id": "proj_8f2k1"}), words("OK."))

    first, second = chat(project(tmp_path, upstream, model), ["please reset my api key", "yes"])

    assert (first.turn.state, first.turn.slots) == ("collecting", {})
    assert first.turn.replies == (
        "I couldn't find the project id in your message. Which project is it? Project ids look like proj_ab12c.",
    )
    assert second.turn.state == "collecting"
    assert upstream.received == []


def test_a_proposal_the_message_does_not_say_gives_way_to_what_it_says(tmp_path, upstream, model):
    model.respond(tool_call("show_usage", {"project_id": "proj_zzzzz"}))
    upstream.respond(Reply(200, {"requests": 7}))

    (turn,) = chat(project(tmp_path, upstream, model), ["usage of proj_ab12c please"])

    assert turn.turn.slots == {"project_id": "proj_ab12c"}
    assert [r.path for r in upstream.received] == ["/projects/proj_ab12c/usage"]


@pytest.mark.parametrize(
    ("message", "arguments", "reason"),
    [
        ("rotate the key of PROJ-123", {"project_id": "PROJ-123"}, "project id"),
        ("extend my trial by 500 hours", {"hours": 500}, "72"),
        ("extend my trial by lots of hours", {"hours": "lots"}, "hours"),
    ],
)
def test_a_value_that_fails_the_slot_check_is_asked_for_again(tmp_path, upstream, model, message, arguments, reason):
    name = "rotate_key" if "project_id" in arguments else "extend_trial"
    model.respond(tool_call(name, arguments))

    (turn,) = chat(project(tmp_path, upstream, model), [message])

    assert turn.turn.state == "collecting" and turn.nlu_fallback is None
    assert reason in turn.turn.replies[0]
    assert upstream.received == []


def test_a_declined_confirmation_sends_nothing(tmp_path, upstream, model):
    model.respond(tool_call("rotate_key", {"project_id": "proj_8f2k1"}), words("The customer declined."))

    first, second = chat(project(tmp_path, upstream, model), ["rotate the key of proj_8f2k1", "no"])

    assert (first.turn.state, second.turn.state) == ("confirming", "idle")
    assert upstream.received == []


def test_no_tool_call_is_out_of_scope(tmp_path, upstream, model):
    model.respond(words("I can only help with your Acme account."))

    (turn,) = chat(project(tmp_path, upstream, model), ["write me a poem about proj_8f2k1"])

    assert (turn.turn.intent, turn.nlu_fallback, turn.outcome) == (None, None, "out_of_scope")
    assert upstream.received == []


@pytest.mark.parametrize(
    ("answer", "failure"),
    [
        (tool_call("delete_everything", {"project_id": "proj_8f2k1"}), "unknown_tool"),
        (tool_call("rotate_key", '{"project_id": "proj_8f2k1"', raw=True), "malformed"),
        (tool_call("rotate_key", '["proj_8f2k1"]', raw=True), "malformed"),
        (tool_call("", {}), "malformed"),
        (Reply(200, {"choices": []}), "malformed"),
        (Reply(200, "this is not JSON"), "malformed"),
        (Reply(500, {"error": {"message": "overloaded"}}), "status"),
        (Reply(429, {"error": {"message": "slow down"}}), "status"),
        (Reply(200, {"choices": []}, delay=30), "timeout"),
    ],
    ids=["hallucinated-tool", "truncated-json", "not-an-object", "no-name", "no-choices", "not-json", "5xx", "429", "timeout"],
)
def test_a_failed_model_answer_falls_back_to_the_builtin_engine_and_sends_nothing_it_proposed(
    tmp_path, upstream, model, answer, failure
):
    model.respond(answer)

    (turn,) = chat(project(tmp_path, upstream, model, timeout="500ms"), ["rotate the key of proj_8f2k1"])

    assert turn.nlu_fallback == failure
    # The built-in engine read the message: the same action, confirmed before anything is sent.
    assert (turn.turn.intent, turn.turn.state) == ("rotate_key", "confirming")
    assert upstream.received == []


def test_an_unreachable_model_falls_back(tmp_path, upstream):
    config = write_acme(tmp_path, upstream.url, llm_config("http://127.0.0.1:9"))
    upstream.respond(Reply(200, {"requests": 3}))

    (turn,) = chat(config, ["show me the usage of proj_8f2k1"])

    assert turn.nlu_fallback == "unreachable"
    assert turn.turn.replies == ("Project proj_8f2k1 made 3 requests this month.",)


def test_the_api_key_is_sent_to_the_model_only(tmp_path, upstream, model, monkeypatch):
    monkeypatch.setenv("LLM_API_KEY", "sk-test-key")
    model.respond(words("Hi"))

    (turn,) = chat(project(tmp_path, upstream, model, api_key=True), ["hi"])

    assert model.received[0].headers["authorization"] == "Bearer sk-test-key"
    assert "sk-test-key" not in json.dumps(turn.turn.as_dict())


def test_an_answer_to_the_question_asked_is_read_with_the_form_in_progress(tmp_path, upstream, model):
    model.respond(tool_call("rotate_key", {}), tool_call("rotate_key", {"project_id": "proj_8f2k1"}))

    first, second = chat(project(tmp_path, upstream, model), ["I need a new api key", "it is proj_8f2k1"])

    assert (first.turn.state, second.turn.state) == ("collecting", "confirming")
    context = asked(model.received[1])["messages"][1]["content"]
    assert "rotate_key" in context and "project_id" in context
    assert upstream.received == []


def test_the_embeddings_fallback_runs_the_packaged_model_not_the_llms_name(tmp_path, upstream, spec_cache):
    config = write_acme(tmp_path, upstream.url, llm_config("http://127.0.0.1:9", fallback="embeddings"))
    upstream.respond(Reply(200, {"requests": 3}))

    (turn,) = chat(config, ["how many requests did proj_8f2k1 make"])

    assert (turn.nlu_fallback, turn.turn.intent) == ("unreachable", "show_usage")
    assert [r.path for r in upstream.received] == ["/projects/proj_8f2k1/usage"]


def test_a_bare_yes_answers_the_confirmation_whatever_tool_the_model_calls(tmp_path, upstream, model):
    model.respond(tool_call("rotate_key", {"project_id": "proj_8f2k1"}), tool_call("show_usage", {}))
    upstream.respond(Reply(200, {"key_suffix": "x9Qz"}))

    first, second = chat(project(tmp_path, upstream, model), ["rotate the key of proj_8f2k1", "yes"])

    assert second.turn.replies == ("Done. Your new key ends in x9Qz.",)
    assert [r.path for r in upstream.received] == ["/projects/proj_8f2k1/keys/rotate"]
