"""`POST /v1/chat` and `GET /v1/conversations/{id}`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from chatgw.server.errors import ApiError
from chatgw.server.gateway import Gateway
from chatgw.server.routes._deps import gateway, owner_or_operator
from chatgw.server.routes._types import Text

router = APIRouter()


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: Text
    conversation_id: Text | None = None
    identity_token: Text | None = None


@router.post("/v1/chat", response_model=dict[str, Any])
async def chat(body: ChatRequest, gw: Gateway = Depends(gateway)) -> JSONResponse:
    """One customer message; the turn object back."""
    # The turn is plain JSON data already: answered as is, not walked again by FastAPI's
    # jsonable_encoder (~55 us of a turn's CPU).
    return JSONResponse(await gw.chat(body.conversation_id, body.message, body.identity_token))


@router.get("/v1/conversations/{conversation_id}")
async def conversation(conversation_id: str, request: Request, gw: Gateway = Depends(gateway)) -> dict[str, Any]:
    """The transcript (human replies included), tags and action runs.

    Readable by the operator and by the customer it belongs to (their identity token as
    `Authorization: Bearer`, matched on the `identity.subject` claim). A conversation that
    belongs to nobody (an anonymous customer) is readable by the operator only.
    """
    return await gw.store_calls.run(_conversation, conversation_id, request, gw)


def _conversation(conversation_id: str, request: Request, gw: Gateway) -> dict[str, Any]:
    found = gw.store.get_conversation(conversation_id)
    if found is None:
        raise ApiError(404, "conversation_not_found", "no conversation with that id")
    owner_or_operator(request, gw, found.subject)
    return gw.conversation(conversation_id)
