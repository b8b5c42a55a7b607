"""Intent matching: which action a customer's message asks for, or that it asks for none.

`build_intent_engine` compiles the operators' `intent.examples` (plus optional keywords and
regex patterns) into an engine whose `match` ranks the actions for a message with confidences
in [0, 1]. A message whose best confidence is below the threshold is out of scope: the bot must
never run an action on a guess.

Two engines, both learning their calibration and threshold from the examples alone
(`_calibration`), both honouring keywords and patterns the same way (`_rules`):

* `builtin` (`lexical/`): TF-IDF of words and character n-grams, a linear SVM and
  similarities; numpy, scipy and scikit-learn only.
* `embeddings` (`embeddings/`): a pretrained sentence encoder run with onnxruntime (the
  packaged all-MiniLM-L6-v2, or a model folder of your own), a logistic-regression head and
  similarities. Its packages are imported only when it is built.

Anything else that ranks intents only has to satisfy `IntentEngine`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from chatgw.nlu.intents._match import IntentEngine, IntentMatch, IntentScore
from chatgw.nlu.intents._rules import Rules
from chatgw.nlu.intents._spelling import SpelledEngine, Speller

__all__ = ["ENGINES", "IntentEngine", "IntentMatch", "IntentScore", "build_intent_engine"]

ENGINES = ("builtin", "embeddings")


def build_intent_engine(
    examples: Mapping[str, Sequence[str]],
    *,
    keywords: Mapping[str, Sequence[str]] | None = None,
    patterns: Mapping[str, Sequence[str]] | None = None,
    threshold: float | None = None,
    engine: str = "builtin",
    model: Path | None = None,
    cache_dir: Path | None = None,
) -> IntentEngine:
    """Compile intent examples, keywords and patterns into an intent engine.

    `engine` is one of `ENGINES`. For `embeddings`, `model` is a folder holding `model.onnx`
    and `tokenizer.json` (None: the packaged all-MiniLM-L6-v2), and the example vectors and
    the trained head are cached in `cache_dir` (None: `$XDG_CACHE_HOME/chatgw`).

    `keywords` are words or phrases that strongly suggest an intent: each one present (matched
    on whole, stemmed words) adds evidence of weight 0.6, and any keyword lifts its intent to at
    least the threshold. `patterns` are regular expressions (case-insensitive, searched in the
    message): one that matches puts its intent above 0.99. Intents may have keywords or patterns
    and no examples.

    `threshold` None means automatic: cross-validation on the examples, holding out examples
    within each intent as in-scope messages and whole intents as out-of-scope ones, fits both
    the confidence calibration and the threshold that maximises in-scope accuracy plus half the
    out-of-scope recall (see `chatgw.nlu.intents._calibration`). With fewer than two intents
    that have examples there is nothing to hold out, and a fixed similarity-only calibration
    and threshold are used.

    Raises ValueError for an unknown engine, a threshold outside [0, 1] or a pattern that is
    not a valid regex; ConfigError when the embeddings engine's packages or model files are
    missing or its model file does not have the recorded sha256.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
    keywords = keywords or {}
    patterns = patterns or {}
    names = tuple(dict.fromkeys([*examples, *keywords, *patterns]))
    number = {name: i for i, name in enumerate(names)}
    rules = Rules(number, keywords, patterns)
    texts, labels = [], []
    for name, phrases in examples.items():
        for phrase in dict.fromkeys(p.strip() for p in phrases):
            if phrase:
                texts.append(phrase)
                labels.append(number[name])
    fixed = None if threshold is None else float(threshold)
    built: IntentEngine
    if engine == "embeddings":
        from chatgw.nlu.intents.embeddings import build_embedding_engine

        built = build_embedding_engine(
            names, texts, labels, rules, fixed, model=model, cache_dir=cache_dir
        )
    else:
        from chatgw.nlu.intents.lexical import build_lexical_engine

        built = build_lexical_engine(names, texts, labels, rules, fixed)
    return SpelledEngine(built, Speller([*texts, *(k for ks in keywords.values() for k in ks)]))
