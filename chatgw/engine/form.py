"""The form of an action: which slots a message fills, which are missing, and the full values.

Only message-sourced slots are ever read from customer text. Identity slots take verified
claims and literal slots their default; neither can be typed in the chat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from chatgw.compiler.plans import ActionPlan, SlotPlan
from chatgw.formats import timezone_claim
from chatgw.nlu.changes import relative_change
from chatgw.nlu.slots import check_said, check_slot_value, extract_slots


@dataclass(frozen=True, slots=True)
class Fill:
    """What one message gave: valid values, and the reason for each value refused."""

    values: Mapping[str, Any] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Claims:
    """The identity-sourced slots of an action, resolved from the verified claims."""

    values: Mapping[str, Any] = field(default_factory=dict)
    missing: tuple[str, ...] = ()  # claim names absent or unusable

    @property
    def complete(self) -> bool:
        return not self.missing


def fill(
    message: str,
    action: ActionPlan,
    *,
    expecting: str | None = None,
    identity: Mapping[str, Any] | None = None,
    proposed: Mapping[str, Any] | None = None,
) -> Fill:
    """Extract and check the message-sourced slots of `action` that `message` mentions.

    Relative dates and times ("yesterday at 9") are read in the timezone the verified
    `identity` names, if any (UTC otherwise). `proposed` are values an engine proposes (an
    LLM's arguments): each replaces the slot reader's value only when it passes the same check
    and the message says it; otherwise the reader's value stands, or, with none, the slot is
    asked for again with the reason.
    """
    asked = message_slots(action)
    if not asked:
        return Fill()
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    zone = timezone_claim(identity)
    for name, raw in extract_slots(message, asked, expecting=expecting, timezone=zone).items():
        slot = action.slot(name)
        if slot is None or slot.source != "message":
            continue  # never let text reach an identity or literal slot
        value, reason = check_slot_value(slot, raw)
        if reason is None:
            values[name] = value
        else:
            errors[name] = reason
    for name, raw in (proposed or {}).items():
        slot = action.slot(name)
        if slot is None or slot.source != "message":
            continue  # nor a model's arguments
        value, reason = check_slot_value(slot, raw)
        if reason is None and values.get(name) != value:
            reason = check_said(slot, value, message)
        if reason is None:
            values[name] = value
            errors.pop(name, None)
        elif name not in values:
            errors[name] = reason
    return Fill(values, errors)


def adjust(action: ActionPlan, message: str, given: Fill, current: Mapping[str, Any]) -> Fill:
    """`given` with a relative change applied to the value it moves ("make it 6 hours longer":
    12 + 6, not 6; "double that": the one number the request holds, times two).

    The number a message says goes to a slot as usual; when the message says it moves that
    slot's current value, the sum replaces it. Without a number ("double that") the change
    applies only when exactly one numeric slot holds a value. The result is checked like
    any value.
    """
    change = relative_change(message)
    if change is None:
        return given
    numeric = [s for s in message_slots(action) if s.type in ("integer", "number") and _is_number(current.get(s.name))]
    if change.amount is not None:
        moved = [s for s in numeric if s.name in given.values and given.values[s.name] == change.amount]
    else:
        moved = numeric if len(numeric) == 1 and not any(s.name in given.values for s in numeric) else []
    if len(moved) != 1:
        return given
    slot = moved[0]
    base = current[slot.name]
    if change.kind == "multiply":
        raw = base * (change.factor or 1.0)
    else:
        raw = base + (change.amount or 0.0) * (1 if change.kind == "add" else -1)
    values, errors = dict(given.values), dict(given.errors)
    value, reason = check_slot_value(slot, int(raw) if float(raw).is_integer() else raw)
    if reason is None:
        values[slot.name] = value
        errors.pop(slot.name, None)
    else:
        values.pop(slot.name, None)
        errors[slot.name] = reason
    return Fill(values, errors)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def claims(action: ActionPlan, identity: Mapping[str, Any]) -> Claims:
    """The identity slots of `action` from `identity`; the claims it lacks are named."""
    values: dict[str, Any] = {}
    missing: list[str] = []
    for slot in action.slots:
        if slot.source != "identity":
            continue
        claim = slot.claim or slot.name
        raw = identity.get(claim)
        value, reason = (None, "absent") if raw is None else check_slot_value(slot, raw)
        if reason is None:
            values[slot.name] = value
        elif claim not in missing:
            missing.append(claim)
    return Claims(values, tuple(missing))


def next_missing(action: ActionPlan, slots: Mapping[str, Any]) -> SlotPlan | None:
    """The first required message slot without a value, in the order the action lists them."""
    for slot in message_slots(action):
        if slot.required and slot.name not in slots:
            return slot
    return None


def values(action: ActionPlan, slots: Mapping[str, Any], identity: Mapping[str, Any]) -> dict[str, Any]:
    """Every slot value known now: literals, claims, then what the customer gave.

    Optional message slots nobody filled take their default (None when they have none),
    which leaves their parameter out of the request.
    """
    known: dict[str, Any] = {}
    resolved = claims(action, identity).values
    for slot in action.slots:
        if slot.source == "literal":
            known[slot.name] = slot.default
        elif slot.source == "identity":
            if slot.name in resolved:
                known[slot.name] = resolved[slot.name]
        elif slot.name in slots:
            known[slot.name] = slots[slot.name]
        elif not slot.required:
            known[slot.name] = slot.default
    return known


def carry(action: ActionPlan, slots: Mapping[str, Any]) -> dict[str, Any]:
    """The values of an abandoned form that `action` also asks the customer for."""
    kept = {}
    for name, value in slots.items():
        slot = action.slot(name)
        if slot is not None and slot.source == "message":
            coerced, reason = check_slot_value(slot, value)
            if reason is None:
                kept[name] = coerced
    return kept


def referenced(action: ActionPlan, message: str) -> SlotPlan | None:
    """The message slot that "the other project", "a different amount" points at, if any.

    A slot is named by the words of its name ("project" for `project_id`); "other",
    "another", "different" or "wrong" right before one of them says its value is not the one.
    """
    words = re.findall(r"[a-z]+", message.lower())
    for index, word in enumerate(words[:-1]):
        if word not in _POINTING:
            continue
        for slot in message_slots(action):
            named = {part for part in slot.name.lower().split("_") if part not in ("id", "ids")}
            if words[index + 1] in named or words[index + 1].rstrip("s") in named:
                return slot
    return None


_POINTING = frozenset(("other", "another", "different", "wrong", "new"))


def message_slots(action: ActionPlan) -> tuple[SlotPlan, ...]:
    return tuple(slot for slot in action.slots if slot.source == "message")
