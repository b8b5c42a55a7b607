"""What kind of value a slot holds, read from its type, format, pattern, name and description;
the words that name it in a message; and whether its dates are about the past or the future."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from chatgw.compiler.plans import SlotPlan
from chatgw.nlu.slots._numbers import SECONDS


class Kind(Enum):
    BOOLEAN = "boolean"
    ENUM = "enum"
    MONEY = "money"
    PERCENT = "percent"
    DURATION = "duration"
    NUMBER = "number"  # a count or any other number
    NUMERIC_ID = "numeric id"  # an integer that names something: never money or a duration
    EMAIL = "email"
    UUID = "uuid"
    DATE = "date"
    DATETIME = "date-time"
    TIME = "time"  # a time of day
    URI = "uri"
    PATTERN = "pattern"
    ID = "id"  # an identifier-like string with no pattern
    TEXT = "text"  # free text: a reason, a note

    @property
    def numeric(self) -> bool:
        return self in _NUMERIC


_NUMERIC = frozenset({Kind.MONEY, Kind.PERCENT, Kind.DURATION, Kind.NUMBER, Kind.NUMERIC_ID})


@dataclass(frozen=True, slots=True)
class SlotKind:
    slot: SlotPlan
    kind: Kind
    words: tuple[str, ...]  # the name's meaningful words: project_id -> ("project",)
    unit: int = 3600  # seconds in one unit of a DURATION slot
    measure: Kind | None = None  # what a number for it counts (an enum of numbers too)
    described: frozenset[str] = frozenset()  # content words of its description and prompt
    future: bool = False  # its dates are about the future ("call me back on the 3rd")

    @property
    def numeric(self) -> bool:
        return self.measure is not None


def classify(slot: SlotPlan) -> SlotKind:
    """The kind of `slot`, its anchor words and, for durations, its unit."""
    known = _CLASSIFIED.get(id(slot))
    if known is not None and known.slot is slot:
        return known
    if len(_CLASSIFIED) >= _CLASSIFIED_MAX:
        _CLASSIFIED.clear()
    kind = _CLASSIFIED[id(slot)] = _classify(slot)
    return kind


# Plans are frozen, so a slot's kind never changes; every message asks for it again, twice.
# A SlotPlan holds a dict (synonyms) and cannot be hashed: the memo goes by identity, and
# each entry holds its slot, so no other slot can take its id while it is remembered.
_CLASSIFIED: dict[int, SlotKind] = {}
_CLASSIFIED_MAX = 4096


def _classify(slot: SlotPlan) -> SlotKind:
    words = name_words(slot.name)
    meaningful = tuple(w for w in words if w not in _GENERIC) or words
    kind, unit = _kind(slot, set(words))
    measure = None
    if slot.type in ("integer", "number"):
        measure, unit = _numeric_kind(slot, set(words), slot.description or "")
    said = f"{slot.description or ''} {slot.prompt}".lower()
    described = frozenset(re.findall(r"[a-z]{3,}", said)) - FUNCTION_WORDS - _GENERIC
    every = described | set(words)
    future = bool(every & _FUTURE_WORDS) and not every & _PAST_WORDS
    return SlotKind(slot, kind, meaningful, unit, measure, described, future)


def name_words(name: str) -> tuple[str, ...]:
    """`projectId`, `project_id`, `project-id` -> ("project", "id")."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])", " ", name)
    return tuple(w.lower() for w in re.split(r"[\s_\-.]+", spaced) if w)


def label(name: str) -> str:
    """A slot name in plain words: `project_id` -> "project id"."""
    return " ".join(name_words(name)) or name


