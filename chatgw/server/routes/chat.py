"""`POST /v1/chat` and `GET /v1/conversations/{id}`."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict

from chatgw.server.errors import ApiError
from chatgw.server.gateway import Gateway
from chatgw.server.identity import IdentityError
from chatgw.server.routes._deps import check_operator, gateway
from chatgw.server.routes._types import Text

router = APIRouter()


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: Text
    conversation_id: Text | None = None
    identity_token: Text | None = None


@router.post("/v1/chat")
async def chat(body: ChatRequest, gw: Gateway = Depends(gateway)) -> dict[str, Any]:
    """One customer message; the turn object back."""
    return await gw.chat(body.conversation_id, body.message, body.identity_token)


@router.get("/v1/conversations/{conversation_id}")
async def conversation(conversation_id: str, request: Request, gw: Gateway = Depends(gateway)) -> dict[str, Any]:
    """The transcript (human replies included), tags and action runs.

    Readable by the operator and by the customer it belongs to (their identity token as
    `Authorization: Bearer`, matched on the `identity.subject` claim). A conversation that
    belongs to nobody (an anonymous customer) is readable by the operator only.
    """
    found = gw.store.get_conversation(conversation_id)
    if found is None:
        raise ApiError(404, "conversation_not_found", "no conversation with that id")
    _owner_or_operator(request, gw, found.subject)
    return gw.conversation(conversation_id)


def _owner_or_operator(request: Request, gw: Gateway, owner: str | None) -> None:
    """Return when the request comes from `owner` or from the operator; raise otherwise."""
    verifier = gw.plans.verifier
    token = _bearer(request)
    if token is None or not verifier.enabled or _is_operator_token(gw, token):
        check_operator(request)
        return
    try:
        claims = verifier.verify(token)
    except IdentityError as error:
        raise ApiError(401, "invalid_identity", str(error)) from None
    if owner is None or verifier.subject(claims) != owner:
        raise ApiError(403, "conversation_forbidden", "this conversation belongs to another identity")


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def _is_operator_token(gw: Gateway, token: str) -> bool:
    operator = gw.plans.operator_token
    return operator is not None and hmac.compare_digest(token.encode(), operator.encode())
