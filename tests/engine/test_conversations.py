"""Whole conversations through the engine, against a real HTTP upstream on loopback."""

from __future__ import annotations

import json

from chatgw.engine import ConversationState
from chatgw.engine.phrases import CANCELLED, DECLINED, HANDOFF_NOW, HANDOFF_WAITING, WELCOME
from chatgw.runtime import DryRunSender

from tests.engine.plans import acme, converse
from tests.upstream import Reply

CUSTOMER = {"customer_id": "cus_me", "sub": "user_1"}


def test_single_turn_action_runs_and_replies_from_the_response(upstream):
    upstream.respond(Reply(200, {"requests": 1234}))
    [result] = converse(acme(upstream.url), ["show me the usage of proj_8f2k1"])
    turn = result.turn
    assert upstream.paths() == ["/projects/proj_8f2k1/usage"]
    assert turn.intent == "show_usage"
    assert turn.slots == {"project_id": "proj_8f2k1"}
    assert turn.state == "idle"
    assert turn.replies == ("Project proj_8f2k1 made 1234 requests this month.",)
    assert turn.request["method"] == "GET"
    assert turn.request["url"] == f"{upstream.url}/projects/proj_8f2k1/usage"
    assert turn.tags == ("usage", "action:show_usage", "Usage", "outcome:resolved")
    assert result.outcome == "resolved"
    [run] = result.runs
    assert (run.action, run.operation, run.status, run.outcome) == ("show_usage", "getProjectUsage", 200, "ok")


def test_multi_turn_asks_for_the_missing_slot_then_runs(upstream):
    upstream.respond(Reply(200, {"requests": 7}))
    first, second = converse(acme(upstream.url), ["how many requests did my project make", "proj_ab12c"])
    assert first.turn.state == "collecting"
    assert first.turn.replies == ("Which project is it? Project ids look like proj_ab12c.",)
    assert first.turn.request is None
    assert second.turn.intent == "show_usage"
    assert second.turn.replies == ("Project proj_ab12c made 7 requests this month.",)
    assert upstream.paths() == ["/projects/proj_ab12c/usage"]


def test_confirmed_action_sends_once_with_the_real_values(upstream):
    upstream.respond(Reply(200, {"key_suffix": "x9Qz"}))
    asking, done = converse(acme(upstream.url), ["rotate the token for proj_8f2k1", "yep"])
    assert asking.turn.state == "confirming"
    assert asking.turn.replies == (
        "I'll revoke the current key of proj_8f2k1 and issue a new one. Go ahead?",
    )
    assert asking.turn.request["method"] == "POST"
    assert asking.turn.request["url"] == f"{upstream.url}/projects/proj_8f2k1/keys/rotate"
    assert asking.runs == ()
    assert done.turn.replies == ("Done. Your new key ends in x9Qz; the old one no longer works.",)
    assert done.turn.state == "idle"
    [received] = upstream.received
    assert (received.method, received.path, received.json()) == (
        "POST", "/projects/proj_8f2k1/keys/rotate", {"reason": "support-chat"},
    )


def test_everyday_yes_confirms(upstream):
    converse(acme(upstream.url), ["please rotate my api key for proj_8f2k1", "sure, go ahead"])
    assert upstream.paths() == ["/projects/proj_8f2k1/keys/rotate"]


def test_declined_confirmation_sends_nothing(upstream):
    for answer in ("no thanks", "don't"):
        results = converse(acme(upstream.url), ["rotate the token for proj_8f2k1", answer])
        assert results[-1].turn.replies == (DECLINED,)
        assert results[-1].turn.state == "idle"
        assert results[-1].outcome == "cancelled"
        assert "outcome:cancelled" in results[-1].turn.tags
    assert upstream.received == []


def test_several_slots_come_from_one_message(upstream):
    first, *_ = converse(acme(upstream.url), ["send the march invoice to ann@example.com"])
    assert first.turn.intent == "email_invoice"
    assert first.turn.slots == {"email": "ann@example.com", "month": "march"}
    assert first.turn.replies == ("What note should go with it?",)


