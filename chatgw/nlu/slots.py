"""Slot extraction: the details a customer gave in a message, typed for the slots that want them.

Every slot reads the message its own way (a pattern, enum values, money, durations, ...). Each
reading gets a score; readings the message does not anchor to a slot (by the slot's words
nearby, by being the only slot of that kind, or by being the slot the bot just asked for) are
dropped. The best readings then fill slots one by one, and a stretch of text fills one slot only.

Customer text is data: it is searched, never evaluated, and only escaped into a regex.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Sequence

from chatgw.compiler.plans import SlotPlan
from chatgw.nlu._slot_check import check_slot_value, enum_value
from chatgw.nlu._slot_kinds import Kind, SlotKind, classify
from chatgw.nlu._slot_numbers import as_number, find_quantities
from chatgw.nlu._slot_scan import Mention, id_prefix, scan
from chatgw.nlu._slot_words import (
    answer_yes_no,
    bare_answer,
    boolean_mentions,
    enum_mentions,
    labelled_token,
    pattern_matches,
    text_mentions,
)

__all__ = ["MAX_TEXT", "check_slot_value", "extract_slots"]

MAX_TEXT = 2000  # characters of a message that are read; the rest is ignored


def extract_slots(
    text: str, slots: Sequence[SlotPlan], *, expecting: str | None = None
) -> dict[str, Any]:
    """Values in `text` for the slots filled from the message, coerced to each slot's type.

    `expecting` names the slot the bot just asked for: a bare answer fills it. Values are not
    range-checked (see `check_slot_value`); identity and literal slots are never filled.
    """
    text = text[:MAX_TEXT]
    kinds = [classify(slot) for slot in slots if slot.source == "message"]
    expected = next((k for k in kinds if k.slot.name == expecting), None)
    if not text.strip() or not kinds:
        return {}
    if expected is not None and expected.kind is Kind.TEXT:
        return {expected.slot.name: text.strip()}  # the whole answer, nothing else from it
    context = _Context.build(text, kinds, expected)
    candidates = [c for i, kind in enumerate(kinds) for c in _candidates(context, i, kind)]
    found, used = _assign(candidates)
    if expected is not None and expected.slot.name not in found:
        answer = bare_answer(text)
        if answer is not None and not any(s < answer.end and answer.start < e for s, e in used):
            if (value := _fallback(str(answer.value), expected)) is not None:
                found[expected.slot.name] = value
    return {k.slot.name: found[k.slot.name] for k in kinds if k.slot.name in found}


# --- reading the message -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Candidate:
    score: float
    slot: int  # index in the slot list
    name: str
    mention: Mention
    value: Any


@dataclass(frozen=True, slots=True)
class _Context:
    text: str
    kinds: Sequence[SlotKind]
    expected: SlotKind | None
    general: Sequence[Mention]  # quantities and typed values, whatever the slots
    words: Sequence[tuple[int, int, str]]  # (start, end, lowercase word)
    word_starts: Sequence[int]
    word_ends: Sequence[int]
    primary: Counter[str]  # mention kind -> how many slots take it first-hand
    numeric_slots: int

    @classmethod
    def build(cls, text: str, kinds: Sequence[SlotKind], expected: SlotKind | None) -> _Context:
        general = [Mention(q.kind, q.start, q.end, q.value, q.sure) for q in find_quantities(text)]
        general.extend(scan(text, dt.date.today()))
        words = [(m.start(), m.end(), m[0].lower()) for m in re.finditer(r"\w+", text)]
        primary: Counter[str] = Counter()
        for kind in kinds:
            primary.update(_PRIMARY.get(kind.kind, ()))
        numeric = sum(1 for k in kinds if k.kind.numeric)
        starts, ends = [w[0] for w in words], [w[1] for w in words]
        return cls(text, kinds, expected, general, words, starts, ends, primary, numeric)


# mention kinds each slot kind takes first-hand
_PRIMARY: dict[Kind, tuple[str, ...]] = {
    Kind.MONEY: ("money",),
    Kind.PERCENT: ("percent",),
    Kind.DURATION: ("duration",),
    Kind.EMAIL: ("email",),
    Kind.UUID: ("uuid",),
    Kind.DATE: ("date",),
    Kind.DATETIME: ("date-time",),
    Kind.URI: ("uri",),
    Kind.ID: ("id",),
}
# mention kinds a slot kind takes second-hand: surely only when no slot takes them first-hand
_SECONDARY: dict[Kind, tuple[str, ...]] = {
    Kind.NUMBER: ("money", "percent"),
    Kind.DATE: ("date-time",),
    Kind.DATETIME: ("date",),
    Kind.ID: ("uuid",),
}
# base score of a reading by mention kind: specific shapes beat loose ones
_SCORES = {
    "pattern": 90, "enum": 85, "money": 85, "percent": 85, "duration": 85, "email": 85,
    "uuid": 85, "date": 85, "date-time": 85, "uri": 85, "boolean": 80, "labelled": 80,
    "id": 60, "ordinal": 50, "text": 50, "digits": 45, "number": 40,
}  # fmt: skip
_SECOND_HAND = 50
_FUZZY = 55

_Reading = tuple[Mention, bool, int]  # (mention, sure without an anchor, base score)


def _candidates(context: _Context, index: int, kind: SlotKind) -> Iterable[_Candidate]:
    expected = context.expected is kind
    positions = _anchor_positions(context, kind)
    for mention, sure, score in _readings(context, kind):
        value = _value(kind, mention)
        if value is None:
            continue
        anchor = _anchor(context, kind, mention, positions)
        if not (sure or expected or anchor is not None):
            continue
        total = float(score) + _cue_bonus(context.text, mention.start) + (anchor or 0)
        if expected:
            total += 30
        yield _Candidate(total, index, kind.slot.name, mention, value)


def _readings(context: _Context, kind: SlotKind) -> Iterator[_Reading]:
    """Each way the message could fill `kind`."""
    text, expected = context.text, context.expected is kind
    if kind.kind is Kind.BOOLEAN:
        if expected and (answer := answer_yes_no(text)):
            yield _plain(answer, True)
        yield from (_plain(m, True) for m in boolean_mentions(kind, text))
    elif kind.kind is Kind.ENUM:
        yield from _enum_readings(context, kind)
    elif kind.kind is Kind.PATTERN:
        for match in pattern_matches(kind.slot.pattern or "", text):
            yield _plain(match, not str(match.value).isalpha())  # "proj_ab12c", not "hello"
    elif kind.kind is Kind.TEXT:
        yield from (_plain(m, True) for m in text_mentions(kind, text))
    else:
        yield from _typed_readings(context, kind)


def _plain(mention: Mention, sure: bool) -> _Reading:
    return mention, sure, _SCORES[mention.kind]


def _typed_readings(context: _Context, kind: SlotKind) -> Iterator[_Reading]:
    for mention in context.general:
        if mention.kind in _PRIMARY.get(kind.kind, ()):
            yield _plain(mention, mention.sure and context.primary[mention.kind] == 1)
        elif mention.kind in _SECONDARY.get(kind.kind, ()):
            alone = sum(1 for k in context.kinds if k.kind is kind.kind) == 1
            yield mention, alone and context.primary[mention.kind] == 0, _SECOND_HAND
        elif mention.kind == "number" and kind.kind.numeric:
            yield _plain(mention, context.numeric_slots == 1)
        elif mention.kind == "digits" and kind.kind is Kind.ID:
            yield _plain(mention, False)
    if kind.kind is Kind.ID:
        yield from (_plain(m, True) for m in labelled_token(kind, context.text))


def _enum_readings(context: _Context, kind: SlotKind) -> Iterator[_Reading]:
    text, enum = context.text, kind.slot.enum or ()
    others = [k for k in context.kinds if k is not kind and k.kind is Kind.ENUM]
    elsewhere = [m for other in others for m in enum_mentions(other, text) if m.sure]
    for mention in enum_mentions(kind, text):
        if not mention.sure:  # a close misspelling
            yield mention, False, _FUZZY
            continue
        shared = any(o.start < mention.end and mention.start < o.end for o in elsewhere)
        common = text[mention.start : mention.end].lower() in _COMMON_WORDS
        yield _plain(mention, not shared and not common)
    for number in (m for m in context.general if m.kind == "number" and m.value in enum):
        item = Mention("enum", number.start, number.end, _enum_item(enum, number.value))
        yield _plain(item, context.numeric_slots == 0 and not others)  # 7 of (7, 14, 30)
    if context.expected is kind and not any(isinstance(v, (int, float)) for v in enum):
        for ordinal in (m for m in context.general if m.kind == "ordinal"):
            if -len(enum) <= ordinal.value < len(enum):  # "the second one"
                item = Mention("ordinal", ordinal.start, ordinal.end, enum[ordinal.value])
                yield _plain(item, True)


# everyday words that name an enum value only near the slot's words or when asked for:
# "may I have my invoice" is not the month of May
_COMMON_WORDS = frozenset(
    "a all an and any as at be by can do down for go i in is it just last less may more most "
    "new next no none not now off on one only or other out same some that there this to up "
    "will yes".split()
)


def _enum_item(enum: Sequence[Any], number: Any) -> Any:
    return next(item for item in enum if item == number)


def _value(kind: SlotKind, mention: Mention) -> Any:
    """The mention's value as the slot's type; None when it cannot be."""
    value = mention.value
    slot = kind.slot
    if mention.kind in ("enum", "ordinal", "boolean", "text"):
        return value
    if slot.type in ("integer", "number"):
        if mention.kind == "duration":
            return as_number(round(value / kind.unit, 6))  # 100 minutes -> 1.666667 hours
        if not isinstance(value, (int, float)):
            return None
        return as_number(float(value)) if isinstance(value, float) else value
    if slot.type == "string":
        return str(value)
    return None


# --- anchors ------------------------------------------------------------------------------------

_MONEY_ANCHORS = ("amount", "credit", "refund", "price", "cost", "fee", "charge", "payment")
_BEFORE, _AFTER = 4, 2  # words looked at before and after a value for the slot's words


def _anchor(
    context: _Context, kind: SlotKind, mention: Mention, positions: Sequence[Sequence[int]]
) -> float | None:
    """A bonus for the slot's words near the value, closer and more of them scoring higher;
    None when none is near. `positions` holds where each group of anchor words occurs."""
    first = bisect.bisect_right(context.word_ends, mention.start)
    last = bisect.bisect_left(context.word_starts, mention.end) - 1
    own = mention.kind in ("id", "pattern", "digits")  # an id's letters count by prefix only
    distances = []
    for places in positions:
        near = [
            0 if first <= i <= last else (first - i - 1 if i < first else i - last - 1)
            for i in places
            if first - _BEFORE <= i <= last + _AFTER and not (own and first <= i <= last)
        ]
        if near and first <= last:
            distances.append(min(near))
    if own or mention.kind == "labelled":
        if _prefix_names(kind, mention):
            distances.append(0)  # proj_8f2k1 for a project, in_123 for an invoice
    if not distances:
        return None
    return float(sum(max(3, 15 - 3 * d) for d in distances))


def _anchor_positions(context: _Context, kind: SlotKind) -> list[list[int]]:
    """For each group of the slot's anchor words, the indexes of the words naming it."""
    groups: list[tuple[str, ...]] = [(w,) for w in kind.words]
    if kind.kind is Kind.MONEY:
        groups.append(_MONEY_ANCHORS)  # "credit", "refund": one more word, however many
    return [
        [
            i
            for i, (_, _, word) in enumerate(context.words)
            if any(_names(part, anchor) for part in word.split("_") for anchor in group)
        ]
        for group in groups
    ]


