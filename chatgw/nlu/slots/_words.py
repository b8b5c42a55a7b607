"""Readings that depend on one slot: its enum and synonyms, yes/no, free text, labelled values.

Customer text is only ever searched: every phrase that goes into a regular expression here is
escaped, and patterns come from the trusted configuration.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Iterator, Sequence

from chatgw.compiler.plans import SlotPlan
from chatgw.nlu.slots._kinds import SlotKind, name_words
from chatgw.nlu.slots._mention import Mention

# --- enums -------------------------------------------------------------------------------------


def enum_mentions(kind: SlotKind, text: str) -> list[Mention]:
    """Enum values and their synonyms named in `text`; close misspellings as unsure readings."""
    found: list[Mention] = []
    phrases = list(_enum_phrases(kind))
    for value, phrase in phrases:
        for match in phrase_regex(phrase).finditer(text):
            found.append(Mention("enum", match.start(), match.end(), value))
    found.extend(_fuzzy(text, phrases, found))
    return found


def _enum_phrases(kind: SlotKind) -> Iterator[tuple[Any, tuple[str, ...]]]:
    slot = kind.slot
    for value in slot.enum or ():
        if isinstance(value, str) and (words := name_words(value)):
            yield value, words
        for synonym in synonyms_of(slot, value):
            if words := tuple(re.findall(r"[^\W_]+", str(synonym).lower())):
                yield value, words


def synonyms_of(slot: SlotPlan, value: Any) -> tuple[str, ...]:
    """The phrases that stand for the enum item `value` (keys may be written as text)."""
    found = slot.synonyms.get(value)
    if found is None:
        found = slot.synonyms.get(str(value), ())
    return tuple(str(phrase) for phrase in found)


def phrase_regex(words: Sequence[str]) -> re.Pattern[str]:
    """Words in order, joined by spaces, _ or -, not inside a longer word ("v2": v, 2)."""
    joined = re.escape(words[0])
    for before, word in zip(words, words[1:]):
        joiner = r"[\s_.\-]*" if before.isdigit() or word.isdigit() else r"[\s_\-]+"
        joined += joiner + re.escape(word)
    return re.compile(rf"(?<![\w\-]){joined}(?!-?\w|\.\d)", re.IGNORECASE)


_WORD = re.compile(r"[^\W_]+")


def _fuzzy(
    text: str, phrases: list[tuple[Any, tuple[str, ...]]], exact: list[Mention]
) -> list[Mention]:
    words = list(_WORD.finditer(text))
    found = []
    for value, phrase in phrases:
        size = len(phrase)
        target = " ".join(phrase)
        if len(target) < 4:
            continue
        for i in range(len(words) - size + 1):
            start, end = words[i].start(), words[i + size - 1].end()
            if any(m.start < end and start < m.end for m in exact):
                continue
            said = " ".join(w[0].lower() for w in words[i : i + size])
            if said != target and difflib.SequenceMatcher(None, said, target).ratio() >= 0.8:
                found.append(Mention("enum", start, end, value, sure=False))
    return found


# --- yes / no ------------------------------------------------------------------------------------

_YES = re.compile(
    r"\b(?:yes|yeah|yep|yup|y|sure|ok|okay|true|on|enable|enabled|correct|right|affirmative|"
    r"absolutely|definitely|please\s+do|go\s+ahead|do\s+it)\b",
    re.IGNORECASE,
)
_NO = re.compile(
    r"\b(?:no|nope|nah|n|false|off|disable|disabled|never|negative|not|don'?t|do\s+not|"
    r"without|skip|stop)\b|\bdon’t\b",
    re.IGNORECASE,
)
_NEGATIVE_BEFORE = re.compile(
    r"\b(?:disable|turn\s+off|switch\s+off|deactivate|without|no|not|don'?t|do\s+not|never|"
    r"skip|stop)\s+(?:the\s+|to\s+)?$|\bdon’t\s+$",
    re.IGNORECASE,
)
_AFTER = re.compile(
    r"\s*(?::|=|\bis\b|\bshould\s+be\b|\bset\s+to\b|\bto\b)?\s*"
    r"(?:(?P<yes>yes|on|true|enabled)|(?P<no>no|off|false|disabled))\b",
    re.IGNORECASE,
)


_UNSURE = re.compile(
    r"\b(?:not\s+sure|don['’]?t\s+know|no\s+idea|maybe|perhaps|dunno|unsure)\b", re.IGNORECASE
)


def answer_yes_no(text: str) -> Mention | None:
    """The first yes or no in a bare answer; None for "not sure"."""
    if _UNSURE.search(text):
        return None
    yes, no = _YES.search(text), _NO.search(text)
    if yes and (no is None or yes.start() < no.start()):
        return Mention("boolean", yes.start(), yes.end(), True)
    if no:
        return Mention("boolean", no.start(), no.end(), False)
    return None


def boolean_mentions(kind: SlotKind, text: str) -> list[Mention]:
    """The slot named with a polarity: "don't notify the customer", "auto renew: off"."""
    found = []
    for match in _slot_phrase(kind).finditer(text):
        after = _AFTER.match(text, match.end())
        before = text[max(0, match.start() - 30) : match.start()]
        if after:
            value = after["yes"] is not None
            found.append(Mention("boolean", match.start(), after.end(), value))
        else:
            # naming the switch itself ("and notify the customer") turns it on
            value = not _NEGATIVE_BEFORE.search(before)
            found.append(Mention("boolean", match.start(), match.end(), value))
    return found


def _slot_phrase(kind: SlotKind) -> re.Pattern[str]:
    # allow one small word between the name's words: notify_customer ~ "notify the customer";
    # an id-ish tail is optional: project_id ~ "project", "project id", "project #"
    joiner = r"(?:[\s_\-]+(?:the|a|an|my|our|their|his|her|to|of|me|us|them))?[\s_\-]+"
    joined = joiner.join(re.escape(w) + "s?" for w in kind.words)
    tail = r"(?:[\s_\-]*(?:ids?|numbers?|no\.|nr|code))?"
    return re.compile(rf"(?<![\w\-]){joined}{tail}(?!-?\w)", re.IGNORECASE)


# --- free text and labelled values --------------------------------------------------------------

_REASON_WORDS = frozenset("reason why cause explanation justification motive".split())
_BECAUSE = re.compile(
    r"\b(?:because(?:\s+of)?|due\s+to|owing\s+to|caused\s+by|the\s+reason\s+(?:is|being|was)"
    r"|reason\s*(?::|is|being|was))\s*",
    re.IGNORECASE,
)
# "note: ...", "title should be ...": clearly what follows is the value
_LABEL_AFTER = re.compile(
    r"\s*(?:[:=#]|\b(?:should\s+be|would\s+be|will\s+be|saying|says|reads|called|named)\b)\s*",
    re.IGNORECASE,
)
# "project id is website": only with the id word, since "the project is down" names no project
_ID_LABEL_AFTER = re.compile(r"\s*\b(?:is|was)\b\s*", re.IGNORECASE)
_ID_TAIL = re.compile(r"(?:ids?|numbers?|no\.|nr|code)$", re.IGNORECASE)
_QUOTED = re.compile(r"\s*(?:\"([^\"]+)\"|“([^”]+)”|'([^']+)'|‘([^’]+)’)")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")


def text_mentions(kind: SlotKind, text: str) -> list[Mention]:
    """Free text the customer labelled for this slot: 'reason: outage', 'note "VIP"'."""
    found = []
    described = (kind.slot.description or "").lower()
    if set(kind.words) & _REASON_WORDS or "reason" in described:
        for match in _BECAUSE.finditer(text):
            found.extend(_clause(text, match.end()))
    for match in _slot_phrase(kind).finditer(text):
        quoted = _QUOTED.match(text, match.end())
        label = _LABEL_AFTER.match(text, match.end())
        if quoted:
            value = next(g for g in quoted.groups() if g is not None)
            found.append(Mention("text", quoted.start(), quoted.end(), value.strip(), claims=False))
        elif label and label.end() > match.end():
            found.extend(_clause(text, label.end()))
    return found


def _clause(text: str, start: int) -> list[Mention]:
    if quoted := _QUOTED.match(text, start):
        value = next(g for g in quoted.groups() if g is not None)
        return [Mention("text", quoted.start(), quoted.end(), value.strip(), claims=False)]
    end_match = _SENTENCE_END.search(text, start)
    end = end_match.start() if end_match else len(text)
    value = text[start:end].strip().rstrip(",;:")
    if not value:
        return []
    return [Mention("text", start, end, value, claims=False)]


_LABELLED = re.compile(r"[\w\-.@]+")


def labelled_token(kind: SlotKind, text: str) -> list[Mention]:
    """A one-word value right after the slot's name: "project is website", "order #A12"."""
    found = []
    for match in _slot_phrase(kind).finditer(text):
        label = _LABEL_AFTER.match(text, match.end())
        if (not label or label.end() == match.end()) and _ID_TAIL.search(match[0]):
            label = _ID_LABEL_AFTER.match(text, match.end())
        if not label or label.end() == match.end():
            continue
        token = _LABELLED.match(text, label.end())
        if token and token[0].lower() not in _FILLER:
            value = token[0].rstrip(".")
            start = label.end()
            found.append(Mention("labelled", start, start + len(value), value))
    return found


# words that carry no answer in a short reply ("it's the pro one please")
_FILLER = frozenset(
    "a an the it it's its is my our your i i'm im think guess use choose pick want would like "
    "please pls ok okay sure yes yeah yep go with one thanks thank you that this let's lets "
    "make be maybe probably just to for of".split()
)


_REPLY_WORD = re.compile(r"[^\s,;!?()\"`“”]+")


def bare_answer(text: str) -> Mention | None:
    """The single word left once filler is removed, if exactly one is left."""
    words = []
    for match in _REPLY_WORD.finditer(text):
        word = match[0].replace("’", "'")
        value = word.strip("'").rstrip(".:")
        if value and value.lower() not in _FILLER:
            start = match.start() + (len(word) - len(word.lstrip("'")))
            words.append(Mention("bare", start, start + len(value), value))
    return words[0] if len(words) == 1 else None
