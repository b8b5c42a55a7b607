"""From evidence features to a confidence, and the automatic out-of-scope threshold.

Shared by the engines: each one describes its best intent for a message by a few evidence
features (similarities, a classifier's score), all of them "more is more confident", and this
module learns from the examples alone how to turn them into a confidence, by a cross-validation
that simulates both kinds of message a bot meets:

* in-scope: examples held out of training (k-fold within each intent);
* out-of-scope: every example of intents held out of training altogether (the intents are
  split into k groups and fold f trains without group f), i.e. requests about something the
  operator never configured, phrased by the same people.

Fold f fits the engine's model on the rest, exactly as the engine does on all the examples
(`cross_validate` calls the engine's own `fit`), and scores both.

The calibrator is a logistic regression from the features of the best intent to "this is the
right intent and the message is in scope", with the in-scope and out-of-scope sides weighted
equally. Its weights are kept non-negative (more evidence never lowers confidence) and drawn
towards the engine's `Prior`, the calibration of a typical small config (fitted once by this
procedure on configs drawn from CLINC150's training split, `bench/nlu.py --fit-prior`), by a
Gaussian prior against a data term where each sample weighs about one: two intents with three
examples each cannot say much about themselves and get nearly the prior; a few hundred
examples mostly speak for themselves.

The automatic threshold is the confidence that maximises, over the same folds, in-scope
accuracy (accepted and right) plus half the out-of-scope recall (rejected): the middle of the
best plateau. Half, because held-out intents are close neighbours of the configured ones, so
the simulated out-of-scope side is harder than most real traffic; with equal weights the
lexical engine's threshold refused a third of in-scope requests on CLINC150 (validation
split), with half it sits near the best balanced threshold tuned there. It too is drawn
towards the prior's threshold when there are few samples, and kept within [0.05, 0.95].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Calibration",
    "Prior",
    "Samples",
    "Scorer",
    "best_threshold",
    "calibrate",
    "cross_validate",
    "fit_calibration",
]

_FOLDS = 5
_LARGE = 3000  # examples beyond which two folds give enough samples
_SEED = 0
_THRESHOLD_RANGE = (0.05, 0.95)
_OOS_WEIGHT = 0.5  # of out-of-scope recall against in-scope accuracy, choosing the threshold
_PRIOR_STRENGTH = 2.0  # the Gaussian prior's precision on each weight and the bias
_PRIOR_SAMPLES = 30  # what the prior threshold is worth, in samples of each side


@dataclass(frozen=True, slots=True)
class Calibration:
    """A logistic map from an engine's evidence features to [0, 1]."""

    weights: tuple[float, ...]
    bias: float

    def confidence(self, features: np.ndarray) -> np.ndarray:
        """The confidence of each row of features (or of one feature vector)."""
        z = features @ np.asarray(self.weights) + self.bias
        return np.exp(-np.logaddexp(0.0, -z))  # the logistic function, finite for any z


@dataclass(frozen=True, slots=True)
class Prior:
    """What an engine assumes before it sees a config: a calibration and its threshold.

    `single` is used when only one intent has examples: there is no classifier and nothing to
    hold out, so it looks at the similarity features only (fitted on the folds of two-intent
    configs, each of which trains on one intent).
    """

    calibration: Calibration
    threshold: float
    single: Calibration
    single_threshold: float


Samples = tuple[np.ndarray, np.ndarray, np.ndarray]
"""Cross-validated features of held-out in-scope examples, whether their best intent was
right, and features of held-out intents' examples (out of scope)."""

Scorer = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
"""Rows (a boolean mask over the examples) -> the best intent of each and its features."""


def calibrate(samples: Samples | None, prior: Prior) -> tuple[Calibration, float]:
    """The calibration and the automatic threshold from cross-validated `samples`."""
    if samples is None:
        return prior.single, prior.single_threshold
    inside, right, outside = samples
    if not right.any() or len(outside) == 0:
        return prior.calibration, prior.threshold
    calibration = fit_calibration(inside, right, outside, prior=prior.calibration)
    threshold = best_threshold(
        calibration.confidence(inside), right, calibration.confidence(outside)
    )
    seen = min(len(inside), len(outside))
    threshold = (seen * threshold + _PRIOR_SAMPLES * prior.threshold) / (seen + _PRIOR_SAMPLES)
    return calibration, float(np.clip(threshold, *_THRESHOLD_RANGE))


def cross_validate(
    y: np.ndarray, fit: Callable[[np.ndarray], Scorer], features: int
) -> Samples | None:
    """Samples of intents `y`, where `fit(train)` trains on the rows of a boolean mask.

    None when fewer than two intents have examples: nothing can be held out.
    """
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
        score = fit(train)
        if held.any():
            best, found = score(held)
            inside.append(found)
            right.append(best == y[held])
        if unseen.any():
            outside.append(score(unseen)[1])
    if not inside:
        return None
    return (
        np.vstack(inside),
        np.concatenate(right),
        np.vstack(outside) if outside else np.empty((0, features)),
    )


def fit_calibration(
    inside: np.ndarray, right: np.ndarray, outside: np.ndarray, prior: Calibration | None
) -> Calibration:
    """The logistic calibration of the samples, with non-negative weights, drawn to `prior`."""
    from scipy.optimize import minimize  # here: a cached engine never fits, nor pays for it

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
        p = np.exp(-np.logaddexp(0.0, -z))
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


def best_threshold(inside: np.ndarray, right: np.ndarray, outside: np.ndarray) -> float:
    """The confidence maximising in-scope accuracy plus half the out-of-scope recall."""
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
