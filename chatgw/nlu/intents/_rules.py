"""Operators' keywords and patterns, applied on top of any engine's own confidences.

A keyword (a word or phrase, matched on whole, stemmed words) adds evidence of weight 0.6,
combined with the model's as independent, and lifts its intent to at least the threshold. A
pattern (a regular expression, case-insensitive, searched in the message) that matches puts
its intent above 0.99.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from chatgw.nlu.intents._text import stem, tokens

__all__ = ["Rules"]

KEYWORD_WEIGHT = 0.6  # evidence of one keyword, combined with the model's as independent
PATTERN_FLOOR = 0.99  # a matching pattern puts its intent at least this high


class Rules:
    """Compiled keywords and patterns, by intent number."""

    __slots__ = ("_keywords", "_patterns")

    def __init__(
        self,
        number: Mapping[str, int],
        keywords: Mapping[str, Sequence[str]],
        patterns: Mapping[str, Sequence[str]],
    ) -> None:
        """Raises ValueError for a pattern that is not a valid regular expression."""
        self._keywords = {number[n]: _keyword_phrases(k) for n, k in keywords.items() if k}
        self._patterns = {number[n]: _compile(n, p) for n, p in patterns.items() if p}

    def apply(self, text: str, scores: dict[int, tuple[float, float]], threshold: float) -> None:
        """Raise the confidences in `scores` (intent -> confidence, own) that the rules back."""
        if self._keywords:
            words = [stem(t) for t in tokens(text)]
            for intent, phrases in self._keywords.items():
                hits = sum(_contains(words, phrase) for phrase in phrases)
                if hits:
                    own = scores.get(intent, (0.0, 0.0))[1]
                    boosted = 1.0 - (1.0 - own) * (1.0 - KEYWORD_WEIGHT) ** hits
                    scores[intent] = (max(boosted, threshold), own)
        for intent, regexes in self._patterns.items():
            if any(r.search(text) for r in regexes):
                confidence, own = scores.get(intent, (0.0, 0.0))
                scores[intent] = (PATTERN_FLOOR + (1.0 - PATTERN_FLOOR) * confidence, own)


def _keyword_phrases(phrases: Sequence[str]) -> list[tuple[str, ...]]:
    found = [tuple(stem(t) for t in tokens(p)) for p in phrases]
    return list(dict.fromkeys(f for f in found if f))


def _compile(name: str, sources: Sequence[str]) -> list[re.Pattern[str]]:
    compiled = []
    for source in sources:
        try:
            compiled.append(re.compile(source, re.IGNORECASE))
        except re.error as exc:
            raise ValueError(f"pattern {source!r} of intent {name!r} is not valid: {exc}") from None
    return compiled


def _contains(words: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1))
