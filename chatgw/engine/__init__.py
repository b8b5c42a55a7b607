"""The conversation turn: understand -> fill slots -> confirm -> run -> reply."""

from chatgw.engine.engine import Engine
from chatgw.engine.journal import Journal, RunStart, RunStatus
from chatgw.engine.state import ConversationState
from chatgw.engine.turn import ActionRun, Candidate, Turn, TurnResult

__all__ = [
    "ActionRun",
    "Candidate",
    "ConversationState",
    "Engine",
    "Journal",
    "RunStart",
    "RunStatus",
    "Turn",
    "TurnResult",
]
