"""The conversation around the intent: the "Do you want me to ...?" band, memory, the queue of
requests, and the identity's timezone. The demo's own cases are in
tests/conversations/understanding.yaml; these pin the rules on hand-built matches."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from chatgw.compiler.plans import ActionPlan, SlotPlan
from chatgw.engine import ConversationState, clarify, form, memory
from chatgw.nlu.intents import IntentMatch, IntentScore
from tests.engine.plans import acme


def _match(name: str | None, *scores: tuple[str, float], threshold: float = 0.4) -> IntentMatch:
    candidates = tuple(IntentScore(n, c) for n, c in scores)
    return IntentMatch(name, candidates[0].confidence if candidates else 0.0, candidates, threshold)


def test_a_clear_match_is_acted_on():
    assert clarify.band(_match("a", ("a", 0.9), ("b", 0.2))) == ()


def test_a_near_miss_is_offered_and_a_far_one_is_not():
    assert clarify.band(_match(None, ("a", 0.3), ("b", 0.05))) == ("a",)
    assert clarify.band(_match(None, ("a", 0.3), ("b", 0.25))) == ("a", "b")
    assert clarify.band(_match(None, ("a", 0.1), ("b", 0.05))) == ()


def test_a_tie_above_the_threshold_is_asked_about():
    assert clarify.band(_match("a", ("a", 0.62), ("b", 0.55))) == ("a", "b")
    assert clarify.band(_match("a", ("a", 0.9), ("b", 0.55))) == ()


@pytest.mark.parametrize(
    ("message", "picked"),
    [("Yes", 0), ("yes please", 0), ("No", "none"), ("nope", "none"), ("what's the weather", None)],
)
def test_one_choice_is_answered_yes_or_no(message: str, picked):
    project = acme()
    first = project.actions[0].name
    assert clarify.pick(project, (first,), message, None) == picked


def test_two_choices_are_picked_by_label_ordinal_or_neither():
    project = acme()
    a, b = project.actions[0], project.actions[1]
    labels = clarify.labels(project, (a.name, b.name))
    assert labels[-1] == clarify.SOMETHING_ELSE
    assert clarify.pick(project, (a.name, b.name), labels[1], None) == 1
    assert clarify.pick(project, (a.name, b.name), "the second one", None) == 1
    assert clarify.pick(project, (a.name, b.name), "1", None) == 0
    assert clarify.pick(project, (a.name, b.name), "neither", None) == "none"
    assert clarify.pick(project, (a.name, b.name), clarify.SOMETHING_ELSE, None) == "none"
    assert clarify.pick(project, (a.name, b.name), "yes", None) == "again"


def test_memory_keeps_message_slots_and_named_answer_fields_but_never_credentials():
    slots = (
        SlotPlan(name="project_id"), SlotPlan(name="region"), SlotPlan(name="api_token"),
        SlotPlan(name="customer_id", source="identity", claim="customer_id"),
    )
    action = ActionPlan(name="create", description="", source="", examples=(), slots=slots)
    project = dataclasses.replace(acme(), actions=(action,))
    body = {"region": "eu-west", "api_token": "sk_live_x", "customer_id": "cus_other", "unrelated": 1}
    given = {"project_id": "proj_8f2k1", "customer_id": "cus_1"}
    kept = memory.remember({}, project, action, given, body)
    assert kept == {"region": "eu-west", "project_id": "proj_8f2k1"}
    assert memory.recall(kept, slots[0]) == "proj_8f2k1"
    assert memory.recall({"customer_id": "cus_other"}, slots[3]) is None


def test_memory_refuses_a_remembered_value_the_slot_would_refuse():
    slot = SlotPlan(name="project_id", pattern="^proj_[a-z0-9]{5}$")
    assert memory.recall({"project_id": "not a project"}, slot) is None


def test_state_with_choices_memory_and_queue_survives_json():
    state = ConversationState(
        conversation_id="c1", choices=("a", "b"), held="hi", memory={"project_id": "proj_8f2k1"},
        queue=(("check_usage", "show my usage"),), offered="proj_8f2k1",
    )
    again = ConversationState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert again == state
    assert again.idle().memory == state.memory and again.idle().queue == state.queue
    assert again.idle().choices == () and again.idle().offered is None


def test_dates_are_read_in_the_timezone_the_identity_names():
    action = ActionPlan(
        name="errors", description="", source="", examples=(),
        slots=(SlotPlan(name="since", format="date", description="errors since this date"),),
    )
    # 26 hours apart: the two calendars never show the same date
    east = form.fill("since yesterday", action, identity={"zoneinfo": "Etc/GMT-14"}).values["since"]
    west = form.fill("since yesterday", action, identity={"zoneinfo": "Etc/GMT+12"}).values["since"]
    assert east != west
    assert dt.date.fromisoformat(east) > dt.date.fromisoformat(west)
    utc = form.fill("since yesterday", action, identity={}).values["since"]
    assert dt.date.fromisoformat(west) <= dt.date.fromisoformat(utc) <= dt.date.fromisoformat(east)
