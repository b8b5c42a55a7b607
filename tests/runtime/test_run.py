from __future__ import annotations

import asyncio

from chatgw.compiler.plans import HANDOFF, AuthPlan, CallPlan, ReplyPlan
from chatgw.config.secrets import SecretRef
from chatgw.openapi.model import Response
from chatgw.runtime import DryRunSender, HttpSender, MockSender, run_action

from tests.runtime.builders import action, header_param, operation, path_param, query_param, upstream_plan
from tests.upstream import Reply

LIMIT = {"type": "object", "required": ["limit"], "properties": {"limit": {"type": "integer", "maximum": 500}}}
GET_PROJECT = operation("GET", "/projects/{project_id}", operation_id="getProject", parameters=(path_param("project_id"),))
ROTATE = operation("POST", "/projects/{project_id}/keys/rotate", operation_id="rotateKey", parameters=(path_param("project_id"),))


def run(plan, url, *, slots=None, identity=None, retries=0, timeout=5.0, sender=None):
    upstream = upstream_plan(url, retries=retries, timeout=timeout)

    async def go():
        if sender is not None:
            return await run_action(plan, sender, upstream, slots=slots or {}, identity=identity or {})
        async with HttpSender(upstream, backoff_base=0.0) as live:
            return await run_action(plan, live, upstream, slots=slots or {}, identity=identity or {})

    return asyncio.run(go())


def project_action(reply: ReplyPlan):
    return action(CallPlan(operation=GET_PROJECT, path={"project_id": "{{ slots.project_id }}"}), reply=reply)


def test_run_action_ok_renders_the_reply_from_the_response(upstream):
    upstream.respond(Reply(200, {"name": "Apollo"}))
    outcome = run(project_action(ReplyPlan(ok="Project {{ response.body.name }} found.")), upstream.url, slots={"project_id": "proj_1"})
    assert outcome.outcome == "ok" and outcome.status == 200
    assert outcome.reply == "Project Apollo found." and not outcome.handoff
    assert outcome.requests[0]["url"] == upstream.url + "/projects/proj_1"


def test_run_action_maps_an_exact_status(upstream):
    upstream.respond(Reply(404, {"error": "not found"}))
    reply = ReplyPlan(by_status={404: "I couldn't find project {{ slots.project_id }}."}, by_class={"4xx": "class"}, default="default")
    outcome = run(project_action(reply), upstream.url, slots={"project_id": "proj_9"})
    assert (outcome.outcome, outcome.status, outcome.reply) == ("failed", 404, "I couldn't find project proj_9.")


def test_run_action_maps_a_status_class(upstream):
    upstream.respond(Reply(500))
    outcome = run(project_action(ReplyPlan(by_class={"5xx": "Our side is having trouble."}, default="default")), upstream.url, slots={"project_id": "p"})
    assert (outcome.outcome, outcome.reply) == ("failed", "Our side is having trouble.")


def test_run_action_falls_back_to_default_reply(upstream):
    upstream.respond(Reply(409))
    outcome = run(project_action(ReplyPlan(by_status={404: "x"}, default="Something is off.")), upstream.url, slots={"project_id": "p"})
    assert (outcome.outcome, outcome.status, outcome.reply) == ("failed", 409, "Something is off.")


def test_run_action_hands_off_when_the_reply_says_so(upstream):
    upstream.respond(Reply(500, {"trace": "stack"}))
    outcome = run(project_action(ReplyPlan(ok="fine", default=HANDOFF)), upstream.url, slots={"project_id": "p"})
    assert (outcome.outcome, outcome.status, outcome.reply, outcome.handoff) == ("handoff", 500, None, True)


def test_run_action_without_matching_reply_uses_a_plain_sentence(upstream):
    upstream.respond(Reply(200, {"a": 1}), Reply(500, {"error": "boom"}))
    ok = run(project_action(ReplyPlan()), upstream.url, slots={"project_id": "p"})
    failed = run(project_action(ReplyPlan()), upstream.url, slots={"project_id": "p"})
    assert ok.reply == "Done."
    assert failed.outcome == "failed" and failed.reply.startswith("Sorry") and "boom" not in failed.reply


def test_run_action_reply_naming_a_missing_field_still_reports_success(upstream):
    upstream.respond(Reply(200, {"other": 1}))
    outcome = run(project_action(ReplyPlan(ok="Key ends in {{ response.body.key_suffix }}")), upstream.url, slots={"project_id": "p"})
    assert (outcome.outcome, outcome.reply) == ("ok", "Done.")
    assert "key_suffix" in outcome.error


def test_run_action_invalid_request_is_not_sent(upstream):
    op = operation("POST", "/limits", body=LIMIT)
    plan = action(CallPlan(operation=op, body={"limit": "{{ slots.limit }}"}), reply=ReplyPlan(default=HANDOFF))
    outcome = run(plan, upstream.url, slots={"limit": "2000"})
    assert (outcome.outcome, outcome.reply, outcome.handoff) == ("invalid", "limit must be at most 500", False)
    assert outcome.steps == () and upstream.received == []


def test_run_action_timeout_is_unreachable(upstream):
    upstream.respond(Reply(200, delay=30))
    outcome = run(project_action(ReplyPlan(ok="fine")), upstream.url, slots={"project_id": "p"}, timeout=0.2)
    assert outcome.outcome == "unreachable" and outcome.status is None
    assert outcome.reply.startswith("Sorry") and "no answer within" in outcome.error
    assert len(outcome.steps) == 1 and outcome.steps[0].result is None


