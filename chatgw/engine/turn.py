"""What one turn produced: the turn object of DESIGN.md section 3, and the events for the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Mapping

from chatgw.engine.state import ConversationState

if TYPE_CHECKING:  # approval builds ActionRuns: a runtime import would be a cycle
    from chatgw.engine.approval import Parked

ConversationOutcome = Literal["resolved", "failed", "handoff", "cancelled", "out_of_scope"]


@dataclass(frozen=True, slots=True)
class Candidate:
    name: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Turn:
    """The turn object: what was understood, collected, sent and said."""

    conversation_id: str
    intent: str | None  # None: out of scope (or nothing to understand)
    confidence: float
    candidates: tuple[Candidate, ...] = ()
    slots: Mapping[str, Any] = field(default_factory=dict)
    state: str = "idle"
    request: Mapping[str, Any] | None = None  # preview of the request sent or to be sent
    replies: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    handoff: bool = False
    choices: tuple[str, ...] = ()  # buttons for the last reply; sending one's text picks it

    def as_dict(self) -> dict[str, Any]:
        """Exactly the JSON turn object of DESIGN.md section 3."""
        return {
            "conversation_id": self.conversation_id,
            "intent": {"name": self.intent, "confidence": _round(self.confidence)},
            "candidates": [
                {"name": c.name, "confidence": _round(c.confidence)} for c in self.candidates
            ],
            "slots": dict(self.slots),
            "state": self.state,
            "request": None if self.request is None else dict(self.request),
            "replies": list(self.replies),
            "tags": list(self.tags),
            "handoff": self.handoff,
            "choices": list(self.choices),
        }


@dataclass(frozen=True, slots=True)
class ActionRun:
    """One action run during the turn, for the store and the insights."""

    action: str
    operation: str | None  # operationId (or `METHOD /path`); None for `answer:` actions
    outcome: str  # ok | failed | invalid | unreachable | handoff | changed | unknown | rejected | withdrawn
    status: int | None = None
    latency_ms: float | None = None
    request: Mapping[str, Any] | None = None  # redacted preview of the last request
    error: str | None = None
    # the last answer: {"status", "headers" (redacted), "body"}; None when nothing answered
    response: Mapping[str, Any] | None = None
    run_key: str | None = None  # names the run (runtime.keys.run_key)
    idempotency_key: str | None = None  # of the last state-changing request
    journaled: bool = False  # already written ahead to the store under `run_key`


@dataclass(frozen=True, slots=True)
class TurnResult:
    """Everything a turn produced: the state to store, the turn object and the events."""

    state: ConversationState
    turn: Turn
    runs: tuple[ActionRun, ...] = ()
    handoff_reason: str | None = None  # set on the turn that handed over
    outcome: ConversationOutcome | None = None  # set when the conversation reached one
    parked: Parked | None = None  # the confirmed run now waiting for a teammate's approval
    withdrawn: bool = False  # the customer cancelled the run waiting for approval (the server withdraws it)
    nlu_fallback: str | None = None  # why the LLM engine failed this turn (the fallback read it)


def _round(confidence: float) -> float:
    return round(float(confidence), 3)
