"""Intent matching on CLINC150: in-scope accuracy, out-of-scope recall, speed, every engine.

    .venv/bin/python bench/nlu.py [--data PATH] [--shots 10] [--seed 0] [--settings full,few]
                                  [--engines builtin,embeddings] [--json PATH]

Two settings: all the training data (100 examples per intent), and `--shots` examples per
intent drawn with a fixed seed. Each engine is built from the training examples only; it never
sees out-of-scope examples. For each engine and setting:

* in-scope accuracy on `test`: the right intent and accepted (a rejected in-scope query is wrong);
* out-of-scope recall on `oos_test`: rejected (name None);
* at four thresholds: the engine's automatic one (from the examples alone), two tuned on `val`
  + `oos_val` only (balanced: the best mean of the two rates; recall>=50%: the lowest threshold
  rejecting at least half of `oos_val`), and none (closed-set accuracy, for reference);
* and one point of the test curve, for reference only (nothing is chosen by it): in-scope
  accuracy where the threshold rejects half of `oos_test`. `oos_val` has 100 messages, so a
  threshold tuned on it can land far from 50% on the 1,000 of `oos_test`;
* build time with an empty cache (for embeddings: loading the model, embedding the examples,
  fitting and calibrating the head), load time (building again, from the cache: what `serve`
  pays at start-up), and the time of `match()` per message: wall clock (mean, median, 95th
  percentile) and the CPU time of the calling thread (mean, 95th percentile), which leaves out
  time spent waiting for a core on a busy machine (onnxruntime's own threads are not counted
  in it, so for embeddings the wall clock is the figure to read).

Published reference points are listed at the end of the output (see `REFERENCES`).

`--fit-prior` instead refits each engine's calibration prior (`PRIOR` in
`chatgw/nlu/intents/lexical/_calibration.py` and `chatgw/nlu/intents/embeddings/__init__.py`)
from small configs drawn from the training split (100 of 2-10 intents, 100 of two intents;
3-15 examples each), and prints the values to paste there.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import platform
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chatgw.nlu.intents import ENGINES, build_intent_engine

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
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated engines")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--fit-prior", action="store_true", help="refit the calibration prior")
    args = parser.parse_args(argv)
    data = json.loads(args.data.read_text())
    engines = args.engines.split(",")
    if args.fit_prior:
        for engine in engines:
            _fit_prior(engine, data["train"], runs=100, seed=args.seed)
        return 0
    rows = []
    for engine in engines:
        for setting in args.settings.split(","):
            shots = None if setting == "full" else args.shots
            examples = _examples(data["train"], shots, args.seed)
            label = "full" if setting == "full" else f"{args.shots}-shot"
            rows.append(_run(engine, label, examples, data))
            print(_line(rows[-1]), file=sys.stderr, flush=True)
    _print(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    print()
    print(REFERENCES)
    return 0


def _fit_prior(engine: str, train: list[list[str]], runs: int, seed: int) -> None:
    """Print an engine's PRIOR: the calibration of configs of 2-10 intents, and the `single`
    one, fitted on the folds of two-intent configs (which train on one intent: what a
    single-intent engine is) with the classifier's features zeroed."""
    from chatgw.nlu.intents._calibration import best_threshold, fit_calibration

    samples = _sampler(engine, train)
    zeroed_features = [0, 1] if engine == "builtin" else [0]
    print(f"{engine}:")
    rng = random.Random(seed)
    fitted = {}
    for label, smallest, largest, zeroed in (
        ("calibration", 2, 10, []),
        ("single", 2, 2, zeroed_features),
    ):
        inside, right, outside = _simulate(samples, train, rng, runs, smallest, largest)
        inside[:, zeroed], outside[:, zeroed] = 0.0, 0.0
        calibration = fit_calibration(inside, right, outside, prior=None)
        threshold = best_threshold(
            calibration.confidence(inside), right, calibration.confidence(outside)
        )
        fitted[label] = (calibration, threshold)
    (calibration, threshold), (single, single_threshold) = fitted["calibration"], fitted["single"]
    print("PRIOR = Prior(")
    print(f"    calibration={_calibration(calibration)},")
    print(f"    threshold={threshold:.2f},")
    print(f"    single={_calibration(single)},")
    print(f"    single_threshold={single_threshold:.2f},")
    print(")")


def _calibration(calibration) -> str:
    weights = ", ".join(f"{w:.3g}" for w in calibration.weights)
    return f"Calibration(weights=({weights}), bias={calibration.bias:.3g})"


