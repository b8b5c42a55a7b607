"""The lexical engine's side of calibration: its prior and its cross-validation samples.

See `chatgw.nlu.intents._calibration` for the procedure. In each fold the vocabulary and the
model are fitted on the training rows only, exactly as the engine does on all the examples.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from chatgw.nlu.intents._calibration import Calibration, Prior, Samples, Scorer, cross_validate
from chatgw.nlu.intents.lexical._model import FEATURES, LinearModel
from chatgw.nlu.intents.lexical._vectors import Terms, TermVectors

__all__ = ["PRIOR", "samples"]

# Fitted by the procedure, without a prior, on the pooled folds of 100 small configs drawn
# from CLINC150's training split (2-10 intents, 3-15 examples each), by
# `bench/nlu.py --fit-prior`. Used as is when no held-out example was predicted right. For a
# single intent there is no classifier and nothing to hold out: similarity and known share
# only, fitted the same way on the folds of two-intent configs (each trains on one).
PRIOR = Prior(
    calibration=Calibration(weights=(3.01, 0.822, 0.645, 0.866, 5.26), bias=-2.35),
    threshold=0.27,
    single=Calibration(weights=(0.0, 0.0, 1.88, 7.6, 4.85), bias=-3.94),
    single_threshold=0.38,
)


def samples(texts: Sequence[Terms], y: np.ndarray) -> Samples | None:
    """Cross-validated samples of analysed examples `texts` of intents `y`."""

    def fit(train: np.ndarray) -> Scorer:
        vectors = TermVectors([texts[i] for i in np.flatnonzero(train)])
        X, known = vectors.matrix(texts)
        model = LinearModel(X[train], y[train], vectors.content)
        return lambda rows: model.best(X[rows], known[rows])

    return cross_validate(y, fit, len(FEATURES))
