"""The shared inbox: `GET /v1/handoffs`, claim, reply, resolve, approve and reject (operator only)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from chatgw.server import approvals
from chatgw.server.gateway import Gateway
from chatgw.server.routes._deps import gateway, operator
from chatgw.server.routes._types import Text

router = APIRouter(dependencies=[Depends(operator)])


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
    """Handoffs, newest first, optionally of one status."""
    return {"handoffs": [h.as_dict(packet=False) for h in gw.store.handoffs(status)]}


@router.get("/v1/handoffs/{handoff_id}")
async def handoff(handoff_id: str, gw: Gateway = Depends(gateway)) -> dict[str, Any]:
    """One handoff with its packet and the conversation as it is now."""
    found = gw.handoff(handoff_id)
    return {**found.as_dict(), "conversation": gw.conversation(found.conversation_id)}


@router.post("/v1/handoffs/{handoff_id}/claim")
async def claim(handoff_id: str, body: Claim, gw: Gateway = Depends(gateway)) -> dict[str, Any]:
    return gw.claim(handoff_id, body.agent).as_dict(packet=False)


@router.post("/v1/handoffs/{handoff_id}/messages")
async def reply(handoff_id: str, body: AgentMessage, gw: Gateway = Depends(gateway)) -> dict[str, Any]:
    """A human's reply: in the conversation now, and in the customer's next chat response."""
    return gw.reply(handoff_id, body.text, body.agent).as_dict(packet=False)


@router.post("/v1/handoffs/{handoff_id}/resolve")
async def resolve(handoff_id: str, gw: Gateway = Depends(gateway)) -> dict[str, Any]:
    return gw.resolve(handoff_id).as_dict(packet=False)


@router.post("/v1/handoffs/{handoff_id}/approve")
async def approve(handoff_id: str, body: Claim, gw: Gateway = Depends(gateway)) -> dict[str, Any]:
    """Send the parked request of an approval, once; the customer gets the action's reply."""
    return await approvals.approve(gw, handoff_id, body.agent)


@router.post("/v1/handoffs/{handoff_id}/reject")
async def reject(handoff_id: str, body: Rejection, gw: Gateway = Depends(gateway)) -> dict[str, Any]:
    """Send nothing; the customer is told the reason."""
    return await approvals.reject(gw, handoff_id, body.agent, body.reason)