def _sampler(engine: str, train: list[list[str]]):
    """texts, labels -> the engine's cross-validated calibration samples."""
    if engine == "builtin":
        from chatgw.nlu.intents.lexical._calibration import samples as lexical_samples
        from chatgw.nlu.intents.lexical._vectors import analyse

        return lambda texts, labels: lexical_samples([analyse(t) for t in texts], labels)
    from chatgw.nlu.intents.embeddings._encoder import load_encoder, model_files
    from chatgw.nlu.intents.embeddings._head import samples as embedding_samples

    encoder = load_encoder(model_files(None))
    texts = sorted({text for text, _ in train})
    row = {text: i for i, text in enumerate(texts)}
    vectors = encoder.encode(texts)
    return lambda texts, labels: embedding_samples(
        vectors[[row[t] for t in texts]], labels
    )


def _simulate(
    samples, train: list[list[str]], rng: random.Random, runs: int, smallest: int, largest: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pooled cross-validation samples of `runs` small configs drawn from `train`."""
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
                texts.append(text)
                labels.append(number)
        found = samples(texts, np.asarray(labels))
        if found is not None:
            inside.append(found[0])
            right.append(found[1])
            outside.append(found[2])
    return np.vstack(inside), np.concatenate(right), np.vstack(outside)


def _examples(train: list[list[str]], shots: int | None, seed: int) -> dict[str, list[str]]:
    by_intent: dict[str, list[str]] = defaultdict(list)
    for text, intent in train:
        by_intent[intent].append(text)
    if shots is None:
        return dict(by_intent)
    rng = random.Random(seed)
    return {intent: rng.sample(by_intent[intent], shots) for intent in sorted(by_intent)}


def _run(engine_name: str, label: str, examples: dict[str, list[str]], data: dict) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-nlu-") as cache:
        started = time.perf_counter()
        engine = build_intent_engine(examples, engine=engine_name, cache_dir=Path(cache))
        build = time.perf_counter() - started
        started = time.perf_counter()
        engine = build_intent_engine(examples, engine=engine_name, cache_dir=Path(cache))
        load = time.perf_counter() - started
    scored = {name: _score(engine, data[name]) for name in ("val", "oos_val", "test", "oos_test")}
    balanced = _tune(scored["val"], scored["oos_val"], recall=None)
    at_recall = _tune(scored["val"], scored["oos_val"], recall=0.5)
    test, oos = scored["test"], scored["oos_test"]
    millis = test.millis + oos.millis
    cpu = test.cpu_millis + oos.cpu_millis
    auto_in = np.mean([c == g for c, g in zip(test.chosen, test.gold)])
    auto_oos = np.mean([c is None for c in oos.chosen])
    return {
        "engine": engine_name,
        "setting": label,
        "examples": sum(len(v) for v in examples.values()),
        "build_s": round(build, 2),
        "load_s": round(load, 2),
        "auto": [_pct(auto_in), _pct(auto_oos)],
        "balanced": [*_rates(test, oos, balanced), round(balanced, 3)],
        "recall50": [*_rates(test, oos, at_recall), round(at_recall, 3)],
        "curve50": [*_rates(test, oos, _tune(test, oos, recall=0.5))],
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
        f"CLINC150 (150 intents). In-scope accuracy / out-of-scope recall on test, %. "
        f"{platform.machine()}, {os.cpu_count()} cores, {platform.processor() or _cpu()}"
    )
    print(_HEADER)
    print("-" * len(_HEADER))
    for r in rows:
        print(_line(r))


_HEADER = (
    f"{'engine':<10} {'setting':<8} {'examples':>8} {'build s':>7} {'load s':>6}  "
    f"{'auto thr':>11}  {'tuned: balanced':>22}  {'tuned: oos rec>=50%':>22}  "
    f"{'test@50%':>9}  {'no thr':>6}  "
    f"{'ms mean/p50/p95':>16}  {'cpu ms mean/p95':>15}"
)


def _line(r: dict) -> str:
    auto = f"{r['auto'][0]:.1f}/{r['auto'][1]:.1f}"
    bal = f"{r['balanced'][0]:.1f}/{r['balanced'][1]:.1f} (t={r['balanced'][2]:.2f})"
    rec = f"{r['recall50'][0]:.1f}/{r['recall50'][1]:.1f} (t={r['recall50'][2]:.2f})"
    wall = f"{r['ms_mean']:.2f}/{r['ms_p50']:.2f}/{r['ms_p95']:.2f}"
    cpu = f"{r['cpu_ms_mean']:.2f}/{r['cpu_ms_p95']:.2f}"
    return (
        f"{r['engine']:<10} {r['setting']:<8} {r['examples']:>8} {r['build_s']:>7.1f} "
        f"{r['load_s']:>6.2f}  {auto:>11}  {bal:>22}  {rec:>22}  "
        f"{r['curve50'][0]:>4.1f}/{r['curve50'][1]:.0f}  {r['closed_set']:>6.1f}  "
        f"{wall:>16}  {cpu:>15}"
    )


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


if __name__ == "__main__":
    raise SystemExit(main())
