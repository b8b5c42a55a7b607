"""What every intent engine returns, and how a ranking becomes a decision."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["CANDIDATES", "IntentEngine", "IntentMatch", "IntentScore", "decide"]

CANDIDATES = 3


@dataclass(frozen=True, slots=True)
class IntentScore:
    """One intent and how confident the engine is that the message asks for it."""

    name: str
    confidence: float


@dataclass(frozen=True, slots=True)
class IntentMatch:
    """The chosen intent (`None`: out of scope), its confidence, and the best candidates.

    When out of scope, `confidence` is that of the best candidate, which fell short.
    `candidates` holds at most three intents, highest confidence first. `threshold` is the
    confidence the engine required, so a caller can tell a near miss from a far one.
    `arguments` are slot values an engine proposes for `name` (the LLM engine's tool-call
    arguments): proposals only, checked like anything the customer types.
    """

    name: str | None
    confidence: float
    candidates: tuple[IntentScore, ...]
    threshold: float = 0.5
    arguments: Mapping[str, Any] = field(default_factory=dict)


class IntentEngine(Protocol):
    """Anything that can rank intents for a message."""

    def match(self, text: str) -> IntentMatch: ...


def decide(
    names: tuple[str, ...], scores: Mapping[int, tuple[float, float]], threshold: float
) -> IntentMatch:
    """The match of `scores` (intent -> confidence, the model's own before any rule).

    Ties in confidence go to the higher own confidence, then to the intent listed first.
    """
    ranked = sorted(scores.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    candidates = tuple(
        IntentScore(names[i], confidence) for i, (confidence, _) in ranked[:CANDIDATES]
    )
    if not candidates:
        return IntentMatch(name=None, confidence=0.0, candidates=(), threshold=threshold)
    best = candidates[0]
    chosen = best.name if best.confidence >= threshold else None
    return IntentMatch(name=chosen, confidence=best.confidence, candidates=candidates, threshold=threshold)
