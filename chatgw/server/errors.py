"""Every error response is `{"error": {"code", "message"}}` with the right status; no tracebacks."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from chatgw.server.logging import event, get_logger

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


class ApiError(Exception):
    """Raised by a route to answer with an error object."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every failure into an error object."""
    logger = get_logger()

    @app.exception_handler(ApiError)
    async def _api(request: Request, error: ApiError) -> JSONResponse:
        _count(request, error.code)
        return error_response(error.status, error.code, error.message, error.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = error.errors()
        if any(problem.get("type") == "json_invalid" for problem in problems):
            _count(request, "malformed_json")
            return error_response(400, "malformed_json", "the request body is not valid JSON")
        parts = []
        for problem in problems[:5]:
            where = ".".join(str(part) for part in problem.get("loc", ()) if part != "body")
            parts.append(f"{where or 'body'}: {problem.get('msg', 'invalid')}")
        _count(request, "invalid_request")
        return error_response(422, "invalid_request", "; ".join(parts) or "the request is not valid")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = _CODES.get(error.status_code, "error")
        _count(request, code)
        message = error.detail if isinstance(error.detail, str) else code.replace("_", " ")
        return error_response(error.status_code, code, message, getattr(error, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        # The type only: an exception's text may quote a request or a value.
        event(logger, "internal_error", logging.ERROR, path=request.url.path, error=type(error).__name__)
        _count(request, "internal")
        return error_response(500, "internal", "an internal error occurred; it has been logged")


def _count(request: Request, code: str) -> None:
    metrics = getattr(request.app.state, "metrics", None)
    if metrics is not None:
        metrics.errors.labels(code).inc()
