"""The classifier on top of the sentence vectors, and the evidence it gives for an intent.

A multinomial logistic regression on the unit vectors of the examples ranks the intents; for
every candidate intent of a message the head gives three evidence features:

    probability  the regression's probability of the intent (1 when it is the only one)
    nearest      cosine similarity to the closest example of the intent
    centroid     cosine similarity to the unit-length mean of the intent's examples

The probability says which intent among those configured; the similarities say whether the
message is like anything the operator wrote at all, which a classifier over a few intents
cannot tell. `_calibration` turns the features into one confidence.

Tried and left out, measured on CLINC150 10-shot (validation split): adding the lexical SVM's
decision to the regression's logits (no gain at weight 1, worse above), and the lexical
engine's known-word share as a fourth feature (no gain in-scope, one point less out-of-scope
recall on small configs).
"""

from __future__ import annotations

import warnings

import numpy as np

from chatgw.nlu.intents._calibration import Samples, Scorer, cross_validate

__all__ = ["C", "FEATURES", "Head", "samples"]

FEATURES = ("probability", "nearest", "centroid")
C = 20.0  # inverse L2 strength; 10-50 are within half a point on CLINC150 10-shot validation
_CHUNK = 512  # rows per block when scoring many vectors at once


class Head:
    """Regression weights, centroids and example vectors of the intents that have examples."""

    __slots__ = ("_bounds", "_centroids", "_coef", "_examples", "_intercept", "intents")

    def __init__(
        self,
        intents: np.ndarray,
        coef: np.ndarray,
        intercept: np.ndarray,
        examples: np.ndarray,
        bounds: np.ndarray,
    ) -> None:
        """Prefer `Head.fit`; this takes what `arrays` gives back (e.g. from a cache)."""
        self.intents = intents  # intent numbers, ascending; column j is intents[j]
        self._coef = coef.astype(np.float32)  # dim x intents
        self._intercept = intercept.astype(np.float32)
        self._examples = examples.astype(np.float32)  # sorted by intent
        self._bounds = bounds  # intent j's examples are rows bounds[j]:bounds[j + 1]
        means = np.add.reduceat(self._examples, bounds[:-1], axis=0)
        self._centroids = (means / np.linalg.norm(means, axis=1, keepdims=True)).T

    @classmethod
    def fit(cls, vectors: np.ndarray, y: np.ndarray) -> Head:
        """Train on unit `vectors` of intents `y`."""
        intents, column = np.unique(y, return_inverse=True)
        order = np.argsort(column, kind="stable")
        bounds = np.searchsorted(column[order], np.arange(len(intents) + 1))
        coef, intercept = _regression(vectors, column, len(intents))
        return cls(intents, coef, intercept, vectors[order], bounds)

    def arrays(self) -> dict[str, np.ndarray]:
        """What the head is made of, as plain arrays (the constructor's arguments)."""
        return {
            "intents": self.intents,
            "coef": self._coef,
            "intercept": self._intercept,
            "examples": self._examples,
            "bounds": self._bounds,
        }

    def top(self, vector: np.ndarray, n: int) -> list[tuple[int, np.ndarray]]:
        """The `n` most probable intents for one unit vector, with their features."""
        intents, features = self._features(vector[None, :], n)
        return [(int(i), f) for i, f in zip(intents[0], features[0])]

    def best(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For many unit vectors at once: the best intent of each and its features."""
        winners, rows = [], []
        for start in range(0, len(vectors), _CHUNK):
            intents, features = self._features(vectors[start : start + _CHUNK], 1)
            winners.append(intents[:, 0])
            rows.append(features[:, 0])
        return np.concatenate(winners), np.vstack(rows)

    def _features(self, vectors: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        logits = vectors @ self._coef + self._intercept
        logits -= logits.max(axis=1, keepdims=True)
        probability = np.exp(logits)
        probability /= probability.sum(axis=1, keepdims=True)
        j = np.argsort(-probability, axis=1, kind="stable")[:, :n]
        r = np.arange(len(vectors))[:, None]
        similar = vectors @ self._examples.T
        nearest = np.maximum.reduceat(similar, self._bounds[:-1], axis=1)
        centroid = vectors @ self._centroids
        features = np.stack([probability[r, j], nearest[r, j], centroid[r, j]], axis=-1)
        return self.intents[j], features.astype(np.float64)


def samples(vectors: np.ndarray, y: np.ndarray) -> Samples | None:
    """Cross-validated samples (see `_calibration`) of unit `vectors` of intents `y`."""

    def fit(train: np.ndarray) -> Scorer:
        head = Head.fit(vectors[train], y[train])
        return lambda rows: head.best(vectors[rows])

    return cross_validate(y, fit, len(FEATURES))


def _regression(X: np.ndarray, column: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Weights (dim x intents) and biases of a multinomial regression; zeros for one intent."""
    if k < 2:
        return np.zeros((X.shape[1], k)), np.zeros(k)
    # here, not at the top: a head restored from the cache never fits, nor pays for sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, max_iter=1000)
    with warnings.catch_warnings():
        # lbfgs stopping short of its tolerance still leaves a usable ranking
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, column)
    coef, intercept = model.coef_, model.intercept_
    if k == 2:  # a binary regression has one weight vector: the second intent's log-odds
        coef, intercept = np.vstack([-coef, coef]) / 2, np.r_[-intercept, intercept] / 2
    return coef.T, intercept