# words that carry no meaning of their own between a value and the word naming its slot
FUNCTION_WORDS = frozenset(
    "a an the my our your their his her its it this that these those to of for by in on at with "
    "and or but plus then also please me us them i we you be is are was were can could would "
    "will should just some any more extra additional another how what which when much many "
    "get give set make let".split()
)
# a date slot is about the future when its words say so; otherwise about the past (a support
# bot mostly asks when something happened)
_FUTURE_WORDS = frozenset(
    "next schedule scheduled until till expire expires expiry expiration due deliver delivery "
    "callback call remind reminder appointment book booking renew renewal upcoming future send "
    "start resume deadline end ends".split()
)
_PAST_WORDS = frozenset(
    "since last ago was were charged happened started occurred began failed errors error "
    "billed broke".split()
)
_GENERIC = frozenset("id ids the a an of to for in on by num nr no value val is".split())
_ID_WORDS = frozenset("id ids key code ref reference sku slug handle token number uid".split())
_TEXT_FORMATS = {
    "email": Kind.EMAIL, "idn-email": Kind.EMAIL, "uuid": Kind.UUID, "date": Kind.DATE,
    "date-time": Kind.DATETIME, "time": Kind.TIME, "uri": Kind.URI, "url": Kind.URI, "iri": Kind.URI,
}  # fmt: skip
_MONEY_WORDS = frozenset(
    "amount credit credits price cost refund fee fees total balance charge payment budget "
    "spend deposit payout tip subtotal money cents dollars euros".split()
)
_PERCENT_WORDS = frozenset("percent percentage pct".split())
_DURATION_WORDS = frozenset(
    "duration ttl timeout period expiry expires extension extend delay window lifetime "
    "interval snooze hold".split()
)
_UNIT_WORDS = {
    "seconds": 1, "second": 1, "secs": 1, "sec": 1, "s": 1,
    "minutes": 60, "minute": 60, "mins": 60, "min": 60,
    "hours": 3600, "hour": 3600, "hrs": 3600, "hr": 3600, "h": 3600,
    "days": SECONDS["day"], "day": SECONDS["day"],
    "weeks": SECONDS["week"], "week": SECONDS["week"],
}  # fmt: skip
_MONEY_TEXT = re.compile(
    r"[$€£¥₹]|\b(?:currency|usd|eur|gbp|dollars?|euros?|cents?|monetary)\b", re.IGNORECASE
)
_PERCENT_TEXT = re.compile(r"%|\bpercent(?:age)?\b", re.IGNORECASE)
_UNIT_TEXT = re.compile(r"\b(seconds|minutes|hours|days|weeks)\b", re.IGNORECASE)


def _kind(slot: SlotPlan, words: set[str]) -> tuple[Kind, int]:
    description = slot.description or ""
    if slot.type == "boolean":
        return Kind.BOOLEAN, 3600
    if slot.enum:
        return Kind.ENUM, 3600
    if slot.type in ("integer", "number"):
        return _numeric_kind(slot, words, description)
    if slot.format in _TEXT_FORMATS:
        return _TEXT_FORMATS[slot.format], 3600
    if not slot.format and not slot.pattern and (words & {"time"} or slot.name == "at"):
        return Kind.TIME, 3600  # call_time, at
    if slot.pattern and _compiles(slot.pattern):
        return Kind.PATTERN, 3600
    if "email" in words:
        return Kind.EMAIL, 3600
    if words & {"url", "uri", "link", "website", "webhook"}:
        return Kind.URI, 3600
    if words & _ID_WORDS or slot.name.endswith("Id"):
        return Kind.ID, 3600
    return Kind.TEXT, 3600


def _numeric_kind(slot: SlotPlan, words: set[str], description: str) -> tuple[Kind, int]:
    if slot.format in ("money", "currency"):
        return Kind.MONEY, 3600
    if slot.format == "percent" or words & _PERCENT_WORDS:
        return Kind.PERCENT, 3600
    if unit := next((_UNIT_WORDS[w] for w in words if w in _UNIT_WORDS and len(w) > 1), None):
        return Kind.DURATION, unit
    if words & _MONEY_WORDS:
        return Kind.MONEY, 3600
    if words & _DURATION_WORDS:
        described = _UNIT_TEXT.search(description)
        return Kind.DURATION, _UNIT_WORDS[described[1].lower()] if described else 3600
    if words & _ID_WORDS - {"number"} or slot.name.endswith("Id"):
        return Kind.NUMERIC_ID, 3600
    if _PERCENT_TEXT.search(description):
        return Kind.PERCENT, 3600
    if _MONEY_TEXT.search(description):
        return Kind.MONEY, 3600
    if described := _UNIT_TEXT.search(description):
        return Kind.DURATION, _UNIT_WORDS[described[1].lower()]
    return Kind.NUMBER, 3600


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False  # not a Python regex (e.g. ECMA's \p{L}): read the slot by its name
    return True
