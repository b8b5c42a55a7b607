"""From evidence features to a confidence, and the automatic out-of-scope threshold.

Both are learned from the examples alone, by a cross-validation that simulates both kinds of
message a bot meets:

* in-scope: examples held out of training (k-fold within each intent);
* out-of-scope: every example of intents held out of training altogether (the intents are
  split into k groups and fold f trains without group f), i.e. requests about something the
  operator never configured, phrased by the same people.

Fold f fits the vocabulary and a model on the rest, exactly as the engine does on all the
examples, and scores both.

The calibrator is a logistic regression from the features of the best intent to "this is the
right intent and the message is in scope", with the in-scope and out-of-scope sides weighted
equally. Its weights are kept non-negative (more evidence never lowers confidence) and drawn
towards `PRIOR`, the calibration of a typical small config (fitted once by this procedure on
configs drawn from CLINC150), by a Gaussian prior against a data term where each sample weighs
about one: two intents with three examples each cannot say much about themselves and get
nearly the prior; a few hundred examples mostly speak for themselves.

The automatic threshold is the confidence that maximises, over the same folds, in-scope
accuracy (accepted and right) plus half the out-of-scope recall (rejected): the middle of the
best plateau. Half, because held-out intents are close neighbours of the configured ones, so
the simulated out-of-scope side is harder than most real traffic; with equal weights the
threshold refused a third of in-scope requests on CLINC150 (validation split), with half it
sits near the best balanced threshold tuned there. It too is drawn towards the prior's
threshold when there are few samples, and kept within [0.05, 0.95].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

from chatgw.nlu._intent_model import FEATURES, LinearModel
from chatgw.nlu._intent_vectors import Terms, TermVectors

__all__ = ["PRIOR", "PRIOR_THRESHOLD", "Calibration", "calibrate", "fit_calibration"]

_FOLDS = 5
_LARGE = 3000  # examples beyond which two folds give enough samples
_SEED = 0
_THRESHOLD_RANGE = (0.05, 0.95)
_OOS_WEIGHT = 0.5  # of out-of-scope recall against in-scope accuracy, choosing the threshold


@dataclass(frozen=True, slots=True)
class Calibration:
    """A logistic map from the evidence features (see `_intent_model.FEATURES`) to [0, 1]."""

    weights: tuple[float, ...]
    bias: float

    def confidence(self, features: np.ndarray) -> np.ndarray:
        """The confidence of each row of features (or of one feature vector)."""
        return expit(features @ np.asarray(self.weights) + self.bias)


# Fitted by this procedure, without a prior, on the pooled folds of 100 small configs drawn
# from CLINC150's training split (2-10 intents, 3-15 examples each), by
# `bench/nlu.py --fit-prior`. Used as is when no held-out example was predicted right.
PRIOR = Calibration(weights=(3.01, 0.822, 0.645, 0.866, 5.26), bias=-2.35)
PRIOR_THRESHOLD = 0.27
# For a single intent there is no classifier and nothing to hold out: similarity and known
# share only, fitted the same way on the folds of two-intent configs (each trains on one).
SIMILARITY_ONLY = Calibration(weights=(0.0, 0.0, 1.88, 7.6, 4.85), bias=-3.94)
SIMILARITY_ONLY_THRESHOLD = 0.38
_PRIOR_STRENGTH = 2.0  # the Gaussian prior's precision on each weight and the bias
_PRIOR_SAMPLES = 30  # what the prior threshold is worth, in samples of each side


def calibrate(texts: Sequence[Terms], y: np.ndarray) -> tuple[Calibration, float]:
    """The calibration and the automatic threshold for analysed examples `texts` of intents `y`."""
    samples = _cross_validate(texts, y)
    if samples is None:
        return SIMILARITY_ONLY, SIMILARITY_ONLY_THRESHOLD
    inside, right, outside = samples
    if not right.any() or len(outside) == 0:
        return PRIOR, PRIOR_THRESHOLD
    calibration = fit_calibration(inside, right, outside, prior=PRIOR)
    threshold = _best_threshold(
        calibration.confidence(inside), right, calibration.confidence(outside)
    )
    seen = min(len(inside), len(outside))
    threshold = (seen * threshold + _PRIOR_SAMPLES * PRIOR_THRESHOLD) / (seen + _PRIOR_SAMPLES)
    return calibration, float(np.clip(threshold, *_THRESHOLD_RANGE))


def _cross_validate(
    texts: Sequence[Terms], y: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    intents = np.unique(y)
    if len(intents) < 2:
        return None
    folds = min(_FOLDS, len(intents))
    rng = np.random.default_rng(_SEED)
    group = dict(zip(rng.permutation(intents).tolist(), np.arange(len(intents)) % folds))
    held_group = np.array([group[int(label)] for label in y])
    held_row = np.empty(len(y), dtype=np.int64)
    for intent in intents:
        rows = np.flatnonzero(y == intent)
        held_row[rng.permutation(rows)] = np.arange(len(rows)) % folds
    used = folds if len(y) <= _LARGE else 2
    inside, right, outside = [], [], []
    for fold in range(used):
        unseen = held_group == fold
        held = (held_row == fold) & ~unseen
        train = ~unseen & ~held
        if not train.any():
            continue
        vectors = TermVectors([texts[i] for i in np.flatnonzero(train)])
        X, known = vectors.matrix(texts)
        model = LinearModel(X[train], y[train], vectors.content)
        if held.any():
            best, features = model.best(X[held], known[held])
            inside.append(features)
            right.append(best == y[held])
        if unseen.any():
            outside.append(model.best(X[unseen], known[unseen])[1])
    if not inside:
        return None
    empty = np.empty((0, len(FEATURES)))
    return (
        np.vstack(inside),
        np.concatenate(right),
        np.vstack(outside) if outside else empty,
    )


def fit_calibration(
    inside: np.ndarray, right: np.ndarray, outside: np.ndarray, prior: Calibration | None
) -> Calibration:
    """The logistic calibration of the samples, with non-negative weights, drawn to `prior`."""
    features = np.vstack([inside, outside])
    target = np.concatenate([right, np.zeros(len(outside), dtype=bool)]).astype(np.float64)
    weight = np.concatenate(
        [np.full(len(inside), 0.5 / len(inside)), np.full(len(outside), 0.5 / len(outside))]
    ) * len(features)
    size = features.shape[1]
    if prior is None:
        centre, strength = np.zeros(size + 1), 0.0
    else:
        centre, strength = np.r_[prior.weights, prior.bias], _PRIOR_STRENGTH

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        z = features @ params[:size] + params[size]
        p = expit(z)
        # log(1 + e^z) - t z, written to stay finite for large |z|
        nll = weight @ (np.logaddexp(0.0, z) - target * z)
        residual = weight * (p - target)
        grad = np.concatenate([features.T @ residual, [residual.sum()]])
        drift = params - centre
        grad += strength * drift
        return float(nll + strength / 2 * drift @ drift), grad

    bounds = [(0.0, None)] * size + [(None, None)]
    result = minimize(loss, centre, jac=True, method="L-BFGS-B", bounds=bounds)
    return Calibration(weights=tuple(float(w) for w in result.x[:size]), bias=float(result.x[size]))


def _best_threshold(inside: np.ndarray, right: np.ndarray, outside: np.ndarray) -> float:
    values = np.unique(np.concatenate([inside, outside]))
    cuts = np.concatenate([[0.0], (values[:-1] + values[1:]) / 2, [1.0]])
    accepted = np.sort(inside[right])
    refused = np.sort(outside)
    accepted_right = (len(accepted) - np.searchsorted(accepted, cuts)) / len(inside)
    rejected = np.searchsorted(refused, cuts) / len(outside)
    score = accepted_right + _OOS_WEIGHT * rejected
    best = np.flatnonzero(score >= score.max() - 1e-12)
    gaps = np.flatnonzero(np.diff(best) > 1)
    run = best[: gaps[0] + 1] if len(gaps) else best  # the first plateau of best scores
    return float((cuts[run[0]] + cuts[run[-1]]) / 2)
