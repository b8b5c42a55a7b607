"""`POST /v1/chat` and `GET /v1/conversations/{id}`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict

from chatgw.server.gateway import Gateway
from chatgw.server.errors import ApiError
from chatgw.server.identity import IdentityError, subject
from chatgw.server.routes._deps import check_operator, gateway

router = APIRouter()


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str
    conversation_id: str | None = None
    identity_token: str | None = None


@router.post("/v1/chat")
async def chat(body: ChatRequest, gw: Gateway = Depends(gateway)) -> dict[str, Any]:
    """One customer message; the turn object back."""
    return await gw.chat(body.conversation_id, body.message, body.identity_token)


@router.get("/v1/conversations/{conversation_id}")
async def conversation(conversation_id: str, request: Request, gw: Gateway = Depends(gateway)) -> dict[str, Any]:
    """The transcript (human replies included), tags and action runs.

    Readable by the operator, by the customer it belongs to (their identity token as
    `Authorization: Bearer`), and by whoever holds the id of an anonymous conversation.
    """
    found = gw.store.get_conversation(conversation_id)
    if found is None:
        raise ApiError(404, "conversation_not_found", "no conversation with that id")
    if found.subject is not None:
        _owner_or_operator(request, gw, found.subject)
    return gw.conversation(conversation_id)


def _owner_or_operator(request: Request, gw: Gateway, owner: str) -> None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip() and token.strip() != gw.plans.operator_token:
        try:
            claims = gw.plans.verifier.verify(token.strip())
        except IdentityError as error:
            raise ApiError(401, "invalid_identity", str(error)) from None
        if subject(claims) != owner:
            raise ApiError(403, "conversation_forbidden", "this conversation belongs to another identity")
        return
    check_operator(request)
