"""Intent matching: which action a customer's message asks for, or that it asks for none.

`build_intent_engine` compiles the operators' `intent.examples` (plus optional keywords and
regex patterns) into an engine whose `match` ranks the actions for a message with confidences
in [0, 1]. A message whose best confidence is below the threshold is out of scope: the bot must
never run an action on a guess.

The built-in engine is lexical and needs nothing but numpy and scikit-learn:

1. text -> TF-IDF of stemmed word 1-2-grams and character 2-5-grams (`_intent_vectors`);
2. a one-vs-rest linear SVM ranks the intents, and cosine similarity to each intent's nearest
   example and centroid says how much the message looks like any of them (`_intent_model`);
3. a logistic calibration maps that evidence to a confidence, learned by cross-validation on
   the examples themselves, where whole intents are held out to play the out-of-scope part
   (`_intent_calibration`, which also picks the automatic threshold).

Other engines (embeddings, an LLM) only have to satisfy `IntentEngine`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from chatgw.nlu._intent_calibration import Calibration, calibrate
from chatgw.nlu._intent_model import LinearModel
from chatgw.nlu._intent_text import MAX_TEXT, stem, tokens
from chatgw.nlu._intent_vectors import TermVectors, analyse

__all__ = ["IntentEngine", "IntentMatch", "IntentScore", "build_intent_engine"]

CANDIDATES = 3
KEYWORD_WEIGHT = 0.6  # evidence of one keyword, combined with the model's as independent
PATTERN_FLOOR = 0.99  # a matching pattern puts its intent at least this high


@dataclass(frozen=True, slots=True)
class IntentScore:
    """One intent and how confident the engine is that the message asks for it."""

    name: str
    confidence: float


@dataclass(frozen=True, slots=True)
class IntentMatch:
    """The chosen intent (`None`: out of scope), its confidence, and the best candidates.

    When out of scope, `confidence` is that of the best candidate, which fell short.
    `candidates` holds at most three intents, highest confidence first.
    """

    name: str | None
    confidence: float
    candidates: tuple[IntentScore, ...]


class IntentEngine(Protocol):
    """Anything that can rank intents for a message."""

    def match(self, text: str) -> IntentMatch: ...


def build_intent_engine(
    examples: Mapping[str, Sequence[str]],
    *,
    keywords: Mapping[str, Sequence[str]] | None = None,
    patterns: Mapping[str, Sequence[str]] | None = None,
    threshold: float | None = None,
) -> IntentEngine:
    """Compile intent examples, keywords and patterns into the built-in lexical engine.

    `keywords` are words or phrases that strongly suggest an intent: each one present (matched
    on whole, stemmed words) adds evidence of weight 0.6, and any keyword lifts its intent to at
    least the threshold. `patterns` are regular expressions (case-insensitive, searched in the
    message): one that matches puts its intent above 0.99. Intents may have keywords or patterns
    and no examples.

    `threshold` None means automatic: cross-validation on the examples, holding out examples
    within each intent as in-scope messages and whole intents as out-of-scope ones, fits both
    the confidence calibration and the threshold that maximises in-scope accuracy plus half the
    out-of-scope recall (see `chatgw.nlu._intent_calibration`). With fewer than two intents
    that have examples there is nothing to hold out, and a fixed similarity-only calibration
    and threshold are used.

    Raises ValueError for a threshold outside [0, 1] or a pattern that is not a valid regex.
    """
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
    keywords = keywords or {}
    patterns = patterns or {}
    names = list(dict.fromkeys([*examples, *keywords, *patterns]))
    number = {name: i for i, name in enumerate(names)}
    texts, labels = [], []
    for name, phrases in examples.items():
        for phrase in dict.fromkeys(p.strip() for p in phrases):
            if phrase:
                texts.append(phrase)
                labels.append(number[name])
    analysed = [analyse(text) for text in texts]
    vectors = TermVectors(analysed)
    model = calibration = None
    auto = 0.5
    if texts:
        X, _ = vectors.matrix(analysed)
        y = np.asarray(labels)
        model = LinearModel(X, y, vectors.content)
        calibration, auto = calibrate(analysed, y)
    return LexicalIntentEngine(
        names=tuple(names),
        vectors=vectors,
        model=model,
        calibration=calibration,
        threshold=auto if threshold is None else float(threshold),
        keywords={number[n]: _keyword_phrases(k) for n, k in keywords.items() if k},
        patterns={number[n]: _compile(n, p) for n, p in patterns.items() if p},
    )


class LexicalIntentEngine:
    """The built-in engine; build it with `build_intent_engine`."""

    __slots__ = (
        "_calibration",
        "_keywords",
        "_model",
        "_patterns",
        "_vectors",
        "names",
        "threshold",
    )

    def __init__(
        self,
        *,
        names: tuple[str, ...],
        vectors: TermVectors,
        model: LinearModel | None,
        calibration: Calibration | None,
        threshold: float,
        keywords: Mapping[int, list[tuple[str, ...]]],
        patterns: Mapping[int, list[re.Pattern[str]]],
    ) -> None:
        self.names = names
        self.threshold = threshold
        self._vectors = vectors
        self._model = model
        self._calibration = calibration
        self._keywords = dict(keywords)
        self._patterns = dict(patterns)

    def match(self, text: str) -> IntentMatch:
        """The intent `text` asks for, or None when nothing is confident enough."""
        text = text[:MAX_TEXT]
        scores: dict[int, tuple[float, float]] = {}  # intent -> (confidence, model's own)
        idx, val, known = self._vectors.vector(text)
        if self._model is not None and self._calibration is not None and len(idx):
            for intent, features in self._model.top(idx, val, known, CANDIDATES):
                own = float(self._calibration.confidence(features))
                scores[intent] = (own, own)
        if self._keywords:
            words = [stem(t) for t in tokens(text)]
            for intent, phrases in self._keywords.items():
                hits = sum(_contains(words, phrase) for phrase in phrases)
                if hits:
                    own = scores.get(intent, (0.0, 0.0))[1]
                    boosted = 1.0 - (1.0 - own) * (1.0 - KEYWORD_WEIGHT) ** hits
                    scores[intent] = (max(boosted, self.threshold), own)
        for intent, regexes in self._patterns.items():
            if any(r.search(text) for r in regexes):
                confidence, own = scores.get(intent, (0.0, 0.0))
                scores[intent] = (PATTERN_FLOOR + (1.0 - PATTERN_FLOOR) * confidence, own)
        ranked = sorted(scores.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
        candidates = tuple(
            IntentScore(self.names[i], confidence) for i, (confidence, _) in ranked[:CANDIDATES]
        )
        if not candidates:
            return IntentMatch(name=None, confidence=0.0, candidates=())
        best = candidates[0]
        chosen = best.name if best.confidence >= self.threshold else None
        return IntentMatch(name=chosen, confidence=best.confidence, candidates=candidates)


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
