"""A teammate's decision on a handoff of kind `approval`: approve (send the parked request, once)
or reject (send nothing, tell the customer why).

Each decision is a turn of the conversation (`Gateway.decision_turn`): it holds the
conversation's lease, reads the approval again under it, and the approved run is written ahead
with the decision in one transaction, so approving twice, or on two replicas at once, sends once.
"""

from __future__ import annotations

import time
from typing import Any, Awaitable

from chatgw.engine import ConversationState, TurnResult
from chatgw.engine.approval import Parked, outdated
from chatgw.server.errors import ApiError
from chatgw.server.gateway import Gateway, StoreJournal
from chatgw.server.logging import event
from chatgw.store import Approval, Decision, Handoff

__all__ = ["approve", "reject"]


async def approve(gw: Gateway, handoff_id: str, agent: str) -> dict[str, Any]:
    """Send the parked request of `handoff_id`; the handoff, what the customer was told and the run."""
    handoff, approval = await gw.store_calls.run(_approval, gw, handoff_id)
    parked = Parked.from_dict(approval.parked)
    problem = outdated(gw.plans.project, parked)
    if problem is not None:
        raise ApiError(409, "approval_outdated", f"{problem}. Reject it to tell the customer, or restore the action and approve again")
    engine = gw.plans.engine
    claims = dict(approval.claims)

    def decide(state: ConversationState, journal: StoreJournal) -> Awaitable[TurnResult]:
        return engine.approved(state, parked, identity=claims, journal=journal)

    decision = Decision(handoff_id, "approved", agent, None, time.time())
    body = await gw.decision_turn(handoff.conversation_id, lambda: _approval(gw, handoff_id), decide, decision)
    return await gw.store_calls.run(_decided, gw, handoff_id, approval, body)


async def reject(gw: Gateway, handoff_id: str, agent: str, reason: str) -> dict[str, Any]:
    """Send nothing for `handoff_id`; the customer is told `reason`."""
    handoff, approval = await gw.store_calls.run(_approval, gw, handoff_id)
    parked = Parked.from_dict(approval.parked)
    engine = gw.plans.engine

    async def decide(state: ConversationState, journal: StoreJournal) -> TurnResult:
        return engine.rejected(state, parked, reason)

    decision = Decision(handoff_id, "rejected", agent, reason, time.time())
    body = await gw.decision_turn(handoff.conversation_id, lambda: _approval(gw, handoff_id), decide, decision)
    return await gw.store_calls.run(_decided, gw, handoff_id, approval, body)


def _approval(gw: Gateway, handoff_id: str) -> tuple[Handoff, Approval]:
    """The handoff and its approval, still pending; the 404 or 409 to answer otherwise."""
    handoff = gw.handoff(handoff_id)
    approval = handoff.approval
    if approval is None:
        raise ApiError(409, "not_an_approval", f"handoff {handoff_id} is of kind {handoff.kind}: there is nothing to approve or reject")
    if approval.status == "withdrawn":
        raise ApiError(
            409, "approval_withdrawn",
            "the customer withdrew this request before it was decided; nothing was sent and there is nothing to approve or reject",
        )
    if approval.status != "pending":
        raise ApiError(
            409, "approval_decided",
            f"this approval was already {approval.status} by {approval.decided_by}; nothing more was sent",
        )
    return handoff, approval


def _decided(gw: Gateway, handoff_id: str, before: Approval, body: dict[str, Any]) -> dict[str, Any]:
    handoff = gw.handoff(handoff_id)
    decided = handoff.approval
    assert decided is not None
    gw.metrics.approvals.labels(before.action, decided.status).inc()
    event(
        gw.logger, "approval_decided", handoff_id=handoff_id, conversation_id=handoff.conversation_id,
        action=before.action, decision=decided.status, waited_s=round((decided.decided_at or 0) - before.created_at, 3),
    )
    runs = gw.store.runs(handoff.conversation_id)
    run = next((r for r in reversed(runs) if r.run_key == before.run_key), None)
    return {
        **handoff.as_dict(packet=False),
        "replies": body["replies"],
        "action_run": None if run is None else run.as_dict(),
    }
