"""Checking a slot value against its type and constraints, with a reason a customer can act on."""

from __future__ import annotations

import re
from typing import Any, Sequence

from chatgw.compiler.plans import SlotPlan
from chatgw.nlu.slots._clock import iso, make_clock
from chatgw.nlu.slots._dates import parse_date, parse_datetime
from chatgw.nlu.slots._kinds import Kind, classify, label, name_words
from chatgw.nlu.slots._numbers import as_number, find_quantities, parse_number
from chatgw.nlu.slots._patterns import compile_pattern, normalise, pattern_matches
from chatgw.nlu.slots._scan import EMAIL, UUID
from chatgw.nlu.slots._words import synonyms_of


def check_slot_value(slot: SlotPlan, value: Any) -> tuple[Any, str | None]:
    """(value coerced to the slot's type, None) when valid, else (value, why not)."""
    name = label(slot.name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return value, f"please tell me the {name}"
    if slot.enum and (item := enum_value(slot, value)) is not None:
        return item, None  # also a synonym of a number: "a month" for 30
    coerced, reason = _coerce(slot, value, name)
    if reason is None and slot.enum:
        item = enum_value(slot, coerced)
        if item is None:
            reason = f"{name} must be {_one_of(slot.enum)}"
        coerced = item
    elif reason is None and isinstance(coerced, str):
        coerced, reason = _check_text(slot, coerced, name)
    elif reason is None and isinstance(coerced, (int, float)) and not isinstance(coerced, bool):
        reason = _check_range(slot, coerced, name)
    return (coerced, None) if reason is None else (value, reason)


def enum_value(slot: SlotPlan, value: Any) -> Any:
    """The enum item `value` stands for (case, spacing and synonyms aside), else None."""
    enum = slot.enum or ()
    for item in enum:
        if _same(item, value):
            return item
    if not isinstance(value, str):
        return None
    said = name_words(value)
    if (number := parse_number(value)) is not None:
        for item in enum:
            if _same(item, number):
                return item
    for item in enum:
        if isinstance(item, str) and name_words(item) == said:
            return item
        for synonym in synonyms_of(slot, item):
            if name_words(synonym) == said:
                return item
    return None


def _same(item: Any, value: Any) -> bool:
    if isinstance(item, bool) or isinstance(value, bool):
        return type(item) is type(value) and item == value
    return bool(item == value)


# --- types -------------------------------------------------------------------------------------

_TRUE = frozenset("yes y true on 1 enable enabled yeah yep sure ok okay".split())
_FALSE = frozenset("no n false off 0 disable disabled nope nah".split())


def _coerce(slot: SlotPlan, value: Any, name: str) -> tuple[Any, str | None]:
    if slot.type == "boolean":
        if isinstance(value, bool):
            return value, None
        said = str(value).strip().lower()
        if said in _TRUE or said in _FALSE:
            return said in _TRUE, None
        return value, f"{name} must be yes or no"
    if slot.type in ("integer", "number"):
        number = _number(slot, value)
        if number is None:
            what = "a whole number" if slot.type == "integer" else "a number"
            return value, f"{name} must be {what}"
        if slot.type == "integer" and not float(number).is_integer():
            return value, f"{name} must be a whole number"
        return as_number(float(number)) if isinstance(number, float) else number, None
    if isinstance(value, str):
        return value.strip(), None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(as_number(float(value)) if isinstance(value, float) else value), None
    return value, f"{name} must be text"


def _number(slot: SlotPlan, value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    if (number := parse_number(text)) is not None:
        return number
    quantities = find_quantities(text)
    if len(quantities) != 1 or (quantities[0].start, quantities[0].end) != (0, len(text)):
        return None
    quantity, kind = quantities[0], classify(slot)
    if quantity.kind == "duration" and kind.measure is Kind.DURATION:
        return as_number(round(quantity.value / kind.unit, 6))
    if quantity.kind == "fraction" and kind.measure is Kind.PERCENT:
        return as_number(quantity.value * 100)  # "half"
    return quantity.value if quantity.kind in ("money", "percent") else None


# --- strings -------------------------------------------------------------------------------------


def _check_text(slot: SlotPlan, value: str, name: str) -> tuple[str, str | None]:
    value, reason = _check_format(slot, value, name)
    if reason is None and slot.pattern and (pattern := compile_pattern(slot.pattern)):
        if not pattern.search(value):
            normalised = normalise(slot.pattern, value)  # "PROJ 8F2K1" for proj_8f2k1
            if normalised is None:
                reason = f"that doesn't look like {_a(name)}{_example(slot)}"
            else:
                value = normalised
    if reason is None:
        reason = _check_length(slot, value, name)
    return value, reason


def _check_format(slot: SlotPlan, value: str, name: str) -> tuple[str, str | None]:
    fmt = slot.format
    if fmt in ("email", "idn-email") and not re.fullmatch(EMAIL, value):
        return value, "that doesn't look like an email address (like name@example.com)"
    if fmt == "uuid" and not re.fullmatch(UUID, value):
        example = "123e4567-e89b-12d3-a456-426614174000"
        return value, f"that doesn't look like {_a(name)} (it should look like {example})"
    if fmt == "date":
        if (day := parse_date(value, make_clock(None, None))) is None:
            return value, f"{name} must be a date, like 2026-12-01"
        return day.isoformat(), None
    if fmt == "date-time":
        if (moment := parse_datetime(value, make_clock(None, None))) is None:
            return value, f"{name} must be a date and time, like 2026-12-01T09:30:00Z"
        return iso(moment), None
    if fmt == "time" or (fmt is None and classify(slot).kind is Kind.TIME):
        if (time := _time(value)) is None:
            return value, f"{name} must be a time of day, like 14:30"
        return time, None
    if fmt in ("uri", "url", "iri") and not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+", value):
        return value, f"{name} must be a web address, like https://example.com"
    return value, None


_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(\.\d{1,6})?)?(Z|z|[+\-]\d{2}:\d{2})?")


def _time(value: str) -> str | None:
    """An RFC 3339 time ("19:05:00+01:00"); a missing offset is read as UTC, like a date-time's."""
    match = _TIME.fullmatch(value.strip())
    if match is None:
        return None
    hour, minute, second, fraction, offset = match.groups()
    offset = "Z" if offset in (None, "z", "+00:00") else offset
    return f"{int(hour):02d}:{minute}:{second or '00'}{fraction or ''}{offset}"


def _check_length(slot: SlotPlan, value: str, name: str) -> str | None:
    low, high, size = slot.min_length, slot.max_length, len(value)
    if (low is None or size >= low) and (high is None or size <= high):
        return None
    if low is not None and high is not None:
        if low == high:
            return f"{name} must be exactly {_characters(low)} long"
        return f"{name} must be between {low} and {_characters(high)} long"
    if low is not None:
        return f"{name} must be at least {_characters(low)} long"
    return f"{name} must be at most {_characters(high or 0)} long"


def _characters(count: int) -> str:
    return f"{count} character" if count == 1 else f"{count} characters"


def _example(slot: SlotPlan) -> str:
    """' (like proj_ab12c)' from the slot's prompt or description, or the description itself."""
    pattern = slot.pattern or ""
    for source in (slot.prompt, slot.description or ""):
        examples = [m.value for m in pattern_matches(pattern, source)] if source else []
        examples = [e for e in examples if not str(e).isalpha()] or examples
        if examples:
            return f" (like {examples[0]})"
    description = (slot.description or "").strip().rstrip(".")
    if description and len(description) <= 100:
        return f" ({description[0].lower()}{description[1:]})"
    return ""


def _a(noun: str) -> str:
    vowel = re.match(r"[aeio]|u(?!ni|se|su|ti|u|r)|hour", noun)
    return f"an {noun}" if vowel else f"a {noun}"


# --- numbers -----------------------------------------------------------------------------------


def _check_range(slot: SlotPlan, value: float, name: str) -> str | None:
    low, high = slot.minimum, slot.maximum
    too_low = low is not None and (value <= low if slot.exclusive_minimum else value < low)
    too_high = high is not None and (value >= high if slot.exclusive_maximum else value > high)
    if not (too_low or too_high):
        return None
    lower = None if low is None else ("more than " if slot.exclusive_minimum else "at least ")
    upper = None if high is None else ("less than " if slot.exclusive_maximum else "at most ")
    if low is not None and high is not None:
        if not slot.exclusive_minimum and not slot.exclusive_maximum:
            return f"{name} must be between {_fmt(low)} and {_fmt(high)}"
        return f"{name} must be {lower}{_fmt(low)} and {upper}{_fmt(high)}"
    if low is not None:
        return f"{name} must be {lower}{_fmt(low)}"
    return f"{name} must be {upper}{_fmt(high or 0)}"


def _fmt(number: float) -> str:
    return str(as_number(float(number)))


def _one_of(enum: Sequence[Any]) -> str:
    shown = [
        _fmt(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v) for v in enum
    ]
    shown = [s.replace("_", " ") for s in shown]
    if len(shown) == 1:
        return shown[0]
    if len(shown) > 10:
        return "one of " + ", ".join(shown[:10]) + ", ..."
    head = ", ".join(shown[:-1])
    return f"{head} or {shown[-1]}" if len(shown) == 2 else f"one of {head} or {shown[-1]}"