def test_identity_and_message_slots_fill_from_the_first_message(upstream):
    [result] = converse(acme(upstream.url), ["please extend my trial by 24 hours"], identity=CUSTOMER)
    assert result.turn.state == "confirming"
    assert result.turn.slots == {"customer_id": "cus_me", "hours": 24}
    assert result.turn.replies == ("I'll extend the trial of cus_me by 24 hours. Go ahead?",)


def test_bad_value_is_asked_again_with_the_reason(upstream):
    bad, good = converse(acme(upstream.url), ["extend my trial by 100 hours", "24"], identity=CUSTOMER)
    assert bad.turn.state == "collecting"
    [reply] = bad.turn.replies
    assert "72" in reply and reply.endswith("How many hours should I add (1 to 72)?")
    assert "hours" not in bad.turn.slots
    assert good.turn.state == "confirming"
    assert good.turn.slots["hours"] == 24
    assert upstream.received == []


def test_repeated_bad_values_hand_over_to_a_human(upstream):
    results = converse(
        acme(upstream.url, max_slot_attempts=2),
        ["extend my trial", "500", "a thousand"],
        identity=CUSTOMER,
    )
    assert [r.turn.state for r in results] == ["collecting", "collecting", "handoff"]
    assert results[-1].turn.handoff is True
    assert results[-1].handoff_reason == "too_many_attempts"
    assert results[-1].outcome == "handoff"
    assert upstream.received == []


def test_cancel_stops_a_form_and_a_confirmation(upstream):
    in_form = converse(acme(upstream.url), ["reset my api key", "cancel"])
    at_confirm = converse(acme(upstream.url), ["rotate the token for proj_8f2k1", "never mind"])
    for results in (in_form, at_confirm):
        assert results[-1].turn.replies == (CANCELLED,)
        assert results[-1].turn.state == "idle"
        assert results[-1].outcome == "cancelled"
        assert results[-1].state.action is None
    assert upstream.received == []


def test_cancel_inside_a_request_is_a_request(upstream):
    [result] = converse(acme(upstream.url), ["cancel my api key and give me a new one"])
    assert result.turn.intent == "rotate_key"


def test_human_request_hands_over_and_the_bot_stays_quiet(upstream):
    results = converse(acme(upstream.url), ["reset my api key", "can I talk to a real person?", "proj_8f2k1"])
    handed, after = results[1], results[2]
    assert handed.turn.handoff is True and handed.turn.state == "handoff"
    assert handed.turn.replies == (HANDOFF_NOW,)
    assert handed.handoff_reason == "customer_asked"
    assert "action:rotate_key" in handed.turn.tags and "outcome:handoff" in handed.turn.tags
    assert after.turn.replies == (HANDOFF_WAITING,)
    assert after.turn.handoff is True and after.turn.intent is None
    assert after.handoff_reason is None and after.outcome is None
    assert upstream.received == []


def test_identity_slot_ignores_an_id_typed_in_the_chat(upstream):
    results = converse(
        acme(upstream.url),
        ["extend the trial of customer cus_other by 24 hours", "yes"],
        identity=CUSTOMER,
    )
    assert "cus_other" not in results[0].turn.replies[0]
    assert results[0].turn.slots["customer_id"] == "cus_me"
    [received] = upstream.received
    assert received.path == "/customers/cus_me/trial/extend"
    assert received.json() == {"hours": 24}


def test_missing_claim_refuses_and_says_why(upstream):
    [result] = converse(acme(upstream.url), ["extend the trial of customer cus_other by 24 hours"])
    [reply] = result.turn.replies
    assert "customer id" in reply and "sign in" in reply
    assert result.turn.state == "idle"
    assert result.outcome == "failed"
    assert result.runs == ()
    assert upstream.received == []


def test_out_of_scope_never_runs_an_action_and_offers_a_human(upstream):
    oos, accepted = converse(acme(upstream.url), ["what's the weather like in Paris tomorrow?", "yes please"])
    assert oos.turn.intent is None
    assert oos.turn.state == "idle"
    [reply] = oos.turn.replies
    assert "Issue a new API key for a project and revoke the old one" in reply
    assert "human" in reply
    assert oos.turn.tags == ("outcome:out_of_scope",)
    assert oos.outcome == "out_of_scope" and oos.runs == ()
    assert accepted.turn.handoff is True
    assert upstream.received == []


