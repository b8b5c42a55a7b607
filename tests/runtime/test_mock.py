from __future__ import annotations

import asyncio

from chatgw.compiler.plans import CallPlan
from chatgw.openapi.model import Response
from chatgw.runtime import DryRunSender, MockSender, prepare_request

from tests.runtime.builders import context, operation, upstream_plan

KEY_SCHEMA = {"type": "object", "properties": {"key_suffix": {"type": "string"}}}


def answer(sender, op):
    request = prepare_request(CallPlan(operation=op), upstream_plan(), context())
    return asyncio.run(sender.send(request))


def test_mock_sender_answers_with_the_success_example_and_its_status():
    op = operation("POST", "/keys", operation_id="rotate", responses={
        "201": Response("201", "created", KEY_SCHEMA, example={"key_suffix": "ab12"}),
        "404": Response("404", "missing", None, example={"error": "nope"}),
    })
    result = answer(MockSender(), op)
    assert (result.status, result.body, result.attempts) == (201, {"key_suffix": "ab12"}, 1)


def test_mock_sender_answers_200_for_a_range_or_default_response():
    op = operation(responses={"2XX": Response("2XX", "fine", None, example=[1, 2])})
    assert (answer(MockSender(), op).status, answer(MockSender(), op).body) == (200, [1, 2])
    op = operation(responses={"default": Response("default", "anything", None, example="ok")})
    assert answer(MockSender(), op).status == 200


def test_mock_sender_builds_a_body_from_the_schema_without_an_example():
    op = operation(responses={"200": Response("200", "ok", KEY_SCHEMA)})
    body = answer(MockSender(), op).body
    assert isinstance(body, dict) and isinstance(body.get("key_suffix"), str)


def test_mock_sender_override_answers_instead_of_the_spec():
    op = operation("GET", "/projects", operation_id="listProjects")
    result = answer(MockSender({"listProjects": (404, {"error": "none"})}), op)
    assert (result.status, result.body) == (404, {"error": "none"})


def test_dry_run_sender_records_and_answers_without_a_body():
    sender = DryRunSender()
    result = answer(sender, operation())
    assert (result.status, result.body, result.attempts) == (200, None, 0)
    assert [request.operation for request in sender.sent] == ["GET /things"]
