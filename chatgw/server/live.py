"""Live updates for the pages: the store's changes after a cursor, as server-sent events or as
one long-poll answer.

Both read the store by cursor (chatgw/store/changes.py), so an event written by any replica
reaches a page connected to any other. A stream polls every `POLL_SECONDS`: an event shows
within a second. The long poll is for networks that buffer a stream (some proxies hold a
response until it ends): the same cursor, one JSON answer per change or per `wait` seconds.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, AsyncIterator

from fastapi import Request
from sse_starlette import EventSourceResponse, ServerSentEvent

from chatgw.server.errors import STORE_AWAY, ApiError
from chatgw.server.logging import event, get_logger
from chatgw.server.offload import StoreCalls
from chatgw.store.changes import Change, Cursor, changes, current

POLL_SECONDS = 0.4
PING_SECONDS = 15  # a comment line that keeps idle proxies from closing the stream
MAX_WAIT_SECONDS = 60
STORE_RETRY_SECONDS = 2.0


def parse_cursor(text: str | None) -> Cursor | None:
    """The client's cursor, None for none; 400 `invalid_cursor` for one this server did not give."""
    if not text:
        return None
    try:
        return Cursor.decode(text)
    except ValueError as error:
        raise ApiError(400, "invalid_cursor", str(error)) from None


def wants_stream(request: Request) -> bool:
    return "text/event-stream" in request.headers.get("accept", "")


def stream(request: Request, calls: StoreCalls, cursor: Cursor | None, conversation_id: str | None) -> EventSourceResponse:
    """Server-sent events: `cursor` first (where this stream starts), then one event per change,
    the last of each batch with `id:` set to the cursor after it (a reconnect's Last-Event-ID)."""

    async def events() -> AsyncIterator[ServerSentEvent]:
        at = cursor if cursor is not None else await calls.run(current, calls.store)
        yield ServerSentEvent(json.dumps({"cursor": at.encode()}), event="cursor", id=at.encode())
        while not await request.is_disconnected():
            try:
                found, at = await calls.run(changes, calls.store, at, conversation_id=conversation_id)
            except STORE_AWAY as error:  # the store is away: keep the stream, try again
                event(get_logger(), "events_store_unavailable", logging.WARNING, error=type(error).__name__)
                await asyncio.sleep(STORE_RETRY_SECONDS)
                continue
            for index, change in enumerate(found):
                last = index == len(found) - 1
                yield ServerSentEvent(json.dumps(as_event(change)), event=change.kind, id=at.encode() if last else None)
            await asyncio.sleep(POLL_SECONDS)

    return EventSourceResponse(events(), ping=PING_SECONDS, headers={"Cache-Control": "no-store"})


async def long_poll(
    request: Request, calls: StoreCalls, cursor: Cursor | None, conversation_id: str | None, wait: float
) -> dict[str, Any]:
    """`{events, cursor}` as soon as there is a change, or empty after `wait` seconds; without a
    cursor, at once, with the current cursor."""
    if cursor is None:
        return {"events": [], "cursor": (await calls.run(current, calls.store)).encode()}
    deadline = asyncio.get_running_loop().time() + min(max(wait, 0.0), MAX_WAIT_SECONDS)
    while True:
        found, after = await calls.run(changes, calls.store, cursor, conversation_id=conversation_id)
        if found or asyncio.get_running_loop().time() >= deadline or await request.is_disconnected():
            return {"events": [as_event(change) for change in found], "cursor": after.encode()}
        cursor = after
        await asyncio.sleep(POLL_SECONDS)


def as_event(change: Change) -> dict[str, Any]:
    return {"type": change.kind, **change.data}
