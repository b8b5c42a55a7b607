"""`POST /v1/chat` and `GET /v1/conversations/{id}`."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, ValidationError

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


_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": ChatRequest.model_json_schema()}}}}


@router.post("/v1/chat", response_model=dict[str, Any], openapi_extra=_BODY)
async def chat(request: Request) -> JSONResponse:
    """One customer message; the turn object back."""
    body = _chat_request(await request.body())
    gw: Gateway = request.app.state.gateway
    # The turn is plain JSON data already: answered as is, not walked again by FastAPI's
    # jsonable_encoder (~55 us of a turn's CPU).
    return JSONResponse(await gw.chat(body.conversation_id, body.message, body.identity_token))


def _chat_request(raw: bytes) -> ChatRequest:
    """The body, read here rather than as a FastAPI body parameter (whose dependency solving
    cost ~50 us a turn); its errors go to the same handler, located the same way (`body.message`).

    Python's json, not pydantic's parser: that one refuses a lone surrogate as malformed JSON,
    where it is valid JSON and the model's clearer 422 (`Text`)."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, not UTF-8 text, or nested past Python's stack
        raise RequestValidationError([{"type": "json_invalid", "loc": ("body",), "msg": "JSON decode error"}]) from None
    try:
        return ChatRequest.model_validate(data)
    except ValidationError as error:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in error.errors()]) from None


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
