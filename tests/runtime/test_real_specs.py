"""The runtime against operations of real specs (../shared/specs), sent to a loopback upstream."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from chatgw.compiler.plans import CallPlan, ReplyPlan
from chatgw.errors import RenderError
from chatgw.openapi import Spec, load_spec
from chatgw.runtime import HttpSender, MockSender, prepare_request, run_action

from tests.runtime.builders import action, context, upstream_plan

SPECS = Path(__file__).resolve().parents[3] / "shared" / "specs"
REPLY = {
    "message_type": "comment",
    "type": "user",
    "body": "{{ slots.text }}",
    "intercom_user_id": "{{ identity.user_id }}",
}


@pytest.fixture(scope="module")
def intercom(tmp_path_factory) -> Spec:
    return load_spec(SPECS / "intercom-2.11.yaml", cache_dir=tmp_path_factory.mktemp("spec-cache"))


@pytest.fixture(scope="module")
def twilio(tmp_path_factory) -> Spec:
    return load_spec(SPECS / "twilio_accounts_v1.json", cache_dir=tmp_path_factory.mktemp("spec-cache"))


def reply_call(intercom: Spec, **body) -> CallPlan:
    return CallPlan(
        operation=intercom.operation("replyConversation"),
        path={"conversation_id": "{{ slots.conversation }}"},
        body={**REPLY, **body},
    )


def test_intercom_reply_is_sent_with_json_body_and_encoded_path(intercom, upstream):
    plan = action(reply_call(intercom), reply=ReplyPlan(ok="Sent."))

    async def go():
        upstream_config = upstream_plan(upstream.url)
        async with HttpSender(upstream_config) as sender:
            return await run_action(plan, sender, upstream_config,
                                    slots={"text": "{{ 7*7 }} please", "conversation": "123/../../admins"},
                                    identity={"user_id": "u_42"})

    outcome = asyncio.run(go())
    assert (outcome.outcome, outcome.reply) == ("ok", "Sent.")
    received = upstream.received[0]
    assert received.path == "/conversations/123%2F..%2F..%2Fadmins/reply"
    assert received.json() == {"message_type": "comment", "type": "user", "body": "{{ 7*7 }} please", "intercom_user_id": "u_42"}


def test_intercom_reply_invalid_enum_is_refused_in_plain_words(intercom):
    with pytest.raises(RenderError) as caught:
        prepare_request(reply_call(intercom, message_type="shout"), upstream_plan(), {**context(text="hi", conversation="1"), "identity": {"user_id": "u"}})
    assert str(caught.value) == "message_type must be one of: comment"  # the contact-reply form


def test_intercom_reply_missing_identity_field_names_the_nearest_form(intercom):
    call = reply_call(intercom)
    call = CallPlan(operation=call.operation, path=call.path, body={k: v for k, v in REPLY.items() if k != "intercom_user_id"})
    with pytest.raises(RenderError, match="intercom_user_id is required"):
        prepare_request(call, upstream_plan(), context(text="hi", conversation="1"))


def test_intercom_mock_answers_from_the_spec(intercom):
    plan = action(reply_call(intercom), reply=ReplyPlan(ok="Reply posted as {{ response.body.type }}."))
    outcome = asyncio.run(run_action(plan, MockSender(), upstream_plan(), slots={"text": "hi", "conversation": "1"}, identity={"user_id": "u"}))
    assert outcome.outcome == "ok" and outcome.status == 200
    assert outcome.reply == "Reply posted as conversation."


def test_twilio_form_body_is_sent_url_encoded(twilio, upstream):
    call = CallPlan(operation=twilio.operation("CreateSafelist"), body={"PhoneNumber": "{{ slots.phone }}"})
    plan = action(call)

    async def go():
        upstream_config = upstream_plan(upstream.url)
        async with HttpSender(upstream_config) as sender:
            return await run_action(plan, sender, upstream_config, slots={"phone": "+15550100&x=1"}, identity={})

    assert asyncio.run(go()).outcome == "ok"
    received = upstream.received[0]
    assert received.path == "/v1/SafeList/Numbers"
    assert received.headers["content-type"] == "application/x-www-form-urlencoded"
    assert received.body == b"PhoneNumber=%2B15550100%26x%3D1"


def test_twilio_missing_required_form_field_is_refused(twilio):
    call = CallPlan(operation=twilio.operation("CreateSafelist"), body={"PhoneNumber": "{{ slots.phone }}"})
    with pytest.raises(RenderError, match="PhoneNumber is required"):
        prepare_request(call, upstream_plan(), context(phone=None))
