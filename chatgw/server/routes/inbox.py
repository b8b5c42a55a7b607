"""The shared inbox: `GET /v1/handoffs`, claim, reply, resolve, approve and reject (operator only)."""

from __future__ import annotations

from typing import Any, Literal, Mapping

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from chatgw.server import approvals
from chatgw.server.gateway import Gateway
from chatgw.server.routes._deps import gateway, operator
from chatgw.server.routes._types import Text
from chatgw.store.inbox import summaries

router = APIRouter(dependencies=[Depends(operator)])

# Claims that name a customer to a person; an inbox card shows those the identity has.
CUSTOMER_CLAIMS = ("name", "email", "customer_id", "sub")


class Claim(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agent: Text = Field(min_length=1, max_length=200)


class Rejection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agent: Text = Field(min_length=1, max_length=200)
    reason: Text = Field(min_length=1, max_length=2000)


class AgentMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Text = Field(min_length=1, max_length=20000)
    agent: Text | None = Field(None, min_length=1, max_length=200)


@router.get("/v1/handoffs")
async def handoffs(
    status: Literal["open", "claimed", "resolved"] | None = None, gw: Gateway = Depends(gateway)
) -> dict[str, Any]:
    """Handoffs, newest first, optionally of one status, each with what its card shows: the
    customer, the conversation's last message and the actions taken."""
    return await gw.store_calls.run(_handoffs, gw, status)


def _handoffs(gw: Gateway, status: str | None) -> dict[str, Any]:
    found = gw.store.handoffs(status)
    summary = summaries(gw.store, (h.conversation_id for h in found))
    return {"handoffs": [
        {**h.as_dict(packet=False), "customer": customer(h.packet), **summary[h.conversation_id].as_dict()}
        for h in found
    ]}


def customer(packet: Mapping[str, Any]) -> dict[str, Any]:
    """Who the customer is, from the verified claims the handoff packet carries (none: anonymous)."""
    claims = packet.get("identity") or {}
    return {key: claims[key] for key in CUSTOMER_CLAIMS if isinstance(claims.get(key), (str, int))}


@router.get("/v1/handoffs/{handoff_id}")
async def handoff(handoff_id: str, gw: Gateway = Depends(gateway)) -> dict[str, Any]:
    """One handoff with its packet and the conversation as it is now."""
    return await gw.store_calls.run(_handoff, gw, handoff_id)


def _handoff(gw: Gateway, handoff_id: str) -> dict[str, Any]:
    found = gw.handoff(handoff_id)
    return {**found.as_dict(), "conversation": gw.conversation(found.conversation_id)}


@router.post("/v1/handoffs/{handoff_id}/claim")
async def claim(handoff_id: str, body: Claim, gw: Gateway = Depends(gateway)) -> dict[str, Any]:
    return (await gw.store_calls.run(gw.claim, handoff_id, body.agent)).as_dict(packet=False)


@router.post("/v1/handoffs/{handoff_id}/messages")
async def reply(handoff_id: str, body: AgentMessage, gw: Gateway = Depends(gateway)) -> dict[str, Any]:
    """A human's reply: in the conversation now, and in the customer's next chat response."""
    return (await gw.store_calls.run(gw.reply, handoff_id, body.text, body.agent)).as_dict(packet=False)


@router.post("/v1/handoffs/{handoff_id}/resolve")
async def resolve(handoff_id: str, gw: Gateway = Depends(gateway)) -> dict[str, Any]:
    return (await gw.store_calls.run(gw.resolve, handoff_id)).as_dict(packet=False)


@router.post("/v1/handoffs/{handoff_id}/approve")
async def approve(handoff_id: str, body: Claim, gw: Gateway = Depends(gateway)) -> dict[str, Any]:
    """Send the parked request of an approval, once; the customer gets the action's reply."""
    return await approvals.approve(gw, handoff_id, body.agent)


@router.post("/v1/handoffs/{handoff_id}/reject")
async def reject(handoff_id: str, body: Rejection, gw: Gateway = Depends(gateway)) -> dict[str, Any]:
    """Send nothing; the customer is told the reason."""
    return await approvals.reject(gw, handoff_id, body.agent, body.reason)