def _names(word: str, anchor: str) -> bool:
    """Does `word` in the message stand for the slot word `anchor`? (plurals, abbreviations)"""
    if word == anchor or word.rstrip("s") == anchor.rstrip("s"):
        return True
    if len(word) >= 4 and anchor.startswith(word):
        return True  # "proj" for project
    return len(anchor) >= 4 and word.startswith(anchor) and len(word) - len(anchor) <= 3


def _prefix_names(kind: SlotKind, mention: Mention) -> bool:
    prefix = id_prefix(str(mention.value))
    return len(prefix) >= 2 and any(w.startswith(prefix) for w in kind.words)


_AGAINST = re.compile(
    r"\b(?:not|instead\s+of|rather\s+than|from|other\s+than|except|besides)\s+(?:the\s+|an?\s+)?"
    r"[$€£¥₹]?$",
    re.IGNORECASE,
)
_CORRECTION = re.compile(
    r"\b(?:actually|i\s+mean|make\s+it|sorry|wait|correction|change\s+it\s+to|rather)\b",
    re.IGNORECASE,
)


def _cue_bonus(text: str, start: int) -> int:
    before = text[max(0, start - 30) : start]
    if _AGAINST.search(before):
        return -20
    return 5 if _CORRECTION.search(before) else 0


