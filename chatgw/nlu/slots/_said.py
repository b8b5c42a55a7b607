"""Whether the customer said a value: the check a value proposed by a model must pass.

A model may fill an argument with something plausible that nobody typed (an id from a tool's
examples, another customer's account, a round number). A proposed value is kept only when the
message says it: the same text (case and spacing aside, as a whole token), a number the message
states, or one of an enum item's synonyms.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from chatgw.compiler.plans import SlotPlan
from chatgw.nlu.slots._kinds import label
from chatgw.nlu.slots._numbers import stated_numbers
from chatgw.nlu.slots._words import synonyms_of


def check_said(slot: SlotPlan, value: Any, text: str) -> str | None:
    """None when `text` says `value` (already checked and coerced for `slot`), else why not."""
    if _said(slot, value, text):
        return None
    return f"I couldn't find the {label(slot.name)} in your message"


def _said(slot: SlotPlan, value: Any, text: str) -> bool:
    if isinstance(value, bool):
        return False  # yes and no are read by the slot reader only, in context
    if isinstance(value, (int, float)):
        return value in stated_numbers(text)
    if not isinstance(value, str):
        return False
    said = _normalised(text)
    phrases = (value, *(synonyms_of(slot, value) if slot.enum else ()))
    return any(_contains(said, _normalised(phrase)) for phrase in phrases)


def _normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _contains(text: str, phrase: str) -> bool:
    """`phrase` in `text` as a whole token: proj_8f2k1 is not said by proj_8f2k12."""
    if not phrase:
        return False
    return re.search(rf"(?<![\w]){re.escape(phrase)}(?![\w])", text) is not None
