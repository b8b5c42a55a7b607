"""Intent matching on CLINC150: in-scope accuracy, out-of-scope recall, speed.

    .venv/bin/python bench/nlu.py [--data PATH] [--shots 10] [--seed 0] [--settings full,few]

Two settings: all the training data (100 examples per intent), and `--shots` examples per
intent drawn with a fixed seed. The engine is built from the training examples only; it never
sees out-of-scope examples. For each setting:

* in-scope accuracy on `test`: the right intent and accepted (a rejected in-scope query is wrong);
* out-of-scope recall on `oos_test`: rejected (name None);
* at four thresholds: the engine's automatic one (from the examples alone), two tuned on `val`
  + `oos_val` only (balanced: the best mean of the two rates; recall>=50%: the lowest threshold
  rejecting at least half of `oos_val`), and none (closed-set accuracy, for reference);
* build time, and the time of `match()` per message: wall clock (mean, median, 95th
  percentile) and the CPU time of the calling thread (mean, 95th percentile), which leaves out
  time spent waiting for a core on a busy machine.

Published reference points are listed at the end of the output (see `REFERENCES`).

`--fit-prior` instead refits the calibration prior of the engine (`PRIOR` and `SIMILARITY_ONLY`
in `chatgw/nlu/_intent_calibration.py`) from small configs drawn from the training split (100
of 2-10 intents, 100 of two intents; 3-15 examples each), and prints the values to paste there.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chatgw.nlu.intents import build_intent_engine

DEFAULT_DATA = (
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "clinc150" / "data_full.json"
)

REFERENCES = """\
Published reference points (in-scope accuracy / out-of-scope recall on test, %; check the
papers before quoting):
  Larson et al. 2019, "An Evaluation Dataset for Intent Classification and Out-of-Scope
  Prediction", EMNLP-IJCNLP (arXiv:1909.02027), full data, oos-train (an extra "oos" class
  trained on oos_train): SVM 91.0/14.5, FastText 89.0/9.7, MLP 93.5/47.4, BERT 96.9/40.3.
  Ours never trains on out-of-scope data; the papers' few-shot systems (DNNC, ConvFiT, USE+
  ConveRT) use pretrained transformers or sentence encoders."""


@dataclass(frozen=True)
class Scored:
    texts: list[str]
    gold: list[str | None]  # None for out-of-scope rows
    best: list[str | None]  # the engine's top candidate
    confidence: np.ndarray
    chosen: list[str | None]  # the engine's own decision (automatic threshold)
    millis: list[float]
    cpu_millis: list[float]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--shots", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--settings", default="full,few", help="comma-separated: full, few")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--fit-prior", action="store_true", help="refit the calibration prior")
    args = parser.parse_args(argv)
    data = json.loads(args.data.read_text())
    if args.fit_prior:
        _fit_prior(data["train"], runs=100, seed=args.seed)
        return 0
    rows = []
    for setting in args.settings.split(","):
        examples = _examples(data["train"], None if setting == "full" else args.shots, args.seed)
        label = "full" if setting == "full" else f"{args.shots}-shot"
        rows.append(_run(label, examples, data))
    _print(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    print()
    print(REFERENCES)
    return 0


def _fit_prior(train: list[list[str]], runs: int, seed: int) -> None:
    """Print PRIOR (configs of 2-10 intents) and SIMILARITY_ONLY (fitted on the folds of
    two-intent configs, which train on one intent: what a single-intent engine is)."""
    from chatgw.nlu._intent_calibration import _best_threshold, fit_calibration

    rng = random.Random(seed)
    for label, smallest, largest, zeroed in (
        ("PRIOR", 2, 10, []),
        ("SIMILARITY_ONLY", 2, 2, [0, 1]),
    ):
        inside, right, outside = _simulate(train, rng, runs, smallest, largest)
        inside[:, zeroed], outside[:, zeroed] = 0.0, 0.0
        fitted = fit_calibration(inside, right, outside, prior=None)
        threshold = _best_threshold(fitted.confidence(inside), right, fitted.confidence(outside))
        weights = ", ".join(f"{w:.3g}" for w in fitted.weights)
        print(f"{label} = Calibration(weights=({weights}), bias={fitted.bias:.3g})")
        print(f"{label}_THRESHOLD = {threshold:.2f}")


def _simulate(
    train: list[list[str]], rng: random.Random, runs: int, smallest: int, largest: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pooled cross-validation samples of `runs` small configs drawn from `train`."""
    from chatgw.nlu._intent_calibration import _cross_validate
    from chatgw.nlu._intent_vectors import analyse

    by_intent: dict[str, list[str]] = defaultdict(list)
    for text, intent in train:
        by_intent[intent].append(text)
    names = sorted(by_intent)
    inside, right, outside = [], [], []
    for _ in range(runs):
        intents = rng.sample(names, rng.randint(smallest, largest))
        shots = rng.randint(3, 15)
        texts, labels = [], []
        for number, intent in enumerate(intents):
            for text in rng.sample(by_intent[intent], shots):
                texts.append(analyse(text))
                labels.append(number)
        samples = _cross_validate(texts, np.asarray(labels))
        if samples is not None:
            inside.append(samples[0])
            right.append(samples[1])
            outside.append(samples[2])
    return np.vstack(inside), np.concatenate(right), np.vstack(outside)


