"""What the conversation remembers between actions: values the customer gave or an action
returned, offered again instead of asked blind ("For proj_8f2k1 again?").

Only message slots are remembered and offered: identity-bound slots always take the verified
claims, so a remembered value can never stand in for who the customer is.
"""

from __future__ import annotations

from typing import Any, Mapping

from chatgw.compiler.plans import ActionPlan, ProjectPlan, SlotPlan
from chatgw.nlu.slots import check_slot_value
from chatgw.runtime.redact import is_sensitive

MAX_REMEMBERED = 32  # values kept per conversation; the newest win
MAX_CHARS = 200  # a longer value is free text, not something to offer back


def remember(
    memory: Mapping[str, Any],
    project: ProjectPlan,
    action: ActionPlan,
    slots: Mapping[str, Any],
    body: Any = None,
) -> dict[str, Any]:
    """`memory` with the message-slot values of `action` and, from an answer's JSON `body`,
    the top-level fields named like a message slot of any action (a created project's id)."""
    given = {slot.name: slots[slot.name] for slot in action.slots if slot.source == "message" and slot.name in slots}
    returned: dict[str, Any] = {}
    if isinstance(body, Mapping):
        askable = _message_slot_names(project)
        # never a credential the upstream returned (a new key), whatever a slot is called
        returned = {name: value for name, value in body.items() if name in askable and not is_sensitive(name)}
    updated = dict(memory)
    for name, value in {**returned, **given}.items():
        if _plain(value):
            updated.pop(name, None)
            updated[name] = value  # re-inserted: the newest last
    return dict(list(updated.items())[-MAX_REMEMBERED:])


def recall(memory: Mapping[str, Any], slot: SlotPlan) -> Any:
    """The remembered value for `slot`, checked as the slot checks any answer; None if none."""
    if slot.source != "message" or slot.name not in memory:
        return None
    value, reason = check_slot_value(slot, memory[slot.name])
    return value if reason is None else None


def _plain(value: Any) -> bool:
    if isinstance(value, bool) or isinstance(value, (int, float)):
        return True
    return isinstance(value, str) and 0 < len(value) <= MAX_CHARS


def _message_slot_names(project: ProjectPlan) -> frozenset[str]:
    return frozenset(slot.name for action in project.actions for slot in action.slots if slot.source == "message")
