"""What the bot says from the operator's templates: prompts, confirmations and the preview of
the request a confirmation is about. Rendering never fails a turn: a template that cannot
render falls back to plain words."""

from __future__ import annotations

from typing import Any, Mapping

from chatgw.compiler.plans import ActionPlan, SlotPlan, UpstreamPlan
from chatgw.engine import phrases
from chatgw.errors import RenderError
from chatgw.runtime import PreparedRequest, idempotency_key, prepare_request, render_text
from chatgw.runtime.render import is_true


def context(slots: Mapping[str, Any], identity: Mapping[str, Any]) -> dict[str, Any]:
    """The template context before anything was sent."""
    return {"slots": dict(slots), "identity": dict(identity), "steps": {}, "response": None}


def render_or(text: str, values: Mapping[str, Any]) -> str:
    """Render an operator's text when it is a template; fall back to it as written."""
    if "{{" not in text and "{%" not in text:
        return text
    try:
        return render_text(text, values)
    except RenderError:
        return text


def prompt(slot: SlotPlan, slots: Mapping[str, Any], identity: Mapping[str, Any]) -> str:
    """The question asking for `slot`."""
    return render_or(phrases.slot_prompt(slot), context(slots, identity))


def confirmation(action: ActionPlan, slots: Mapping[str, Any], identity: Mapping[str, Any]) -> str:
    """The action's `confirm:` question, or one built from its description and the values."""
    assert action.confirm is not None
    try:
        return render_text(action.confirm, context(slots, identity))
    except RenderError:
        listed = ", ".join(f"{name}: {value}" for name, value in slots.items())
        return f"I'm about to {phrases.describe(action)} ({listed}). Go ahead?"


def preview(
    action: ActionPlan, upstream: UpstreamPlan, slots: Mapping[str, Any], identity: Mapping[str, Any], key: str
) -> dict[str, Any] | None:
    """The first request the run named `key` would send, Idempotency-Key included, for the
    turn object; None if it cannot be built yet (the run will then say why)."""
    request = first_request(action, upstream, slots, identity, key)
    return None if request is None else request.preview()


def first_request(
    action: ActionPlan, upstream: UpstreamPlan, slots: Mapping[str, Any], identity: Mapping[str, Any], key: str
) -> PreparedRequest | None:
    """The first request the run named `key` would send, ready to send; None if it cannot be built."""
    values = context(slots, identity)
    try:
        for index, call in enumerate(action.steps):
            if call.when is None or is_true(call.when, values):
                return prepare_request(call, upstream, values, idempotency_key=idempotency_key(key, index))
    except RenderError:
        return None
    return None


def sentence(text: str | None) -> str:
    """`text` as a sentence: a capital first, a full stop last; "" for nothing."""
    if not text:
        return ""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
