"""Sending a prepared request to the product API, live; credentials are added here, last, and
taken out again of whatever the upstream answers (an error body that echoes the Authorization
header), so no credential reaches a reply, a transcript, a log or `chatgw try`.

The client is aiohttp: one session per upstream, its connections kept alive. Measured in
one process against the same loopback upstream (bench/serve.py's), a GET costs aiohttp
0.15-0.17 ms of CPU and httpx 0.76-1.36 ms (c=1 to c=16): the upstream call was the largest
single part of a turn's CPU with httpx.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Awaitable, Callable, Mapping, Protocol

import aiohttp
from multidict import CIMultiDict
from yarl import URL

from chatgw.compiler.plans import AuthPlan, UpstreamPlan
from chatgw.errors import ConfigError, UpstreamError
from chatgw.runtime.redact import scrub
from chatgw.runtime.request import PreparedRequest
from chatgw.runtime.retry import RetryPolicy

USER_AGENT = "chatgw/0.1"
MAX_RETRY_DELAY = 10.0  # seconds; a longer Retry-After is not waited for
# The most of an answer's body that is read. A larger one keeps its status and headers (the
# outcome is known) and no body: a runaway upstream cannot take the gateway's memory.
MAX_ANSWER_BYTES = 8 * 1024 * 1024
# The request was certainly not sent: no connection was made (refused, unresolvable, or no
# connection from the pool in time), so nothing was written on any.
NOT_SENT = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError, aiohttp.InvalidURL)


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
    """Sends over one shared aiohttp session, adding credentials and retrying where safe.

    The session is made on the first send (inside the running event loop, as aiohttp wants);
    `session` passes one in instead, which stays the caller's to close. `connections` caps
    the connections open to the upstream at once (None: aiohttp's default, 100).
    """

    def __init__(
        self,
        upstream: UpstreamPlan,
        session: aiohttp.ClientSession | None = None,
        *,
        connections: int | None = None,
        backoff_base: float = 0.25,
        max_delay: float = MAX_RETRY_DELAY,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self._upstream = upstream
        self._policy = RetryPolicy(
            retries=max(0, upstream.retries), backoff_base=backoff_base, max_delay=max_delay
        )
        self._sleep = sleep
        # The whole attempt within the timeout; a connect that times out is told apart (never sent).
        self._timeout = aiohttp.ClientTimeout(total=upstream.timeout, connect=upstream.timeout)
        self._owns_session = session is None
        self._session = session
        self._connections = connections

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections or 100),
                headers={"User-Agent": USER_AGENT},
                # Never this process's environment proxies or .netrc credentials.
                trust_env=False,
                # One session serves every customer: a cookie one answer sets must not ride
                # along on the next customer's request (and no jar is a lookup less per call).
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session

    async def send(self, request: PreparedRequest) -> UpstreamResult:
        """Send `request`; UpstreamError when no answer came after the allowed retries."""
        headers = CIMultiDict(request.headers)
        credentials = self._credentials()
        for name, value in credentials.items():
            headers[name] = value  # replaces a same-named header, whatever its case
        secrets = _secrets(self._upstream.auth, credentials)
        # Sent exactly as prepared: the path segments are encoded already and must not be
        # re-quoted or normalised (an encoded `../` stays inside its segment).
        url = URL(request.url, encoded=True)
        content = request.content
        client = self._client()
        started = time.perf_counter()
        attempt = 0
        reached = False  # some attempt may have reached the upstream
        while True:
            attempt += 1
            retries_left = attempt <= self._policy.retries
            try:
                async with client.request(
                    request.method, url, headers=headers, data=content, timeout=self._timeout,
                    allow_redirects=False,  # a redirect could carry credentials elsewhere
                ) as response:
                    raw = await _read_bounded(response)
            except (aiohttp.ClientError, TimeoutError) as error:
                maybe_sent = not isinstance(error, NOT_SENT)
                reached = reached or maybe_sent
                delay = self._policy.delay(attempt) if retries_left else None
                if delay is None or not self._policy.retry_error(request.method, maybe_sent):
                    # Any earlier attempt that got further than connecting may have been applied.
                    raise UpstreamError(self._failure(request, error, attempt), maybe_sent=reached) from None
                await self._sleep(delay)
                continue
            if retries_left and self._policy.retry_status(request.method, response.status):
                delay = self._policy.delay(attempt, response.headers.get("retry-after"))
                if delay is not None:
                    await self._sleep(delay)
                    continue
            return UpstreamResult(
                status=response.status,
                body=None if raw is None else scrub(_parse_body(raw, response), secrets),
                headers=MappingProxyType(scrub(_lower_headers(response), secrets)),
                latency_ms=(time.perf_counter() - started) * 1000,
                attempts=attempt,
            )

    async def aclose(self) -> None:
        """Close the session, if this sender made it."""
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> HttpSender:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def _credentials(self) -> dict[str, str]:
        try:
            return _auth_headers(self._upstream.auth)
        except ConfigError as error:
            raise UpstreamError(f"the upstream's credentials are not available: {error}") from None

    def _failure(self, request: PreparedRequest, error: BaseException, attempts: int) -> str:
        if isinstance(error, (TimeoutError, aiohttp.ServerTimeoutError)):
            what = f"no answer within {self._upstream.timeout:g}s"
        elif isinstance(error, aiohttp.ClientConnectorError):
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


async def _read_bounded(response: aiohttp.ClientResponse) -> bytes | None:
    """The body, or None when it is larger than MAX_ANSWER_BYTES (read no further than that)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _secrets(auth: AuthPlan, credentials: Mapping[str, str]) -> list[str]:
    """Every form of the credentials an answer could echo: each header value, the part after its
    scheme ("Bearer", "Basic"), and the raw token and password."""
    raw = [ref.reveal() for ref in (auth.token, auth.password) if ref is not None and ref.is_set()]
    return [*credentials.values(), *(value.partition(" ")[2] for value in credentials.values()), *raw]


def _lower_headers(response: aiohttp.ClientResponse) -> dict[str, str]:
    """The response's headers by lower-case name; a repeated header's values joined by ", "."""
    found: dict[str, str] = {}
    for name, value in response.headers.items():
        key = name.lower()
        found[key] = f"{found[key]}, {value}" if key in found else value
    return found


def _parse_body(raw: bytes, response: aiohttp.ClientResponse) -> Any:
    if not raw:
        return None
    media_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type.endswith("json"):
        try:
            return json.loads(raw)
        except ValueError:
            pass
    return raw.decode(response.charset or "utf-8", errors="replace")
