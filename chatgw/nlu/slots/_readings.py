"""Proposing candidates: each way the message could fill each slot, scored.

A reading the message does not anchor to its slot (by the slot's words nearby, by being the only
slot of its kind, by being the only slot a bare number fits, or by being the slot the bot just
asked for) is dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Sequence

from chatgw.nlu.slots._anchors import Anchors, Words, names_any
from chatgw.nlu.slots._clock import Clock, Moment, iso, iso_time
from chatgw.nlu.slots._kinds import FUNCTION_WORDS, Kind, SlotKind
from chatgw.nlu.slots._mention import Mention
from chatgw.nlu.slots._numbers import as_number, find_quantities
from chatgw.nlu.slots._patterns import pattern_matches
from chatgw.nlu.slots._scan import scan
from chatgw.nlu.slots._words import (
    answer_yes_no,
    boolean_mentions,
    enum_mentions,
    labelled_token,
    text_mentions,
)


@dataclass(frozen=True, slots=True)
class Candidate:
    score: float
    slot: int  # index in the slot list
    name: str
    mention: Mention
    value: Any


@dataclass(frozen=True, slots=True)
class Context:
    """One message read once, whatever the slots: its values and its words."""

    text: str
    kinds: Sequence[SlotKind]
    expected: SlotKind | None
    general: Sequence[Mention]  # quantities and typed values, whatever the slots
    anchors: Anchors
    words: Words
    primary: Counter[str]  # mention kind -> how many slots take it first-hand

    @classmethod
    def build(
        cls, text: str, kinds: Sequence[SlotKind], expected: SlotKind | None, clock: Clock
    ) -> Context:
        typed = scan(text, clock)
        moments = [m for m in typed if isinstance(m.value, Moment)]
        general = [
            Mention(q.kind, q.start, q.end, q.value, q.sure)
            for q in find_quantities(text)
            # the 5 in "at 5 past 7", the two days of "two days ago"
            if not any(m.start <= q.start and q.end <= m.end for m in moments)
        ]
        general.extend(typed)
        primary: Counter[str] = Counter()
        for kind in kinds:
            primary.update(_PRIMARY.get(_what(kind), ()))
        words = Words.of(text)
        anchors = Anchors(words, kinds, [m for m in general if m.claims])
        return cls(text, kinds, expected, general, anchors, words, primary)

    @property
    def numeric(self) -> list[SlotKind]:
        return [k for k in self.kinds if k.numeric]

    def bare(self, mention: Mention) -> bool:
        """A number that counts nothing else: not the 3 of "3 projects"."""
        words = self.words
        after = next((w for w in words.spans if w[0] >= mention.end), None)
        if after is None or not after[2].isalpha() or after[2] in FUNCTION_WORDS | _CUES:
            return True
        return any(names_any(after[2], k.words) for k in self.numeric)


def candidates(context: Context) -> list[Candidate]:
    """Every scored reading of the message for every slot."""
    return [c for i, kind in enumerate(context.kinds) for c in _for_slot(context, i, kind)]


def fits(kind: SlotKind, value: Any) -> bool:
    """Does the number `value` meet the slot's enum, type and range?"""
    slot = kind.slot
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    if slot.enum:
        return any(item == value and not isinstance(item, bool) for item in slot.enum)
    if slot.type == "integer" and not float(value).is_integer():
        return False
    low, high = slot.minimum, slot.maximum
    if low is not None and (value <= low if slot.exclusive_minimum else value < low):
        return False
    return high is None or (value < high if slot.exclusive_maximum else value <= high)


# mention kinds each slot kind takes first-hand
_PRIMARY: dict[Kind, tuple[str, ...]] = {
    Kind.MONEY: ("money",),
    Kind.PERCENT: ("percent",),
    Kind.DURATION: ("duration",),
    Kind.EMAIL: ("email",),
    Kind.UUID: ("uuid",),
    Kind.DATE: ("date",),
    Kind.DATETIME: ("date-time",),
    Kind.TIME: ("time",),
    Kind.URI: ("uri",),
    Kind.ID: ("id",),
}
# mention kinds a slot kind takes second-hand: surely only when no slot takes them first-hand
_SECONDARY: dict[Kind, tuple[str, ...]] = {
    Kind.NUMBER: ("money", "percent"),
    Kind.DATE: ("date-time",),
    Kind.DATETIME: ("date", "time"),
    Kind.TIME: ("date-time",),
    Kind.ID: ("uuid",),
}
# base score of a reading by mention kind: specific shapes beat loose ones
_SCORES = {
    "pattern": 90, "enum": 85, "money": 85, "percent": 85, "duration": 85, "email": 85,
    "uuid": 85, "date": 85, "date-time": 85, "time": 85, "uri": 85, "boolean": 80,
    "labelled": 80, "id": 60, "ordinal": 50, "text": 50, "digits": 45, "number": 40,
}  # fmt: skip
_SECOND_HAND = 50
_FUZZY = 55
# words after a number that do not say what it counts ("make it 30 instead", "give 20 back")
_CUES = frozenset(
    "instead please thanks thank not no wait actually sorry now then rather ok back off up over "
    "total".split()
)

_Reading = tuple[Mention, bool, int]  # (mention, sure without an anchor, base score)


def _what(kind: SlotKind) -> Kind:
    return kind.measure or kind.kind


def _for_slot(context: Context, index: int, kind: SlotKind) -> Iterable[Candidate]:
    expected = context.expected is kind
    for mention, sure, score in _readings(context, kind):
        value = _value(kind, mention, expected)
        if value is None:
            continue
        anchor = context.anchors.bonus(kind, mention)
        if not (sure or expected or anchor is not None):
            continue
        total = float(score) + _cue_bonus(context.text, mention.start) + (anchor or 0)
        if expected:
            total += 30
        yield Candidate(total, index, kind.slot.name, mention, value)


