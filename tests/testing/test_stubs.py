"""StubSender: stubbed answers in order, timeouts, and answers the spec could not give."""

from __future__ import annotations

import asyncio

import pytest

from chatgw.compiler.plans import ProjectPlan
from chatgw.errors import UpstreamError
from chatgw.runtime import MockSender, PreparedRequest
from chatgw.testing import Stub, StubSender, stub_problem
from chatgw.testing.stubs import response_for

KEY = {"key_id": "key_1", "key_suffix": "abcd", "rotated_at": "2026-01-01T00:00:00Z"}


def _request(acme: ProjectPlan, action: str = "reset_api_key") -> PreparedRequest:
    plan = acme.action(action)
    assert plan is not None
    operation = plan.steps[0].operation
    return PreparedRequest(
        method=operation.method, url="http://127.0.0.1:8081/x", headers={}, body=None, media_type=None,
        operation=operation.operation_id or operation.key, spec=operation,
    )


def test_stub_sender_answers_with_the_stubs_in_order_then_the_fallback(acme: ProjectPlan) -> None:
    sender = StubSender(MockSender())
    sender.queue([Stub(201, KEY, {"X-Trace": "t1"}), Stub(404, {"error": {"code": "nf", "message": "no"}})])
    request = _request(acme)

    first, second, third = (asyncio.run(sender.send(request)) for _ in range(3))

    assert (first.status, first.body, dict(first.headers)) == (201, KEY, {"x-trace": "t1", "content-type": "application/json"})
    assert second.status == 404
    assert (third.status, third.body["key_suffix"]) == (200, "x9Qa")  # the spec's example
    assert len(sender.sent) == 3 and sender.unused == 0 and sender.problems == []


def test_stub_sender_without_fallback_is_a_dry_run(acme: ProjectPlan) -> None:
    result = asyncio.run(StubSender().send(_request(acme)))

    assert (result.status, result.body, result.attempts) == (200, None, 0)


def test_stub_sender_timeout_raises_upstream_error(acme: ProjectPlan) -> None:
    sender = StubSender()
    sender.queue([Stub(timeout=True)])

    with pytest.raises(UpstreamError, match="rotateProjectKey: no answer"):
        asyncio.run(sender.send(_request(acme)))
    assert len(sender.sent) == 1


def test_stub_sender_records_a_body_the_spec_does_not_allow(acme: ProjectPlan) -> None:
    sender = StubSender()
    sender.queue([Stub(200, {"key_suffix": 7})])

    result = asyncio.run(sender.send(_request(acme)))

    assert result.status == 200  # answered all the same: the conversation goes on
    (problem,) = sender.problems
    assert problem.startswith("rotateProjectKey: the stubbed 200 body does not match the spec's response (")


def test_queue_starts_a_new_turn(acme: ProjectPlan) -> None:
    sender = StubSender()
    sender.queue([Stub(200, {"key_suffix": 7}), Stub()])
    asyncio.run(sender.send(_request(acme)))
    assert (sender.unused, len(sender.sent), len(sender.problems)) == (1, 1, 1)

    sender.queue([])

    assert (sender.unused, sender.sent, sender.problems) == (0, [], [])


def test_stub_problem_checks_the_documented_response_of_the_status(acme: ProjectPlan) -> None:
    operation = _request(acme).spec

    assert stub_problem(Stub(200, KEY), operation) is None
    assert stub_problem(Stub(404, {"error": {"code": "x", "message": "y"}}), operation) is None
    assert stub_problem(Stub(404, {"error": "not found"}), operation) is not None
    assert stub_problem(Stub(500, {"anything": True}), operation) is None  # 500 is not documented
    assert stub_problem(Stub(200), operation) is None  # no body: nothing to check
    assert stub_problem(Stub(timeout=True), operation) is None


def test_response_for_falls_back_to_the_class_then_default(acme: ProjectPlan) -> None:
    from dataclasses import replace

    operation = _request(acme).spec
    assert operation is not None
    responses = {"2XX": operation.responses["200"], "default": operation.responses["404"]}
    widened = replace(operation, responses=responses)

    assert response_for(widened, 201) is responses["2XX"]
    assert response_for(widened, 503) is responses["default"]
    assert response_for(operation, 503) is None
