"""Plain records in and out of the store; the store never sees engine or config types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping


@dataclass(frozen=True, slots=True)
class Conversation:
    id: str
    subject: str | None
    claims: Mapping[str, Any]
    state: Mapping[str, Any]
    status: str
    outcome: str | None
    handed_off: bool
    version: int
    created_at: float
    updated_at: float


@dataclass(frozen=True, slots=True)
class Message:
    id: int
    role: str  # customer | bot | agent
    text: str
    at: float
    author: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"role": self.role, "text": self.text, "at": self.at}
        if self.author is not None:
            data["author"] = self.author
        return data


@dataclass(frozen=True, slots=True)
class TurnStart:
    """A conversation leased for one turn, as it was read under the lease."""

    lease: float
    conversation: Conversation
    agent_messages: tuple[Message, ...]  # messages the customer has not been shown yet (agent, or bot after a decision)


@dataclass(frozen=True, slots=True)
class RunRecord:
    action: str
    operation: str | None
    outcome: str
    status: int | None = None
    latency_ms: float | None = None
    request: Mapping[str, Any] | None = None  # redacted preview
    error: str | None = None
    at: float = 0.0
    run_key: str | None = None
    idempotency_key: str | None = None
    journaled: bool = False  # written ahead under run_key: the turn completes that row

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "operation": self.operation,
            "outcome": self.outcome,
            "status": self.status,
            "latency_ms": self.latency_ms,
            "request": None if self.request is None else dict(self.request),
            "idempotency_key": self.idempotency_key,
            "error": self.error,
            "at": self.at,
        }


@dataclass(frozen=True, slots=True)
class RunAhead:
    """A state-changing run about to send its first request: written before it leaves."""

    run_key: str
    action: str
    operation: str
    request: Mapping[str, Any]  # redacted preview
    idempotency_key: str | None
    state: Mapping[str, Any]  # the conversation's state while the run is out
    replay: bool = False  # the run exists and is re-sent with the same keys
    decision: Decision | None = None  # an approval decided in the same transaction (once)


@dataclass(frozen=True, slots=True)
class Handoff:
    id: str
    conversation_id: str
    status: str  # open | claimed | resolved
    reason: str
    packet: Mapping[str, Any]
    assignee: str | None
    created_at: float
    updated_at: float
    kind: str = "handoff"  # handoff | approval
    approval: Approval | None = None  # for kind approval: the parked run and its decision

    def as_dict(self, *, packet: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "kind": self.kind,
            "status": self.status,
            "reason": self.reason,
            "assignee": self.assignee,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "approval": None if self.approval is None else self.approval.as_dict(),
        }
        if packet:
            data["packet"] = dict(self.packet)
        return data


@dataclass(frozen=True, slots=True)
class Approval:
    """A confirmed run parked for a teammate's decision (the approvals table)."""

    handoff_id: str
    conversation_id: str
    action: str
    operation: str
    run_key: str
    parked: Mapping[str, Any]  # the engine's Parked.as_dict(): the sendable request is in it
    claims: Mapping[str, Any]
    status: str  # pending | approved | rejected | withdrawn (by the customer)
    decided_by: str | None
    decision_reason: str | None
    created_at: float
    decided_at: float | None

    def as_dict(self) -> dict[str, Any]:
        """What the inbox, the API and the webhook show: the redacted preview, never the sendable request."""
        return {
            "action": self.action,
            "operation": self.operation,
            "request": dict(self.parked.get("preview") or {}),
            "request_hash": self.parked.get("digest"),
            "reason": self.parked.get("reason"),
            "status": self.status,
            "decided_by": self.decided_by,
            "decided_at": self.decided_at,
            "decision_reason": self.decision_reason,
        }


@dataclass(frozen=True, slots=True)
class NewApproval:
    action: str
    operation: str
    run_key: str
    parked: Mapping[str, Any]
    claims: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Decision:
    """A decision on an approval, a teammate's or the customer's withdrawal: recorded once,
    whichever turn or replica gets there first."""

    handoff_id: str
    status: str  # approved | rejected | withdrawn
    agent: str
    reason: str | None
    at: float


@dataclass(frozen=True, slots=True)
class NewHandoff:
    id: str
    reason: str
    packet: Mapping[str, Any]
    webhooks: tuple[tuple[str, str], ...] = ()  # (url, payload JSON) for the outbox
    approval: NewApproval | None = None  # a handoff of kind approval

    @property
    def kind(self) -> str:
        return "handoff" if self.approval is None else "approval"


@dataclass(frozen=True, slots=True)
class TurnRecord:
    """Everything one turn writes, in one transaction."""

    conversation_id: str
    lease: float | None  # taken by `Store.start_turn`; None for the first turn (creates the row)
    state: Mapping[str, Any]
    status: str
    claims: Mapping[str, Any]
    message: str | None  # None: a turn no customer message started (settling a crashed run)
    intent: str | None
    out_of_scope: bool
    replies: tuple[str, ...]
    outcome: str | None = None
    runs: tuple[RunRecord, ...] = ()
    tags: tuple[str, ...] = ()
    handoff: NewHandoff | None = None
    delivered: tuple[int, ...] = ()  # agent messages shown with this turn
    subject: str | None = None  # for the first turn: whom the conversation belongs to
    at: float = 0.0
    decision: Decision | None = None  # the approval this turn carried out (the handoff is resolved)
    undelivered: bool = False  # no customer is waiting for the replies: they go in the next chat response


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    handoff_id: str
    url: str
    payload: str
    attempts: int

    @property
    def delivery_id(self) -> str:
        """Stable across retries and replicas: receivers de-duplicate on it."""
        return delivery_id(self.handoff_id)


def delivery_id(handoff_id: str) -> str:
    """The delivery id of a handoff's webhook packet (one webhook per handoff)."""
    return "d_" + handoff_id.removeprefix("h_")

