"""Quantities in customer text: plain numbers, money, percentages, durations and ordinals.

Numbers may be written in digits ("1,000", "2.5", "20k") or in small words ("twenty five",
"a couple of"). Durations are returned in seconds; the caller converts to the slot's unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

QuantityKind = Literal["number", "money", "percent", "duration", "ordinal", "fraction"]

SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}


@dataclass(frozen=True, slots=True)
class Quantity:
    kind: QuantityKind
    start: int
    end: int
    value: int | float  # seconds for durations; 0-based index (-1: last) for ordinals
    sure: bool = True  # False for idioms that may not be quantities ("wait a second")


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in `text`, each number read in its widest sense ("$20", not "20")."""
    found: list[Quantity] = []
    for number in _numbers(text):
        found.append(_widen(text, number))
    found.extend(_article_quantities(text))
    found.extend(_fractions(text))
    # an ordinal may overlap a number ("number 12"); the caller picks the reading
    return _merge_durations(text, _drop_covered(found)) + _ordinals(text)


def stated_numbers(text: str) -> set[int | float]:
    """Every number `text` writes, as written: 24 for "24 hours", not its seconds."""
    return {number.value for number in _numbers(text)} | {q.value for q in find_quantities(text)}


def parse_number(text: str) -> int | float | None:
    """The number that is the whole of `text` ("1,000", "2.5", "twenty five"), else None."""
    text = text.strip()
    numbers = _numbers(text)
    if len(numbers) == 1 and numbers[0].start == 0 and numbers[0].end == len(text):
        if numbers[0].unit is None:
            return numbers[0].value
    return None