def _readings(context: Context, kind: SlotKind) -> Iterator[_Reading]:
    """Each way the message could fill `kind`."""
    text, expected = context.text, context.expected is kind
    if kind.kind is Kind.BOOLEAN:
        if expected and (answer := answer_yes_no(text)):
            yield _plain(answer, True)
        yield from (_plain(m, True) for m in boolean_mentions(kind, text))
    elif kind.kind is Kind.PATTERN:
        for match in pattern_matches(kind.slot.pattern or "", text):
            yield _plain(match, match.sure and not str(match.value).isalpha())  # not "hello"
    elif kind.kind is Kind.TEXT:
        yield from (_plain(m, True) for m in text_mentions(kind, text))
    else:
        if kind.kind is Kind.ENUM:
            yield from _enum_readings(context, kind)
        if kind.kind is not Kind.ENUM or kind.numeric:
            yield from _typed_readings(context, kind)


def _plain(mention: Mention, sure: bool) -> _Reading:
    return mention, sure, _SCORES[mention.kind]


def _typed_readings(context: Context, kind: SlotKind) -> Iterator[_Reading]:
    what = _what(kind)
    for mention in context.general:
        if mention.kind in _PRIMARY.get(what, ()):
            yield _plain(mention, mention.sure and context.primary[mention.kind] == 1)
        elif mention.kind in _SECONDARY.get(what, ()):
            alone = sum(1 for k in context.kinds if _what(k) is what) == 1
            sure = alone and mention.sure and context.primary[mention.kind] == 0
            yield mention, sure, _SECOND_HAND
        elif mention.kind == "number" and kind.numeric:
            yield _plain(mention, _bare_fits(context, kind, mention))
        elif mention.kind == "fraction" and what is Kind.PERCENT:
            value = as_number(mention.value * 100)  # "half" of a percentage
            yield Mention("percent", mention.start, mention.end, value, False), False, _FUZZY
        elif mention.kind == "digits" and what is Kind.ID:
            yield _plain(mention, False)
    if what is Kind.ID:
        yield from (_plain(m, True) for m in labelled_token(kind, context.text))


def _bare_fits(context: Context, kind: SlotKind, mention: Mention) -> bool:
    """A bare number is sure for the only numeric slot, or the only one whose enum or range
    it fits."""
    if not context.bare(mention):
        return False
    numeric = context.numeric
    return len(numeric) == 1 or [k for k in numeric if fits(k, mention.value)] == [kind]


def _enum_readings(context: Context, kind: SlotKind) -> Iterator[_Reading]:
    text, enum = context.text, kind.slot.enum or ()
    others = [k for k in context.kinds if k is not kind and k.kind is Kind.ENUM]
    elsewhere = [m for other in others for m in enum_mentions(other, text) if m.sure]
    for mention in enum_mentions(kind, text):
        if not mention.sure:  # a close misspelling
            yield mention, False, _FUZZY
            continue
        shared = any(o.overlaps(mention.start, mention.end) for o in elsewhere)
        common = text[mention.start : mention.end].lower() in _COMMON_WORDS and not _STATED.search(text[: mention.start])
        yield _plain(mention, not shared and not common)
    if context.expected is kind and not kind.numeric:
        for ordinal in (m for m in context.general if m.kind == "ordinal"):
            if -len(enum) <= ordinal.value < len(enum):  # "the second one"
                item = Mention("ordinal", ordinal.start, ordinal.end, enum[ordinal.value])
                yield _plain(item, True)


# everyday words that name an enum value only near the slot's words or when asked for:
# "may I have my invoice" is not the month of May; right after "is", "was", "went" they say
# how something is ("the api was down"), which is what such a synonym is written for
_STATED = re.compile(r"\b(?:is|was|were|are|been|being|went|goes|gone|it's|its)\s+$", re.IGNORECASE)
_COMMON_WORDS = frozenset(
    "a all an and any as at be by can do down for go i in is it just last less may more most "
    "new next no none not now off on one only or other out same some that there this to up "
    "will yes".split()
)


def _value(kind: SlotKind, mention: Mention, expected: bool) -> Any:
    """The mention's value as the slot's type; None when it cannot be."""
    value = mention.value
    slot = kind.slot
    if mention.kind in ("enum", "ordinal", "boolean", "text"):
        return value
    if isinstance(value, Moment):
        return _moment(kind, value)
    if slot.type in ("integer", "number"):
        if mention.kind == "duration":
            value = as_number(round(value / kind.unit, 6))  # 100 minutes -> 1.666667 hours
        if not isinstance(value, (int, float)):
            return None
        value = as_number(float(value)) if isinstance(value, float) else value
        if slot.enum and not fits(kind, value):
            # outside the enum: only when its unit or the question ties it to the slot, so that
            # the check can say which values there are
            unit = mention.kind in _PRIMARY.get(_what(kind), ())
            return value if unit or expected else None
        return next((item for item in slot.enum or () if item == value), value)
    if slot.type == "string":
        return str(value)
    return None


def _moment(kind: SlotKind, moment: Moment) -> str | None:
    value = moment.pick(kind.future)
    if kind.kind is Kind.DATE:
        return value.date().isoformat()
    if kind.kind is Kind.DATETIME:
        return iso(value)
    if kind.kind is Kind.TIME and moment.has_time:
        return iso_time(value)
    return None


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
