"""MCP over streamable HTTP, as an ASGI endpoint the gateway mounts at /mcp.

Stateless: every request is served on its own, so any replica answers any request (no
sticky sessions), and a confirmation issued by one replica is honoured by another that has
the same `server.confirmation_secret`. The bearer token is verified before the SDK sees the
request; a refused one gets 401 and never reaches a tool.
"""

from __future__ import annotations

import json
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Callable

from mcp.server import Server, ServerRequestContext
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

from chatgw.errors import ChatgwError
from chatgw.mcp.calls import Caller, ToolCallError

_STATE_KEY = "chatgw_caller"

# verify(bearer token or None) -> the caller; raises ChatgwError (its message is the reason) when refused
Verify = Callable[["str | None"], Caller]


class McpEndpoint:
    """The ASGI app behind /mcp: verify the bearer token, then let the SDK answer."""

    def __init__(self, server: Server[Any], verify: Verify) -> None:
        self._verify = verify
        self._manager = StreamableHTTPSessionManager(app=server, stateless=True, json_response=True)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Hold this for the app's lifetime (its lifespan): the SDK's task group lives in it."""
        async with self._manager.run():
            yield

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("method") == "GET":
            # Stateless: nothing is ever pushed, so a GET stream would only hold a connection open.
            await _reply(send, 405, "method_not_allowed", "POST JSON-RPC requests to /mcp; it pushes no messages", [(b"allow", b"POST")])
            return
        token = _bearer(scope)
        try:
            caller = self._verify(token)
        except ChatgwError as error:
            await _reply(send, 401, "invalid_identity", str(error), [(b"www-authenticate", b'Bearer error="invalid_token"')])
            return
        scope.setdefault("state", {})[_STATE_KEY] = caller
        await self._manager.handle_request(scope, receive, send)


def http_caller(ctx: ServerRequestContext[Any]) -> Caller:
    """The caller `McpEndpoint` verified for this request."""
    request = ctx.request
    state = getattr(request, "scope", {}).get("state", {}) if request is not None else {}
    caller = state.get(_STATE_KEY)
    if not isinstance(caller, Caller):
        raise ToolCallError("this request carries no verified identity")
    return caller


def _bearer(scope: dict[str, Any]) -> str | None:
    for name, value in scope.get("headers", ()):
        if name.lower() == b"authorization":
            scheme, _, credentials = value.decode("latin-1").partition(" ")
            return credentials.strip() or None if scheme.lower() == "bearer" else None
    return None


async def _reply(send: Any, status: int, code: str, message: str, headers: list[tuple[bytes, bytes]]) -> None:
    """An error in the gateway's own shape, `{"error": {"code", "message"}}`."""
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    await send({
        "type": "http.response.start", "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers],
    })
    await send({"type": "http.response.body", "body": body})
