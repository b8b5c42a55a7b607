from __future__ import annotations

import json

import pytest

from chatgw.engine import ConversationState


def test_state_round_trips_through_json():
    state = ConversationState(
        conversation_id="c1", status="collecting", action="extend_trial", confidence=0.8,
        slots={"hours": 24}, expecting="reason", attempts=1, out_of_scope=2,
    )
    assert ConversationState.from_dict(json.loads(json.dumps(state.to_dict()))) == state


def test_state_from_dict_refuses_an_unknown_status():
    with pytest.raises(ValueError, match="unknown conversation status"):
        ConversationState.from_dict({"status": "dancing"})


def test_state_from_dict_refuses_another_version():
    with pytest.raises(ValueError, match="version"):
        ConversationState.from_dict({"version": 99})


def test_state_idle_forgets_the_form_but_keeps_the_conversation():
    state = ConversationState(conversation_id="c1", status="confirming", action="a", slots={"x": 1}, out_of_scope=1)
    idle = state.idle()
    assert (idle.status, idle.action, idle.slots) == ("idle", None, {})
    assert (idle.conversation_id, idle.out_of_scope) == ("c1", 1)


def test_state_idle_with_changes_sets_them_over_the_idle_values():
    state = ConversationState(conversation_id="c1", status="confirming", action="a", slots={"x": 1}, memory={"x": 1})
    idle = state.idle(action="b", memory={"x": 2}, status="handoff")
    assert (idle.status, idle.action, idle.slots, idle.memory) == ("handoff", "b", {}, {"x": 2})
    assert idle.conversation_id == "c1"
