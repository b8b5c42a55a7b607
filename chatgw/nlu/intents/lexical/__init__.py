"""The built-in lexical engine; it needs nothing but numpy, scipy and scikit-learn.

1. text -> TF-IDF of stemmed word 1-2-grams and character 2-5-grams (`_vectors`);
2. a one-vs-rest linear SVM ranks the intents, and cosine similarity to each intent's nearest
   example and centroid says how much the message looks like any of them (`_model`);
3. a logistic calibration maps that evidence to a confidence, learned by cross-validation on
   the examples themselves, where whole intents are held out to play the out-of-scope part
   (`_calibration`, which also picks the automatic threshold).
"""

from __future__ import annotations

import numpy as np

from chatgw.nlu.intents._calibration import Calibration, calibrate
from chatgw.nlu.intents._match import CANDIDATES, IntentMatch, decide
from chatgw.nlu.intents._rules import Rules
from chatgw.nlu.intents.lexical._calibration import PRIOR, samples
from chatgw.nlu.intents.lexical._model import LinearModel
from chatgw.nlu.intents._text import MAX_TEXT
from chatgw.nlu.intents.lexical._vectors import TermVectors, analyse

__all__ = ["LexicalIntentEngine", "build_lexical_engine"]


def build_lexical_engine(
    names: tuple[str, ...],
    texts: list[str],
    labels: list[int],
    rules: Rules,
    threshold: float | None,
) -> LexicalIntentEngine:
    """The lexical engine of examples `texts` of intents `labels` (numbers into `names`)."""
    analysed = [analyse(text) for text in texts]
    vectors = TermVectors(analysed)
    model = calibration = None
    auto = 0.5
    if texts:
        X, _ = vectors.matrix(analysed)
        y = np.asarray(labels)
        model = LinearModel(X, y, vectors.content)
        calibration, auto = calibrate(samples(analysed, y), PRIOR)
    return LexicalIntentEngine(
        names=names,
        vectors=vectors,
        model=model,
        calibration=calibration,
        threshold=auto if threshold is None else threshold,
        rules=rules,
    )


class LexicalIntentEngine:
    """The built-in engine; build it with `build_intent_engine`."""

    __slots__ = ("_calibration", "_model", "_rules", "_vectors", "names", "threshold")

    def __init__(
        self,
        *,
        names: tuple[str, ...],
        vectors: TermVectors,
        model: LinearModel | None,
        calibration: Calibration | None,
        threshold: float,
        rules: Rules,
    ) -> None:
        self.names = names
        self.threshold = threshold
        self._vectors = vectors
        self._model = model
        self._calibration = calibration
        self._rules = rules

    def match(self, text: str) -> IntentMatch:
        """The intent `text` asks for, or None when nothing is confident enough."""
        text = text[:MAX_TEXT]
        scores: dict[int, tuple[float, float]] = {}  # intent -> (confidence, model's own)
        idx, val, known = self._vectors.vector(text)
        if self._model is not None and self._calibration is not None and len(idx):
            for intent, features in self._model.top(idx, val, known, CANDIDATES):
                own = float(self._calibration.confidence(features))
                scores[intent] = (own, own)
        self._rules.apply(text, scores, self.threshold)
        return decide(self.names, scores, self.threshold)