def test_repeated_out_of_scope_hands_over(upstream):
    results = converse(
        acme(upstream.url, max_out_of_scope=2),
        ["what's the weather like in Paris tomorrow?", "tell me a joke about penguins"],
    )
    assert [r.turn.intent for r in results] == [None, None]
    assert results[-1].turn.handoff is True
    assert results[-1].handoff_reason == "out_of_scope"
    assert upstream.received == []


def test_greetings_and_thanks_are_answered_without_counting_as_out_of_scope(upstream):
    results = converse(
        acme(upstream.url, max_out_of_scope=2),
        ["hello", "what's the weather like in Paris tomorrow?", "ok thanks"],
    )
    hello, _, thanks = results
    assert hello.turn.replies[0].startswith("Hi! Here is what I can help with:")
    assert hello.outcome is None and hello.turn.tags == ()
    assert thanks.turn.replies == (WELCOME,)
    assert [r.turn.handoff for r in results] == [False, False, False]


def test_customer_template_text_stays_literal(upstream):
    results = converse(
        acme(upstream.url),
        ["send the march invoice to ann@example.com", "{{ 7*7 }}", "yes"],
    )
    assert results[1].turn.slots["note"] == "{{ 7*7 }}"
    assert "{{ 7*7 }}" in results[1].turn.replies[0] and "49" not in results[1].turn.replies[0]
    [received] = upstream.received
    assert received.json() == {"email": "ann@example.com", "month": "march", "note": "{{ 7*7 }}"}


def test_a_later_message_corrects_a_slot(upstream):
    results = converse(
        acme(upstream.url), ["rotate the token for proj_8f2k1", "actually it's proj_zz9zz", "yes"]
    )
    assert results[1].turn.state == "confirming"
    assert "proj_zz9zz" in results[1].turn.replies[-1]
    assert upstream.paths() == ["/projects/proj_zz9zz/keys/rotate"]


def test_a_clear_new_intent_mid_form_switches_and_says_so(upstream):
    # A plain question (an `answer:` action) is answered without leaving the form: see
    # test_a_question_mid_form_is_answered_and_the_slot_is_asked_again.
    asked, switched = converse(acme(upstream.url), ["reset my api key", "how many requests did my project make"])
    assert asked.turn.state == "collecting"
    assert switched.turn.intent == "show_usage"
    assert switched.turn.replies[0].startswith("OK, let's leave that.")
    assert switched.turn.replies[-1] == "Which project is it? Project ids look like proj_ab12c."
    assert switched.turn.state == "collecting"
    assert upstream.received == []


def test_a_switch_keeps_the_values_the_new_action_also_needs(upstream):
    upstream.respond(Reply(200, {"requests": 5}))
    _, switched = converse(
        acme(upstream.url), ["rotate the token for proj_8f2k1", "how many requests did my project make"]
    )
    assert switched.turn.intent == "show_usage"
    assert upstream.paths() == ["/projects/proj_8f2k1/usage"]


def test_a_new_request_carrying_the_asked_value_switches(upstream):
    upstream.respond(Reply(200, {"requests": 3}))
    asked, switched = converse(
        acme(upstream.url), ["reset my api key", "actually, show me the usage of proj_8f2k1"]
    )
    assert asked.turn.state == "collecting"
    assert switched.turn.intent == "show_usage"
    assert upstream.paths() == ["/projects/proj_8f2k1/usage"]


def test_a_slot_answer_that_looks_a_bit_like_another_request_stays_in_the_form(upstream):
    _, answered = converse(acme(upstream.url), ["reset my api key", "the project is proj_8f2k1"])
    assert answered.turn.intent == "rotate_key"
    assert answered.turn.state == "confirming"
    assert upstream.received == []


