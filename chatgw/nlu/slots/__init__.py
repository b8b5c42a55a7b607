"""Slot extraction: the details a customer gave in a message, typed for the slots that want them.

The message goes through four stages, each its own module, once each:
find mentions (`_scan`, `_numbers`, `_dates`, `_times`) -> propose candidates per slot
(`_readings`, scored by `_anchors`) -> assign them to slots (`_assign`) -> and, in the engine,
check each value against the spec (`check_slot_value`, `_check`). A value an LLM proposes is
checked the same way, and must also be said in the message (`check_said`, `_said`).

Customer text is data: it is searched, never evaluated, and only escaped into a regex; at most
MAX_TEXT characters of it are read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

from chatgw.compiler.plans import SlotPlan
from chatgw.nlu.slots._assign import answer, assign, leftover
from chatgw.nlu.slots._check import check_slot_value
from chatgw.nlu.slots._clock import make_clock
from chatgw.nlu.slots._kinds import Kind, classify
from chatgw.nlu.slots._readings import Context, candidates
from chatgw.nlu.slots._said import check_said

__all__ = ["MAX_TEXT", "check_said", "check_slot_value", "extract_slots"]

MAX_TEXT = 2000  # characters of a message that are read; the rest is ignored


def extract_slots(
    text: str,
    slots: Sequence[SlotPlan],
    *,
    expecting: str | None = None,
    now: dt.datetime | None = None,
    timezone: str | None = None,
) -> dict[str, Any]:
    """Values in `text` for the slots filled from the message, coerced to each slot's type.

    `expecting` names the slot the bot just asked for: a bare answer fills it. Dates and times
    ("last Tuesday", "at 5 past 7") are read against `now` (an aware datetime; default: this
    instant) in `timezone` (an IANA name such as "Europe/Paris"; default and unknown names: UTC).
    Date slots get ISO dates, date-time slots ISO 8601 with an offset, time slots HH:MM:SS with
    an offset. Values are not range-checked (see `check_slot_value`); identity and literal slots
    are never filled.
    """
    text = text[:MAX_TEXT]
    kinds = [classify(slot) for slot in slots if slot.source == "message"]
    expected = next((k for k in kinds if k.slot.name == expecting), None)
    if not text.strip() or not kinds:
        return {}
    if expected is not None and expected.kind is Kind.TEXT:
        return {expected.slot.name: text.strip()}  # the whole answer, nothing else from it
    context = Context.build(text, kinds, expected, make_clock(now, timezone))
    found, used = assign(candidates(context))
    leftover(context, found, used)
    answer(context, found, used)
    return {k.slot.name: found[k.slot.name] for k in kinds if k.slot.name in found}
