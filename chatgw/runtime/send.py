"""Sending a prepared request to the product API, live; credentials are added here, last."""

from __future__ import annotations

import asyncio
import base64
import time
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Awaitable, Callable, Mapping, Protocol

import httpx

from chatgw.compiler.plans import AuthPlan, UpstreamPlan
from chatgw.errors import ConfigError, UpstreamError
from chatgw.runtime.request import PreparedRequest
from chatgw.runtime.retry import NOT_SENT, RetryPolicy

USER_AGENT = "chatgw/0.1"
MAX_RETRY_DELAY = 10.0  # seconds; a longer Retry-After is not waited for


@dataclass(frozen=True, slots=True)
class UpstreamResult:
    """What the upstream answered (after any retries)."""

    status: int
    body: Any  # parsed JSON, else text, else None
    headers: Mapping[str, str]  # lower-case names
    latency_ms: float
    attempts: int


class Sender(Protocol):
    """Anything that can answer a prepared request: live, mock or dry run."""

    async def send(self, request: PreparedRequest) -> UpstreamResult: ...


class HttpSender:
    """Sends over one shared httpx.AsyncClient, adding credentials and retrying where safe."""

    def __init__(
        self,
        upstream: UpstreamPlan,
        client: httpx.AsyncClient | None = None,
        *,
        backoff_base: float = 0.25,
        max_delay: float = MAX_RETRY_DELAY,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self._upstream = upstream
        self._policy = RetryPolicy(
            retries=max(0, upstream.retries), backoff_base=backoff_base, max_delay=max_delay
        )
        self._sleep = sleep
        self._timeout = httpx.Timeout(upstream.timeout)
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(
            timeout=self._timeout,
            follow_redirects=False,  # a redirect could carry credentials elsewhere
            headers={"User-Agent": USER_AGENT},
        )

    async def send(self, request: PreparedRequest) -> UpstreamResult:
        """Send `request`; UpstreamError when no answer came after the allowed retries."""
        headers = httpx.Headers(request.headers)
        for name, value in self._credentials().items():
            headers[name] = value  # replaces a same-named header, whatever its case
        timeout = self._timeout
        content = request.content
        started = time.perf_counter()
        attempt = 0
        reached = False  # some attempt may have reached the upstream
        while True:
            attempt += 1
            retries_left = attempt <= self._policy.retries
            try:
                response = await self._client.request(
                    request.method, request.url, headers=headers, content=content, timeout=timeout
                )
            except httpx.TransportError as error:
                delay = self._policy.delay(attempt) if retries_left else None
                if delay is None or not self._policy.retry_error(request.method, error):
                    # Any earlier attempt that got further than connecting may have been applied.
                    reached = reached or not isinstance(error, NOT_SENT)
                    raise UpstreamError(self._failure(request, error, attempt), maybe_sent=reached) from None
                reached = reached or not isinstance(error, NOT_SENT)
                await self._sleep(delay)
                continue
            if retries_left and self._policy.retry_status(request.method, response.status_code):
                delay = self._policy.delay(attempt, response.headers.get("retry-after"))
                if delay is not None:
                    await self._sleep(delay)
                    continue
            return UpstreamResult(
                status=response.status_code,
                body=_parse_body(response),
                headers=MappingProxyType(dict(response.headers)),
                latency_ms=(time.perf_counter() - started) * 1000,
                attempts=attempt,
            )

    async def aclose(self) -> None:
        """Close the client, if this sender made it."""
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> HttpSender:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def _credentials(self) -> dict[str, str]:
        try:
            return _auth_headers(self._upstream.auth)
        except ConfigError as error:
            raise UpstreamError(f"the upstream's credentials are not available: {error}") from None

    def _failure(self, request: PreparedRequest, error: httpx.TransportError, attempts: int) -> str:
        if isinstance(error, httpx.TimeoutException):
            what = f"no answer within {self._upstream.timeout:g}s"
        elif isinstance(error, httpx.ConnectError):
            what = "could not connect"
        else:
            what = f"the connection failed ({type(error).__name__})"
        return f"{request.operation}: {what} after {attempts} attempt(s)"


def _auth_headers(auth: AuthPlan) -> dict[str, str]:
    if auth.type == "bearer" and auth.token is not None:
        return {"Authorization": f"Bearer {auth.token.reveal()}"}
    if auth.type == "header" and auth.token is not None:
        return {auth.header: auth.token.reveal()}
    if auth.type == "basic":
        password = auth.password.reveal() if auth.password is not None else ""
        pair = f"{auth.username or ''}:{password}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}
    return {}


def _parse_body(response: httpx.Response) -> Any:
    if not response.content:
        return None
    media_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type.endswith("json"):
        try:
            return response.json()
        except ValueError:
            pass
    return response.text
