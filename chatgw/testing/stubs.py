"""StubSender: the upstream's answers written in a conversation test, checked against the spec."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping, Sequence

from chatgw.errors import UpstreamError
from chatgw.openapi.model import Operation, Response
from chatgw.openapi.schema import check_value
from chatgw.runtime import DryRunSender, PreparedRequest, Sender, UpstreamResult


@dataclass(frozen=True, slots=True)
class Stub:
    """One stubbed answer: a response, or no answer at all (`timeout`)."""

    status: int = 200
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout: bool = False


class StubSender:
    """Answers requests with queued stubs, in order; without one, asks `fallback`.

    A stub whose body does not fit the spec's response schema for its status is still
    answered (the conversation goes on) and recorded in `problems`: a test must not pass
    on an answer the real API could not give.
    """

    def __init__(self, fallback: Sender | None = None) -> None:
        self._fallback = fallback if fallback is not None else DryRunSender()
        self._queue: list[Stub] = []
        self.sent: list[PreparedRequest] = []
        self.problems: list[str] = []

    def queue(self, stubs: Sequence[Stub]) -> None:
        """Start a turn: these stubs answer its requests; what was sent and found is cleared."""
        self._queue = list(stubs)
        self.sent = []
        self.problems = []

    @property
    def unused(self) -> int:
        """Stubs of the turn no request came for."""
        return len(self._queue)

    async def send(self, request: PreparedRequest) -> UpstreamResult:
        """The next stub's answer (UpstreamError for a timeout), else the fallback's."""
        self.sent.append(request)
        if not self._queue:
            return await self._fallback.send(request)
        stub = self._queue.pop(0)
        if stub.timeout:
            raise UpstreamError(f"{request.operation}: no answer (a stubbed timeout)")
        problem = stub_problem(stub, request.spec)
        if problem is not None:
            self.problems.append(f"{request.operation}: {problem}")
        headers = {name.lower(): value for name, value in stub.headers.items()}
        if stub.body is not None:
            headers.setdefault("content-type", "application/json")
        return UpstreamResult(stub.status, copy.deepcopy(stub.body), MappingProxyType(headers), latency_ms=0.0, attempts=1)


def stub_problem(stub: Stub, operation: Operation | None) -> str | None:
    """Why `stub` is not an answer the spec allows, or None.

    Only a stub with a body is checked, against the response the spec documents for its
    status (exact, then its class like 4XX, then default); an undocumented status is not.
    """
    if stub.timeout or stub.body is None or operation is None:
        return None
    response = response_for(operation, stub.status)
    if response is None or response.schema is None:
        return None
    problem = check_value(response.schema, stub.body)
    if problem is None:
        return None
    return f"the stubbed {stub.status} body does not match the spec's response ({problem})"


def response_for(operation: Operation, status: int) -> Response | None:
    """The response the spec documents for `status`: exact, then its class, then default."""
    responses = operation.responses
    for key in (str(status), f"{status // 100}XX", f"{status // 100}xx", "default"):
        if key in responses:
            return responses[key]
    return None
