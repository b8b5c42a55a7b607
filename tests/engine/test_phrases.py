from __future__ import annotations

import pytest

from chatgw.compiler.plans import SlotPlan
from chatgw.engine.phrases import (
    is_thanks,
    out_of_scope_reply,
    slot_prompt,
    wants_human,
    yes_or_no,
)

from chatgw.nlu.acts import builtin_intent
from tests.engine.plans import ACTIONS


@pytest.mark.parametrize(
    "text", ["yes", "Yep", "yeah!", "sure, go ahead", "ok", "go ahead", "do it", "Yes please", "no problem, go ahead"]
)
def test_yes_or_no_hears_everyday_yes(text):
    assert yes_or_no(text) == "yes"


@pytest.mark.parametrize("text", ["no", "Nope.", "no thanks", "don't", "please don't", "not now", "nah"])
def test_yes_or_no_hears_everyday_no(text):
    assert yes_or_no(text) == "no"


@pytest.mark.parametrize("text", ["not sure", "yes but not that one", "change it to proj_zz9zz", "", "maybe"])
def test_yes_or_no_leaves_unclear_answers_alone(text):
    assert yes_or_no(text) is None


@pytest.mark.parametrize("text", ["cancel", "Stop", "never mind", "forget it", "no, cancel that", "cancel please"])
def test_a_cancel_is_heard(text):
    assert builtin_intent(text) == "never_mind"


@pytest.mark.parametrize("text", ["cancel my subscription", "stop the server", "cancel the invoice for march"])
def test_requests_that_mention_cancel_are_not_a_cancel(text):
    assert builtin_intent(text) != "never_mind"


@pytest.mark.parametrize(
    "text",
    [
        "talk to a human",
        "agent",
        "Agent!",
        "a real person please",
        "can I speak to someone?",
        "get me a human",
        "connect me with a live agent",
        "representative",
    ],
)
def test_wants_human_hears_a_request_for_a_person(text):
    assert wants_human(text)


@pytest.mark.parametrize(
    "text", ["reset my agent key", "get the agent list", "I need someone's key", "put the person id in"]
)
def test_wants_human_leaves_other_mentions_alone(text):
    assert not wants_human(text)


def test_slot_prompt_uses_the_plan_prompt_else_the_name():
    assert slot_prompt(SlotPlan(name="hours", prompt="How many hours?")) == "How many hours?"
    assert slot_prompt(SlotPlan(name="project_id")) == "What is the project id?"


def test_out_of_scope_reply_lists_the_actions_and_offers_a_human():
    reply = out_of_scope_reply(ACTIONS)
    assert "- Show how many requests a project made this month" in reply
    assert reply.endswith("Would you like that?")


@pytest.mark.parametrize("text", ["hi", "Hello!", "hey there", "good morning"])
def test_a_greeting_is_heard(text):
    assert builtin_intent(text) == "greeting"


@pytest.mark.parametrize("text", ["thanks", "Thank you!", "ok thanks", "great, thanks a lot", "bye"])
def test_is_thanks_hears_thanks(text):
    assert is_thanks(text)


@pytest.mark.parametrize("text", ["hi, I need a new api key", "thanks, now extend my trial"])
def test_greetings_and_thanks_with_a_request_are_requests(text):
    assert builtin_intent(text) != "greeting" and not is_thanks(text)
