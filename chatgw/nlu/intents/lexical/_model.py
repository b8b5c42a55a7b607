"""The lexical intent model: a linear classifier plus similarity to the examples themselves.

For every candidate intent of a message the model gives five evidence features:

    decision    the one-vs-rest linear SVM score of the intent (0 when it is the only one)
    margin      decision minus the best decision of any other intent (1 when it is the only one)
    nearest     cosine similarity to the closest example of the intent
    centroid    cosine similarity to the mean of the intent's examples
    known       the share of the message's content words found in some example, times the
                margin clipped to [0, 1]: words the operator used count as evidence only as far
                as they point at this intent rather than another

Both similarities leave function words out (`TermVectors.content`), so "the", "is" and "my"
never make a message look like an example.

The classifier ranks; the similarities say whether the message looks like anything the
operator wrote at all, which a classifier over a handful of intents cannot tell. Turning the
features into one confidence is the job of `_calibration`.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.svm import LinearSVC

__all__ = ["FEATURES", "LinearModel"]

FEATURES = ("decision", "margin", "nearest", "centroid", "known")
_SVM_C = 1.0
_SEED = 0
_CHUNK = 512  # rows per block when scoring many messages at once


class LinearModel:
    """Classifier weights, centroids and examples of the intents that have examples."""

    __slots__ = ("_columns", "_content", "_examples", "intents")

    def __init__(self, X: sp.csr_matrix, y: np.ndarray, content: np.ndarray) -> None:
        self.intents = np.unique(y)  # intent numbers, ascending; column j is intents[j]
        k = len(self.intents)
        column = np.searchsorted(self.intents, y)
        self._content = content
        similar = _content_rows(X, content)
        self._examples = [similar[column == j] for j in range(k)]
        weights, bias = _svm(X, column, k)
        # decision and centroid columns side by side: one gather scores both; the last row
        # is the bias (added to decisions, zero for centroids)
        self._columns = np.vstack(
            [np.hstack([weights, _centroids(similar, column, k)]), np.r_[bias, np.zeros(k)]]
        ).astype(np.float32)  # half the memory; scores need no more than 7 digits

    def top(
        self, idx: np.ndarray, val: np.ndarray, known: float, n: int
    ) -> list[tuple[int, np.ndarray]]:
        """The `n` intents with the best decision for one message vector, with their features."""
        k = len(self.intents)
        gathered = self._columns[idx]
        kept = val * self._content[idx]
        norm = np.sqrt(np.square(kept).sum())
        kept = kept / norm if norm else kept
        # einsum rather than a BLAS product: tiny, and a thread hand-off costs more than it saves
        decision = np.einsum("i,ij->j", val, gathered[:, :k]) + self._columns[-1, :k]
        centroid = np.einsum("i,ij->j", kept, gathered[:, k:])
        dense = np.zeros(self._columns.shape[0] - 1)
        dense[idx] = kept
        order = np.argsort(-decision, kind="stable")[:n]
        best = _best_two(decision)
        result = []
        for j in order:
            nearest = float((self._examples[j] @ dense).max())
            margin = _margin(decision, j, best)
            features = np.array(
                [decision[j], margin, nearest, centroid[j], _support(known, margin)],
                dtype=np.float64,
            )
            result.append((int(self.intents[j]), features))
        return result

    def best(self, X: sp.csr_matrix, known: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For many message vectors at once: the best intent of each and its features."""
        k = len(self.intents)
        winners, rows = [], []
        for start in range(0, X.shape[0], _CHUNK):
            block = X[start : start + _CHUNK]
            similar = _content_rows(block, self._content)
            decision = np.asarray(block @ self._columns[:-1, :k]) + self._columns[-1, :k]
            centroids = np.asarray(similar @ self._columns[:-1, k:])
            j = decision.argmax(axis=1)
            r = np.arange(len(j))
            others = decision.copy()
            others[r, j] = -np.inf
            margin = decision[r, j] - others.max(axis=1) if k > 1 else np.ones(len(j))
            nearest = np.zeros(len(j))
            for col in np.unique(j):
                mine = j == col
                sims = similar[mine] @ self._examples[col].T
                nearest[mine] = sims.max(axis=1).toarray().ravel()
            share = _support(known[start : start + _CHUNK], margin)
            winners.append(self.intents[j])
            rows.append(np.column_stack([decision[r, j], margin, nearest, centroids[r, j], share]))
        return np.concatenate(winners), np.vstack(rows)


def _svm(X: sp.csr_matrix, column: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """One-vs-rest linear SVM weights (features x intents) and biases; zeros for one intent."""
    if k < 2:
        return np.zeros((X.shape[1], k)), np.zeros(k)
    svm = LinearSVC(C=_SVM_C, dual=True, random_state=_SEED, max_iter=5000)
    with warnings.catch_warnings():
        # liblinear's "did not converge" still leaves a usable separator, and "more classes
        # than half the samples" is just what one example per intent looks like
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.filterwarnings("ignore", "The number of unique classes", UserWarning)
        svm.fit(X, column)
    coef, intercept = svm.coef_, svm.intercept_
    if k == 2:  # a binary SVM has one separator; the first intent is its negative side
        coef, intercept = np.vstack([-coef, coef]), np.r_[-intercept, intercept]
    return coef.T, intercept.astype(np.float64)


def _content_rows(X: sp.csr_matrix, content: np.ndarray) -> sp.csr_matrix:
    """`X` without its function-word features, each row scaled back to unit length."""
    kept = (X @ sp.diags(content.astype(np.float64))).tocsr()
    norms = np.sqrt(np.asarray(kept.multiply(kept).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return (sp.diags(1.0 / norms) @ kept).tocsr()


def _centroids(X: sp.csr_matrix, column: np.ndarray, k: int) -> np.ndarray:
    """The unit-length mean of each intent's examples, as columns (features x intents)."""
    counts = np.bincount(column, minlength=k)
    members = sp.csr_matrix(
        (1.0 / counts[column], (column, np.arange(len(column)))), shape=(k, len(column))
    )
    means = (members @ X).tocsr()
    norms = np.sqrt(np.asarray(means.multiply(means).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return (sp.diags(1.0 / norms) @ means).T.toarray()


def _support(known: np.ndarray | float, margin: np.ndarray | float) -> np.ndarray | float:
    return known * np.clip(margin, 0.0, 1.0)


def _best_two(decision: np.ndarray) -> tuple[float, float] | None:
    """The two best decisions, best first; None with one intent."""
    if len(decision) < 2:
        return None
    first, second = np.partition(decision, -2)[-2:][::-1]
    return first, second


def _margin(decision: np.ndarray, j: int, best: tuple[float, float] | None) -> float:
    if best is None:
        return 1.0
    first, second = best
    return float(decision[j] - (second if decision[j] >= first else first))