def as_number(value: float) -> int | float:
    """20.0 -> 20; 2.5 stays 2.5."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


# --- numbers ---------------------------------------------------------------------------------

_ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
# a number in words, up to ninety-nine, for patterns ("twenty five past six", "two days ago")
NUMBER_WORDS = (
    rf"(?:(?:{'|'.join(_TENS)})(?:[\s\-](?:{'|'.join(w for w in _ONES if _ONES[w] < 10)}))?"
    rf"|{'|'.join(sorted(_ONES, key=len, reverse=True))})"
)
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_GROUPS = {"dozen": 12, "couple": 2}
# "one" after these words is a pronoun ("the second one"), not a number
_PRONOUN_BEFORE = frozenset(
    "the this that which each any every no another other some same only last next first "
    "second third fourth fifth right wrong new old".split()
)

_DIGITS = re.compile(
    r"(?<![\w.,/:\-])"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?P<suffix>[A-Za-z]+)?"
    r"(?!\w|[.,:/\-]\d)"
)
_WORD = re.compile(r"[A-Za-z]+")
_SUFFIX_UNITS = {
    "s": "second", "sec": "second", "secs": "second",
    "min": "minute", "mins": "minute",
    "h": "hour", "hr": "hour", "hrs": "hour",
    "d": "day", "w": "week", "wk": "week", "wks": "week",
}  # fmt: skip
_SUFFIX_CURRENCY = frozenset("usd eur gbp cad aud chf jpy inr".split())
_SUFFIX_ORDINAL = frozenset("st nd rd th".split())


@dataclass(frozen=True, slots=True)
class _Number:
    start: int
    end: int
    value: int | float
    unit: str | None = None  # "hour" for "24h", "money" for "20usd", "ordinal" for "2nd"


def _numbers(text: str) -> list[_Number]:
    found = [n for n in (_digit_number(m) for m in _DIGITS.finditer(text)) if n is not None]
    found.extend(_word_numbers(text))
    return sorted(found, key=lambda n: n.start)


def _digit_number(match: re.Match[str]) -> _Number | None:
    value: float = float(match["num"].replace(",", ""))
    suffix = (match["suffix"] or "").lower()
    unit = None
    if suffix == "k":
        value *= 1000
    elif suffix in _SUFFIX_UNITS:
        unit = _SUFFIX_UNITS[suffix]
    elif suffix in _SUFFIX_CURRENCY:
        unit = "money"
    elif suffix in _SUFFIX_ORDINAL and "." not in match["num"]:
        unit = "ordinal"
    elif suffix:
        return None  # "10am", "5g": not a quantity we understand
    return _Number(match.start(), match.end(), as_number(value), unit)


def _word_numbers(text: str) -> list[_Number]:
    words = list(_WORD.finditer(text))
    found: list[_Number] = []
    i = 0
    while i < len(words):
        j = i
        group: list[str] = []
        while j < len(words):
            word = words[j][0].lower()
            if group and not re.fullmatch(r"[\s-]+", text[words[j - 1].end() : words[j].start()]):
                break
            if word == "and" and group and j + 1 < len(words) and _is_number_word(words[j + 1][0]):
                if group[-1] in _SCALES:  # "one hundred and five"
                    j += 1
                    continue
                break
            if not _is_number_word(word) or (group and _starts_new_number(group[-1], word)):
                break
            group.append(word)
            j += 1
        if group and not _is_pronoun_one(words, i, j, group):
            found.append(_Number(words[i].start(), words[j - 1].end(), _words_value(group)))
        i = max(j, i + 1)
    return found


def _is_number_word(word: str) -> bool:
    word = word.lower()
    return word in _ONES or word in _TENS or word in _SCALES or word in _GROUPS


def _starts_new_number(previous: str, word: str) -> bool:
    if previous in _GROUPS or word in _GROUPS:
        return True
    if previous in _ONES:
        return word in _ONES or word in _TENS
    if previous in _TENS:
        return word in _TENS or (word in _ONES and _ONES[word] >= 10) or word == "zero"
    return False


def _is_pronoun_one(words: list[re.Match[str]], i: int, j: int, group: list[str]) -> bool:
    if group != ["one"]:
        return False
    before = words[i - 1][0].lower() if i > 0 else ""
    after = words[j][0].lower() if j < len(words) else ""
    return before in _PRONOUN_BEFORE or after in {"of", "more", "another"}


def _words_value(group: list[str]) -> int:
    total = current = 0
    for word in group:
        if word in _ONES:
            current += _ONES[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _GROUPS:
            current += _GROUPS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        else:
            total += max(current, 1) * _SCALES[word]
            current = 0
    return total + current


# --- money, percentages, durations -------------------------------------------------------------

_CURRENCY_BEFORE = re.compile(
    r"(?:(?<![A-Za-z])[A-Z]{0,2}[$€£¥₹]|(?<![A-Za-z])(?:usd|eur|gbp|cad|aud|chf|jpy|inr))\s*$",
    re.IGNORECASE,
)
_CURRENCY_WORDS = (
    r"usd|eur|gbp|cad|aud|chf|jpy|inr|dollars?|bucks?|euros?|pounds?|quid|cents?|yen|rupees?"
)
_CURRENCY_AFTER = re.compile(rf"\s*(?:{_CURRENCY_WORDS})\b", re.IGNORECASE)
_PERCENT_AFTER = re.compile(r"\s*(?:%|(?:percent|per\s?cent|pct)\b)", re.IGNORECASE)
_UNIT_WORDS = r"(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?)"
_ADJECTIVE = r"(?:(?:more|extra|additional|full|whole|further|straight)\s+)?"
_UNIT_AFTER = re.compile(
    rf"(?P<half_before>\s+and\s+a\s+half)?\s*-?\s*(?:of\s+)?{_ADJECTIVE}{_UNIT_WORDS}\b"
    r"(?P<half>\s+and\s+a\s+half\b)?",
    re.IGNORECASE,
)
_ARTICLE_UNIT = re.compile(
    rf"(?<![\w-])(?P<half>half\s+)?an?\s+{_ADJECTIVE}"
    rf"(?:{_UNIT_WORDS}|(?P<money>dollar|buck|euro|pound|quid))\b"
    r"(?P<and_half>\s+and\s+a\s+half\b)?",
    re.IGNORECASE,
)
_UNIT_STEMS = {
    "sec": "second", "min": "minute", "hou": "hour", "hrs": "hour", "hr": "hour",
    "day": "day", "wee": "week", "wks": "week", "wk": "week",
}  # fmt: skip


def _unit_name(word: str) -> str:
    word = word.lower()
    return _UNIT_STEMS.get(word[:3]) or _UNIT_STEMS[word[:2]]


def _widen(text: str, number: _Number) -> Quantity:
    start, end, value = number.start, number.end, number.value
    if number.unit == "ordinal":
        return Quantity("ordinal", start, end, int(value) - 1)
    if number.unit == "money":
        return Quantity("money", start, end, value)
    if number.unit is not None:
        return Quantity("duration", start, end, value * SECONDS[number.unit])
    before = _CURRENCY_BEFORE.search(text, max(0, start - 6), start)
    if before:
        after = _CURRENCY_AFTER.match(text, end)  # "$20 usd"
        return Quantity("money", before.start(), after.end() if after else end, value)
    if after := _CURRENCY_AFTER.match(text, end):
        return Quantity("money", start, after.end(), value)
    if after := _PERCENT_AFTER.match(text, end):
        return Quantity("percent", start, after.end(), value)
    if after := _UNIT_AFTER.match(text, end):
        amount = value + (0.5 if after["half"] or after["half_before"] else 0)
        return Quantity("duration", start, after.end(), amount * SECONDS[_unit_name(after["unit"])])
    return Quantity("number", start, end, value)


_RATE_BEFORE = re.compile(r"\b(?:once|twice|thrice|times|per|every)\s+$", re.IGNORECASE)


def _article_quantities(text: str) -> list[Quantity]:
    found = []
    for match in _ARTICLE_UNIT.finditer(text):
        if match["money"]:
            found.append(Quantity("money", match.start(), match.end(), 1))
            continue
        if _RATE_BEFORE.search(text, max(0, match.start() - 10), match.start()):
            continue  # "twice a day" is a rate
        unit = _unit_name(match["unit"])
        amount = 0.5 if match["half"] else 1.5 if match["and_half"] else 1
        idiom = unit in ("second", "minute") and amount == 1  # "wait a second"
        found.append(
            Quantity("duration", match.start(), match.end(), amount * SECONDS[unit], not idiom)
        )
    return found


# "half", "a quarter": a share, read only where a percentage is wanted ("half an hour" and
# "half past six" are read as a duration and a time)
_FRACTION = re.compile(r"(?<![\w-])(?:a\s+)?(?P<which>half|quarter)(?![\w-])(?!\s+(?:past|to)\b)", re.I)


def _fractions(text: str) -> list[Quantity]:
    return [
        Quantity("fraction", m.start(), m.end(), 0.5 if m["which"].lower() == "half" else 0.25)
        for m in _FRACTION.finditer(text)
    ]


def _drop_covered(found: list[Quantity]) -> list[Quantity]:
    """Keep the widest reading where two overlap ("half an hour" over "an hour")."""
    kept: list[Quantity] = []
    for q in sorted(found, key=lambda q: (q.start, -(q.end - q.start))):
        if kept and q.start < kept[-1].end:
            continue
        kept.append(q)
    return kept


_JOINER = re.compile(r"\s*(?:,|and)?\s*", re.IGNORECASE)


def _merge_durations(text: str, found: list[Quantity]) -> list[Quantity]:
    """Adjacent durations add up: "1 hour 30 minutes", "2 days and 4 hours"."""
    merged: list[Quantity] = []
    for q in found:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.kind == q.kind == "duration"
            and last.value > q.value
            and _JOINER.fullmatch(text, last.end, q.start)
        ):
            merged[-1] = Quantity("duration", last.start, q.end, last.value + q.value, True)
        else:
            merged.append(q)
    return merged


# --- ordinals ("the second one", "option 2") -------------------------------------------------

_ORDINAL_WORDS = {
    "first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4, "sixth": 5, "seventh": 6,
    "eighth": 7, "ninth": 8, "tenth": 9, "last": -1,
}  # fmt: skip
_ORDINAL = re.compile(
    r"(?<![\w-])(?:(?P<word>" + "|".join(_ORDINAL_WORDS) + r")"
    r"|(?:option|choice|number|#)\s*(?P<digits>\d{1,2}))(?![\w-])",
    re.IGNORECASE,
)


_TIME_SECOND = re.compile(r"(?:\b(?:a|one|per|every)|\d)\s+$", re.IGNORECASE)


def _ordinals(text: str) -> list[Quantity]:
    found = []
    for match in _ORDINAL.finditer(text):
        if word := (match["word"] or "").lower():
            before = max(0, match.start() - 8)
            if word == "second" and _TIME_SECOND.search(text, before, match.start()):
                continue  # "a second", "one second": time, not order
            index = _ORDINAL_WORDS[word]
        else:
            index = int(match["digits"]) - 1
        found.append(Quantity("ordinal", match.start(), match.end(), index))
    return found
