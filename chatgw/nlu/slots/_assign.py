"""Filling slots from the candidates: best first, each slot once, each stretch of text once; then
a bare number left over goes to the one open slot it fits, and a bare one-word answer to the slot
just asked for."""

from __future__ import annotations

import difflib
from typing import Any, Sequence

from chatgw.nlu.slots._check import enum_value
from chatgw.nlu.slots._kinds import Kind, SlotKind
from chatgw.nlu.slots._readings import Candidate, Context, fits
from chatgw.nlu.slots._words import bare_answer

Spans = list[tuple[int, int]]


def assign(candidates: Sequence[Candidate]) -> tuple[dict[str, Any], Spans]:
    """Best readings first; each slot filled once, each stretch of text used once.

    Returns the values and the stretches of text they used.
    """
    found: dict[str, Any] = {}
    used: Spans = []
    # ties: the earlier value first, then the longer one ("v1.5" over "v1"), then slot order
    ranked = sorted(candidates, key=lambda c: (-c.score, c.mention.start, -c.mention.end, c.slot))
    for candidate in ranked:
        mention = candidate.mention
        if candidate.name in found:
            continue
        if mention.claims and _taken(used, mention.start, mention.end):
            continue
        found[candidate.name] = candidate.value
        if mention.claims:
            used.append((mention.start, mention.end))
    return found, used


def leftover(context: Context, found: dict[str, Any], used: Spans) -> None:
    """"give 20 back and 3 extra days": once the days are read, the 20 fits only the amount."""
    free = [
        m for m in context.general
        if m.kind == "number" and not _taken(used, m.start, m.end) and context.bare(m)
    ]  # fmt: skip
    open_slots = [k for k in context.numeric if k.slot.name not in found]
    if len(free) != 1 or not found:
        return
    fitting = [k for k in open_slots if fits(k, free[0].value)]
    if len(fitting) == 1:
        found[fitting[0].slot.name] = free[0].value
        used.append((free[0].start, free[0].end))


def answer(context: Context, found: dict[str, Any], used: Spans) -> None:
    """A bare one-word answer to the slot just asked for, even if it is not valid, so that
    `check_slot_value` can say what is wrong with it."""
    expected = context.expected
    if expected is None or expected.slot.name in found:
        return
    said = bare_answer(context.text)
    if said is not None and not _taken(used, said.start, said.end):
        if (value := _fallback(str(said.value), expected)) is not None:
            found[expected.slot.name] = value


def _taken(used: Spans, start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in used)


# one-word replies that talk to the bot rather than answer it
_NOT_ANSWERS = frozenset(
    "cancel stop quit exit abort help nevermind no nope nah nothing why what huh hello hi hey "
    "human agent".split()
)


def _fallback(word: str, expected: SlotKind) -> Any:
    if expected.slot.type != "string":
        return None
    if expected.kind is Kind.ENUM:
        if (value := enum_value(expected.slot, word)) is not None:
            return value
        if word.isdigit() and 1 <= int(word) <= len(expected.slot.enum or ()):
            return (expected.slot.enum or ())[int(word) - 1]  # "2" for the second option
    if word.lower() in _NOT_ANSWERS:
        return None
    if expected.kind is Kind.ENUM:
        options = {str(v).lower(): v for v in expected.slot.enum or ()}
        close = difflib.get_close_matches(word.lower(), list(options), n=1, cutoff=0.7)
        return options[close[0]] if close else word
    if expected.kind in (Kind.BOOLEAN, Kind.TEXT) or expected.numeric:
        return None
    return word