# --- filling -------------------------------------------------------------------------------------


def _assign(candidates: list[_Candidate]) -> tuple[dict[str, Any], list[tuple[int, int]]]:
    """Best readings first; each slot filled once, each stretch of text used once.

    Returns the values and the stretches of text they used.
    """
    found: dict[str, Any] = {}
    used: list[tuple[int, int]] = []
    # ties: the earlier value first, then the longer one ("v1.5" over "v1"), then slot order
    ranked = sorted(candidates, key=lambda c: (-c.score, c.mention.start, -c.mention.end, c.slot))
    for candidate in ranked:
        mention = candidate.mention
        if candidate.name in found:
            continue
        if mention.claims and any(s < mention.end and mention.start < e for s, e in used):
            continue
        found[candidate.name] = candidate.value
        if mention.claims:
            used.append((mention.start, mention.end))
    return found, used


# one-word replies that talk to the bot rather than answer it
_NOT_ANSWERS = frozenset(
    "cancel stop quit exit abort help nevermind no nope nah nothing why what huh hello hi hey "
    "human agent".split()
)


def _fallback(word: str, expected: SlotKind) -> Any:
    """A bare one-word answer to the slot just asked for, even if it is not valid, so that
    `check_slot_value` can say what is wrong with it."""
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
    if expected.kind in (Kind.BOOLEAN, Kind.TEXT) or expected.kind.numeric:
        return None
    return word