def _examples(train: list[list[str]], shots: int | None, seed: int) -> dict[str, list[str]]:
    by_intent: dict[str, list[str]] = defaultdict(list)
    for text, intent in train:
        by_intent[intent].append(text)
    if shots is None:
        return dict(by_intent)
    rng = random.Random(seed)
    return {intent: rng.sample(by_intent[intent], shots) for intent in sorted(by_intent)}


def _run(label: str, examples: dict[str, list[str]], data: dict) -> dict:
    started = time.perf_counter()
    engine = build_intent_engine(examples)
    build = time.perf_counter() - started
    scored = {name: _score(engine, data[name]) for name in ("val", "oos_val", "test", "oos_test")}
    balanced = _tune(scored["val"], scored["oos_val"], recall=None)
    at_recall = _tune(scored["val"], scored["oos_val"], recall=0.5)
    test, oos = scored["test"], scored["oos_test"]
    millis = test.millis + oos.millis
    cpu = test.cpu_millis + oos.cpu_millis
    auto_in = np.mean([c == g for c, g in zip(test.chosen, test.gold)])
    auto_oos = np.mean([c is None for c in oos.chosen])
    return {
        "setting": label,
        "examples": sum(len(v) for v in examples.values()),
        "build_s": round(build, 2),
        "auto": [_pct(auto_in), _pct(auto_oos)],
        "balanced": [*_rates(test, oos, balanced), round(balanced, 3)],
        "recall50": [*_rates(test, oos, at_recall), round(at_recall, 3)],
        "closed_set": _pct(np.mean([b == g for b, g in zip(test.best, test.gold)])),
        "ms_mean": round(statistics.fmean(millis), 3),
        "ms_p50": round(float(np.percentile(millis, 50)), 3),
        "ms_p95": round(float(np.percentile(millis, 95)), 3),
        "cpu_ms_mean": round(statistics.fmean(cpu), 3),
        "cpu_ms_p95": round(float(np.percentile(cpu, 95)), 3),
    }


def _score(engine, rows: list[list[str]]) -> Scored:
    best, confidence, chosen, millis, cpu = [], [], [], [], []
    for text, _ in rows:
        started, started_cpu = time.perf_counter(), time.thread_time()
        match = engine.match(text)
        millis.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        top = match.candidates[0] if match.candidates else None
        best.append(top.name if top else None)
        confidence.append(top.confidence if top else 0.0)
        chosen.append(match.name)
    gold = [None if intent == "oos" else intent for _, intent in rows]
    return Scored([t for t, _ in rows], gold, best, np.asarray(confidence), chosen, millis, cpu)


def _rates(inside: Scored, outside: Scored, threshold: float) -> tuple[float, float]:
    right = np.array([b == g for b, g in zip(inside.best, inside.gold)])
    accuracy = np.mean(right & (inside.confidence >= threshold))
    recall = np.mean(outside.confidence < threshold)
    return _pct(accuracy), _pct(recall)


def _tune(inside: Scored, outside: Scored, recall: float | None) -> float:
    grid = np.unique(np.concatenate([[0.0, 1.0], inside.confidence, outside.confidence]))
    if recall is not None:
        for threshold in grid:
            if np.mean(outside.confidence < threshold) >= recall:
                return float(threshold)
        return 1.0
    return float(max(grid, key=lambda t: sum(_rates(inside, outside, t))))


def _pct(x: float) -> float:
    return round(100 * float(x), 1)


def _print(rows: list[dict]) -> None:
    print(
        "CLINC150 (150 intents), built-in lexical engine. "
        "In-scope accuracy / out-of-scope recall on test, %"
    )
    header = (
        f"{'setting':<8} {'examples':>8} {'build s':>7}  {'auto thr':>11}  "
        f"{'tuned: balanced':>22}  {'tuned: oos rec>=50%':>22}  {'no thr':>6}  "
        f"{'ms mean/p50/p95':>16}  {'cpu ms mean/p95':>15}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        auto = f"{r['auto'][0]:.1f}/{r['auto'][1]:.1f}"
        bal = f"{r['balanced'][0]:.1f}/{r['balanced'][1]:.1f} (t={r['balanced'][2]:.2f})"
        rec = f"{r['recall50'][0]:.1f}/{r['recall50'][1]:.1f} (t={r['recall50'][2]:.2f})"
        wall = f"{r['ms_mean']:.2f}/{r['ms_p50']:.2f}/{r['ms_p95']:.2f}"
        cpu = f"{r['cpu_ms_mean']:.2f}/{r['cpu_ms_p95']:.2f}"
        print(
            f"{r['setting']:<8} {r['examples']:>8} {r['build_s']:>7.1f}  {auto:>11}  "
            f"{bal:>22}  {rec:>22}  {r['closed_set']:>6.1f}  {wall:>16}  {cpu:>15}"
        )


if __name__ == "__main__":
    raise SystemExit(main())
