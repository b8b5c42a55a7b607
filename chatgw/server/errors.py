"""Every error response is `{"error": {"code", "message"}}` with the right status; no tracebacks.

    ApiError           raised by a route: its status, code and message are the answer
    error_response()   the error object as an ASCII JSON response
    install(app, m)    handlers for ApiError, validation errors and Starlette's HTTP errors
    Guard              the outermost middleware: what nothing handled is one JSON log line and a 500
    WatchedSend        a `send` that knows whether the response has started
"""

from __future__ import annotations

import json
import logging
import os
import traceback
import uuid
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chatgw.server.logging import event, get_logger
from chatgw.server.metrics import Metrics

# The database is away (down, restarting, unreachable, out of connections): worth a retry.
STORE_AWAY = (OperationalError, InterfaceError, PoolTimeout)

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid_request",
    503: "unavailable",
}
_QUOTED = 60  # characters of a field name quoted back in a 422


class ApiError(Exception):
    """Raised by a route to answer with an error object."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


class ErrorResponse(JSONResponse):
    """An error object, written as ASCII JSON: a message quoting a lone surrogate from the
    request (a field name, say) is escaped instead of failing to encode."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, separators=(",", ":")).encode("ascii")


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None, **extra: str
) -> ErrorResponse:
    return ErrorResponse({"error": {"code": code, "message": message, **extra}}, status_code=status, headers=headers)


def install(app: FastAPI, metrics: Metrics) -> None:
    """Register the handlers that turn every handled failure into an error object (Guard takes the rest)."""

    @app.exception_handler(ApiError)
    async def _api(request: Request, error: ApiError) -> ErrorResponse:
        metrics.errors.labels(error.code).inc()
        return error_response(error.status, error.code, error.message, error.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> ErrorResponse:
        problems = error.errors()
        if any(problem.get("type") == "json_invalid" for problem in problems):
            metrics.errors.labels("malformed_json").inc()
            return error_response(400, "malformed_json", "the request body is not valid JSON")
        parts = []
        for problem in problems[:5]:
            where = ".".join(str(part)[:_QUOTED] for part in problem.get("loc", ()) if part != "body")
            parts.append(f"{where or 'body'}: {problem.get('msg', 'invalid')}")
        metrics.errors.labels("invalid_request").inc()
        return error_response(422, "invalid_request", "; ".join(parts) or "the request is not valid")

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    @app.exception_handler(PoolTimeout)
    async def _store(request: Request, error: Exception) -> ErrorResponse:
        # The database is away (down, restarting, unreachable, out of connections): the client
        # may retry. A turn's writes are one transaction and a confirmed request is written
        # ahead, so a retry never runs an action twice. Other database errors are bugs: 500.
        event(get_logger(), "store_unavailable", logging.WARNING, path=request.url.path, error=type(error).__name__)
        metrics.errors.labels("store_unavailable").inc()
        return error_response(
            503, "store_unavailable",
            "the conversation store cannot be reached right now; try again in a few seconds "
            "(a confirmed action is never sent twice)",
            {"Retry-After": "2"},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> ErrorResponse:
        code = _CODES.get(error.status_code, "error")
        metrics.errors.labels(code).inc()
        message = error.detail if isinstance(error.detail, str) else code.replace("_", " ")
        return error_response(error.status_code, code, message, getattr(error, "headers", None))


class Guard:
    """Catch what no handler did: log it once, as one JSON line with a request id, and answer
    500 with that id (the customer can quote it), if the response has not started.

    It sits inside Starlette's ServerErrorMiddleware, which would answer and then re-raise to
    the server, whose own log line carries the traceback and drops the keep-alive connection.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics
        self.logger = get_logger()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        watched = WatchedSend(send)
        try:
            await self.app(scope, receive, watched)
        except Exception as error:  # noqa: BLE001  (logged and answered: this is the last place to catch it)
            request_id = uuid.uuid4().hex[:16]
            # The type and the place only: an exception's text may quote a request or a value.
            event(
                self.logger, "internal_error", logging.ERROR, request_id=request_id, method=scope.get("method"),
                path=scope.get("path"), error=type(error).__name__, at=_where(error), response_started=watched.started,
            )
            self.metrics.errors.labels("internal").inc()
            if not watched.started:
                response = error_response(
                    500, "internal", f"an internal error occurred; it has been logged as request {request_id}",
                    {"X-Request-Id": request_id}, request_id=request_id,
                )
                await response(scope, receive, send)


class WatchedSend:
    """A `send` that notes whether the response has started (after which no error can be sent)."""

    __slots__ = ("send", "started")

    def __init__(self, send: Send) -> None:
        self.send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        await self.send(message)


def _where(error: BaseException) -> str:
    """`chatgw/...py:line in function` of the innermost frame in chatgw (else the innermost at all)."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return ""
    ours = [frame for frame in frames if frame.filename.startswith(_PACKAGE)]
    frame = (ours or frames)[-1]
    where = frame.filename[len(_PACKAGE) - len("chatgw/"):] if ours else Path(frame.filename).name
    return f"{where.replace(os.sep, '/')}:{frame.lineno} in {frame.name}"


_PACKAGE = str(Path(__file__).resolve().parents[1]) + os.sep  # .../chatgw/
