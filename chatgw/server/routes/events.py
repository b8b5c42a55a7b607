"""Live updates: `GET /v1/events` (the inbox, operator only) and
`GET /v1/conversations/{id}/events` (one conversation, its customer or the operator).

`Accept: text/event-stream` gets server-sent events; any other request is a long poll that
answers `{events, cursor}` at the first change or after `wait` seconds (chatgw/server/live.py).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response

from chatgw.server import live
from chatgw.server.errors import ApiError
from chatgw.server.gateway import Gateway
from chatgw.server.routes._deps import gateway, operator, owner_or_operator

router = APIRouter()

Wait = Query(25.0, ge=0, le=live.MAX_WAIT_SECONDS, description="seconds a long poll waits for a change")


@router.get("/v1/events", dependencies=[Depends(operator)])
async def inbox_events(
    request: Request, cursor: str | None = None, wait: float = Wait,
    last_event_id: str | None = Header(None), gw: Gateway = Depends(gateway),
) -> Any:
    """New messages of every conversation and every new version of a handoff."""
    return await _answer(request, gw, cursor or last_event_id, wait, None)


@router.get("/v1/conversations/{conversation_id}/events")
async def conversation_events(
    conversation_id: str, request: Request, cursor: str | None = None, wait: float = Wait,
    last_event_id: str | None = Header(None), gw: Gateway = Depends(gateway),
) -> Any:
    """New messages of one conversation and its handoffs' new versions."""
    found = await gw.store_calls.run(gw.store.get_conversation, conversation_id)
    if found is None:
        raise ApiError(404, "conversation_not_found", "no conversation with that id")
    owner_or_operator(request, gw, found.subject)
    return await _answer(request, gw, cursor or last_event_id, wait, conversation_id)


async def _answer(request: Request, gw: Gateway, cursor: str | None, wait: float, conversation_id: str | None) -> Response | dict[str, Any]:
    start = live.parse_cursor(cursor)
    if live.wants_stream(request):
        return live.stream(request, gw.store_calls, start, conversation_id)
    return await live.long_poll(request, gw.store_calls, start, conversation_id, wait)