def test_answer_action_replies_directly(upstream):
    [result] = converse(acme(upstream.url), ["when is support open?"])
    assert result.turn.replies == ("Our support team is there from 9:00 to 17:00 CET, Monday to Friday.",)
    assert result.turn.request is None
    assert result.runs[0].operation is None and result.runs[0].outcome == "ok"
    assert result.turn.tags == ("faq", "action:support_hours", "outcome:resolved")
    assert upstream.received == []


def test_upstream_404_is_mapped_through_reply(upstream):
    upstream.respond(Reply(404, {"error": "not found"}))
    results = converse(acme(upstream.url), ["rotate the token for proj_8f2k1", "yes"])
    assert results[-1].turn.replies == ("I couldn't find project proj_8f2k1 on your account.",)
    assert results[-1].outcome == "failed"
    assert results[-1].runs[0].status == 404


def test_upstream_500_hands_over_through_the_default_reply(upstream):
    upstream.respond(Reply(500, {"error": "boom"}))
    results = converse(acme(upstream.url), ["rotate the token for proj_8f2k1", "yes"])
    assert results[-1].turn.handoff is True
    assert results[-1].handoff_reason == "action_reply"
    assert results[-1].runs[0].outcome == "handoff"


def test_unreachable_upstream_fails_with_a_plain_reply():
    project = acme("http://127.0.0.1:9")  # the discard port: nothing listens
    [result] = converse(project, ["show me the usage of proj_8f2k1"])
    assert result.runs[0].outcome == "unreachable"
    assert result.outcome == "failed"
    assert "isn't answering" in result.turn.replies[0]


def test_dry_run_shows_the_request_and_sends_nothing(upstream):
    sender = DryRunSender()
    [result] = converse(acme(upstream.url), ["show me the usage of proj_8f2k1"], sender=sender)
    assert result.turn.request["url"] == f"{upstream.url}/projects/proj_8f2k1/usage"
    assert len(sender.sent) == 1
    assert upstream.received == []


def test_state_round_trips_mid_form(upstream):
    first, *_ = converse(acme(upstream.url), ["send the march invoice to ann@example.com"])
    data = json.loads(json.dumps(first.state.to_dict()))
    assert ConversationState.from_dict(data) == first.state
    assert data["status"] == "collecting" and data["expecting"] == "note"
    [resumed] = converse(acme(upstream.url), ["thanks a lot"], state=ConversationState.from_dict(data))
    assert resumed.turn.state == "confirming"
    assert resumed.turn.slots["note"] == "thanks a lot"


def test_turn_object_has_exactly_the_design_keys(upstream):
    [result] = converse(acme(upstream.url), ["reset my api key"])
    data = result.turn.as_dict()
    assert list(data) == [
        "conversation_id", "intent", "candidates", "slots", "state", "request", "replies", "tags", "handoff", "choices",
    ]
    assert data["conversation_id"] == "c1"
    assert set(data["intent"]) == {"name", "confidence"}
    assert all(set(c) == {"name", "confidence"} for c in data["candidates"])
    json.dumps(data)


def test_a_question_mid_confirmation_is_answered_and_the_confirmation_stays(upstream):
    asking, aside, done = converse(
        acme(upstream.url),
        ["rotate the token for proj_8f2k1", "wait, when is support open?", "yes"],
    )
    assert asking.turn.state == "confirming"
    assert aside.turn.state == "confirming"
    assert aside.turn.replies[0] == "Our support team is there from 9:00 to 17:00 CET, Monday to Friday."
    assert aside.turn.replies[1] == asking.turn.replies[0]
    assert aside.runs == ()
    assert upstream.paths() == ["/projects/proj_8f2k1/keys/rotate"]
    assert done.outcome == "resolved"


def test_a_question_mid_form_is_answered_and_the_slot_is_asked_again(upstream):
    asking, aside = converse(acme(upstream.url), ["how many requests did my project make", "when is support open"])
    assert aside.turn.state == "collecting"
    assert aside.turn.replies == (
        "Our support team is there from 9:00 to 17:00 CET, Monday to Friday.",
        "Which project is it? Project ids look like proj_ab12c.",
    )
    assert upstream.received == []
