"""Senders that never reach the product API: answers from the spec (mock), or none (dry run)."""

from __future__ import annotations

import copy
from types import MappingProxyType
from typing import Any, Mapping

from chatgw.openapi.model import Operation, Response
from chatgw.openapi.schema import example_for
from chatgw.runtime.request import PreparedRequest
from chatgw.runtime.send import UpstreamResult

_NO_HEADERS: Mapping[str, str] = MappingProxyType({})
_JSON_HEADERS: Mapping[str, str] = MappingProxyType({"content-type": "application/json"})


class MockSender:
    """Answers each request with its operation's success response from the spec.

    The body is the response's example, else an example made from its schema. `overrides`
    maps an operationId (or "METHOD /path") to a `(status, body)` to answer instead, e.g. to
    rehearse a 404.
    """

    def __init__(self, overrides: Mapping[str, tuple[int, Any]] | None = None) -> None:
        self._overrides = dict(overrides or {})
        self.sent: list[PreparedRequest] = []

    async def send(self, request: PreparedRequest) -> UpstreamResult:
        """The spec's answer to `request`; nothing leaves the process."""
        self.sent.append(request)
        if request.operation in self._overrides:
            status, body = self._overrides[request.operation]
            return _result(status, copy.deepcopy(body), attempts=1)
        status, body = mock_response(request.spec)
        return _result(status, body, attempts=1)


class DryRunSender:
    """Sends nothing; answers 200 with no body so a plan can be rehearsed ("would send")."""

    def __init__(self) -> None:
        self.sent: list[PreparedRequest] = []

    async def send(self, request: PreparedRequest) -> UpstreamResult:
        """Records `request` and answers 200, no body, zero attempts."""
        self.sent.append(request)
        return _result(200, None, attempts=0)


def mock_response(operation: Operation | None) -> tuple[int, Any]:
    """The status and body the spec documents for `operation`'s success."""
    response = operation.success_response() if operation is not None else None
    if response is None:
        return 200, None
    status = int(response.status) if response.status.isdigit() else 200
    return status, _example(response)


def _example(response: Response) -> Any:
    if response.example is not None:
        return copy.deepcopy(response.example)
    if response.schema is None:
        return None
    return example_for(response.schema)


def _result(status: int, body: Any, *, attempts: int) -> UpstreamResult:
    headers = _JSON_HEADERS if body is not None else _NO_HEADERS
    return UpstreamResult(status, body, headers, latency_ms=0.0, attempts=attempts)