def test_run_action_unreachable_uses_the_default_reply(upstream):
    upstream.respond(Reply(200, delay=30), Reply(200, delay=30))
    handoff = run(project_action(ReplyPlan(default=HANDOFF)), upstream.url, slots={"project_id": "p"}, timeout=0.2)
    worded = run(project_action(ReplyPlan(default="Please try later.")), upstream.url, slots={"project_id": "p"}, timeout=0.2)
    assert (handoff.outcome, handoff.handoff, handoff.reply) == ("unreachable", True, None)
    assert (worded.outcome, worded.reply) == ("unreachable", "Please try later.")


def test_run_action_steps_share_responses_and_skip_on_when(upstream):
    upstream.respond(Reply(200, {"id": "proj_7", "plan": "pro", "owner": "ann"}), path="/projects/current")
    upstream.respond(Reply(201, {"key_suffix": "x9z"}), path="/projects/proj_7/keys/rotate")
    current = operation("GET", "/projects/current", operation_id="currentProject")
    notify = operation("POST", "/notify", operation_id="notify", parameters=(query_param("to"),))
    plan = action(
        CallPlan(operation=current, name="project"),
        CallPlan(operation=notify, query={"to": "{{ steps.project.body.owner }}"}, name="notice", when="steps.project.body.plan == 'free'"),
        CallPlan(operation=ROTATE, path={"project_id": "{{ steps.project.body.id }}"}, name="rotated", when="steps.project.body.plan == 'pro'"),
        reply=ReplyPlan(ok="New key for {{ steps.project.body.id }} ends in {{ response.body.key_suffix }}."),
    )
    outcome = run(plan, upstream.url)
    assert upstream.paths() == ["/projects/current", "/projects/proj_7/keys/rotate"]
    assert [step.name for step in outcome.steps] == ["project", "rotated"]
    assert (outcome.outcome, outcome.status) == ("ok", 201)
    assert outcome.reply == "New key for proj_7 ends in x9z."


def test_run_action_failing_step_stops_the_plan(upstream):
    upstream.respond(Reply(404), path="/projects/current")
    current = operation("GET", "/projects/current")
    plan = action(CallPlan(operation=current, name="project"), CallPlan(operation=ROTATE, path={"project_id": "{{ steps.project.body.id }}"}), reply=ReplyPlan(by_status={404: "No project."}))
    outcome = run(plan, upstream.url)
    assert len(upstream.received) == 1 and (outcome.outcome, outcome.reply) == ("failed", "No project.")


def test_run_action_answer_needs_no_request(upstream):
    plan = action(answer="Our plans are listed at /pricing, {{ identity.name }}.")
    outcome = run(plan, upstream.url, identity={"name": "Ann"})
    assert (outcome.outcome, outcome.reply, outcome.steps) == ("ok", "Our plans are listed at /pricing, Ann.", ())
    assert upstream.received == []


def test_run_action_dry_run_sends_nothing(upstream):
    sender = DryRunSender()
    outcome = run(project_action(ReplyPlan(ok="Found {{ response.body.name }}")), upstream.url, slots={"project_id": "p"}, sender=sender)
    assert upstream.received == [] and len(sender.sent) == 1
    assert outcome.outcome == "ok" and outcome.steps[0].result.attempts == 0
    assert outcome.requests[0]["method"] == "GET"


def test_run_action_with_mock_sender_replies_from_the_spec_example(upstream):
    op = operation("POST", "/projects/{project_id}/keys/rotate", operation_id="rotateKey", parameters=(path_param("project_id"),),
                   responses={"201": Response("201", "rotated", {"type": "object"}, example={"key_suffix": "ab12"})})
    plan = action(CallPlan(operation=op, path={"project_id": "{{ slots.p }}"}), reply=ReplyPlan(ok="Ends in {{ response.body.key_suffix }}."))
    outcome = run(plan, upstream.url, slots={"p": "proj_1"}, sender=MockSender())
    assert (outcome.outcome, outcome.status, outcome.reply) == ("ok", 201, "Ends in ab12.")
    assert upstream.received == []


def test_run_action_header_with_line_break_is_invalid_and_not_sent(upstream):
    op = operation("GET", "/me", parameters=(header_param("X-Ticket"),))
    plan = action(CallPlan(operation=op, headers={"X-Ticket": "{{ slots.ticket }}"}))
    outcome = run(plan, upstream.url, slots={"ticket": "T-1\nX-Admin: yes"})
    assert outcome.outcome == "invalid" and "line breaks" in outcome.reply
    assert upstream.received == []


def test_run_action_requests_never_show_the_credential(upstream, monkeypatch):
    monkeypatch.setenv("RUNTIME_TEST_TOKEN", "tok-hidden")
    upstream_config = upstream_plan(upstream.url, auth=AuthPlan(type="bearer", token=SecretRef("RUNTIME_TEST_TOKEN")))
    plan = project_action(ReplyPlan(ok="ok"))

    async def go():
        async with HttpSender(upstream_config) as sender:
            return await run_action(plan, sender, upstream_config, slots={"project_id": "p"}, identity={})

    outcome = asyncio.run(go())
    assert upstream.received[0].headers["authorization"] == "Bearer tok-hidden"
    assert "tok-hidden" not in repr(outcome.requests) and "tok-hidden" not in repr(outcome)
