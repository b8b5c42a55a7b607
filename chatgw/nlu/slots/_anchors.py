"""Anchors: the words next to a value that say which slot it is for.

A slot's own name words anchor best, then words typical of its kind ("refund" for money, "extend"
for a duration), then the words of its description and prompt that no other slot shares. Distance
counts content words only ("20 for the credit" is next to "credit"), and a word stops anchoring
past another value or a clause boundary: in "credit 20 and extend by 3", "credit" names the 20.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from chatgw.nlu.slots._kinds import FUNCTION_WORDS, Kind, SlotKind
from chatgw.nlu.slots._mention import Mention
from chatgw.nlu.slots._scan import id_prefix

_BEFORE, _AFTER = 3, 2  # content words looked at before and after a value
_KIND_WORDS = {
    Kind.MONEY: ("amount", "credit", "refund", "price", "cost", "fee", "charge", "payment"),
    Kind.DURATION: ("extend", "extension", "prolong", "longer", "snooze"),
}
_BOUNDARY = re.compile(r"[,;.!?]|\b(?:and|or|plus|then|also|but)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Group:
    places: tuple[int, ...]  # indexes of the words naming the slot
    weight: int  # bonus for a word right before the value (right after: 3 less)


@dataclass(frozen=True, slots=True)
class Words:
    """The words of a message, where each starts and ends, and how many content words precede it."""

    text: str
    spans: Sequence[tuple[int, int, str]]  # (start, end, lowercase word)
    starts: Sequence[int]
    ends: Sequence[int]
    rank: Sequence[int]  # rank[i]: content words among the first i words

    @classmethod
    def of(cls, text: str) -> Words:
        spans = [(m.start(), m.end(), m[0].lower()) for m in re.finditer(r"\w+", text)]
        rank = [0]
        for _, _, word in spans:
            rank.append(rank[-1] + (word not in FUNCTION_WORDS))
        return cls(text, spans, [s[0] for s in spans], [s[1] for s in spans], rank)


class Anchors:
    """Where each slot's words sit in one message, and the bonus they give a value."""

    def __init__(self, words: Words, kinds: Sequence[SlotKind], values: Sequence[Mention]):
        self._words = words
        self._values = values  # other values block an anchor beyond them
        shared = Counter(w for k in kinds for w in k.described)
        self._groups = {id(k): self._groups_of(k, shared) for k in kinds}

    def bonus(self, kind: SlotKind, mention: Mention) -> float | None:
        """The bonus of the slot's words near `mention`, closer and more scoring higher; None
        when none is near."""
        words = self._words
        first = bisect.bisect_right(words.ends, mention.start)
        last = bisect.bisect_left(words.starts, mention.end) - 1
        own = mention.kind in ("id", "pattern", "digits")  # an id's letters count by prefix only
        total = 0.0
        near = False
        for group in self._groups[id(kind)]:
            best = None
            for i in group.places:
                if first <= i <= last:
                    score = None if own else group.weight
                else:
                    score = self._score(i, first, last, mention, group.weight)
                if score is not None and (best is None or score > best):
                    best = score
            if best is not None and first <= last:
                total, near = total + best, True
        if (own or mention.kind == "labelled") and _prefix_names(kind, mention):
            total, near = total + 15, True  # proj_8f2k1 for a project, in_123 for an invoice
        return total if near else None

    def _score(self, i: int, first: int, last: int, mention: Mention, weight: int) -> float | None:
        words = self._words
        if i < first:
            distance, limit = words.rank[first] - words.rank[i + 1], _BEFORE
            gap = (words.spans[i][1], mention.start)
        else:
            distance, limit, weight = words.rank[i] - words.rank[last + 1], _AFTER, weight - 3
            gap = (mention.end, words.spans[i][0])
        if distance > limit or _BOUNDARY.search(words.text, *gap):
            return None
        if any(gap[0] <= v.start and v.end <= gap[1] for v in self._values):
            return None
        return float(max(3, weight - 3 * distance))

    def _groups_of(self, kind: SlotKind, shared: Counter[str]) -> list[_Group]:
        groups = [(w,) for w in kind.words]
        weights = [15] * len(groups)
        measure = kind.measure or kind.kind
        if measure in _KIND_WORDS:
            groups.append(_KIND_WORDS[measure])  # one more word, however many
            weights.append(15)
        if own := tuple(w for w in kind.described if shared[w] == 1 and w not in kind.words):
            groups.append(own)
            weights.append(10)
        spans = self._words.spans
        return [
            _Group(tuple(i for i, (_, _, w) in enumerate(spans) if names_any(w, g)), weight)
            for g, weight in zip(groups, weights)
        ]


@functools.lru_cache(maxsize=8192)  # every word of every message, against each slot's words
def names_any(word: str, anchors: tuple[str, ...]) -> bool:
    return any(_names(part, anchor) for part in word.split("_") for anchor in anchors)


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
