"""The request body limit (`server.max_body_bytes`), enforced while the body is read.

A declared `Content-Length` over the limit is refused before a byte of the body is read; a
body without one (chunked) is counted as it arrives and refused as soon as it passes the
limit, so memory stays flat whatever a client sends. The limit is read per request, so a
reload that changes it takes effect at once.
"""

from __future__ import annotations

from typing import Callable

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chatgw.server.errors import WatchedSend, error_response


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a body passes the limit; the HTTP error handler answers 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_message(limit))


def too_large_message(limit: int) -> str:
    return f"the request body is larger than {limit} bytes (server.max_body_bytes)"


class BodyLimit:
    """Pure ASGI (no BaseHTTPMiddleware): a request with a declared length costs one header scan."""

    def __init__(self, app: ASGIApp, limit: Callable[[], int]) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit()
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await error_response(413, "too_large", too_large_message(limit))(scope, receive, send)
            return
        if declared is not None:
            # The server delivers no more than the declared length (HTTP/1.1 framing).
            await self.app(scope, receive, send)
            return
        await self._counted(limit, scope, receive, send)

    async def _counted(self, limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        watched = WatchedSend(send)
        try:
            await self.app(scope, counted_receive, watched)
        except BodyTooLarge:
            # Routes' body parsing hands it to the HTTP error handler; this is for a reader that did not.
            if watched.started:
                raise
            await error_response(413, "too_large", too_large_message(limit))(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # not a length: count what arrives instead
    return None
