"""The official MCP SDK's own client against chatgw: over streamable HTTP with a bearer token,
or over stdio against a `chatgw mcp` subprocess."""

from __future__ import annotations

import os
import sys
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator

import httpx2
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from tests.server.gateway import ENV


@asynccontextmanager
async def http_client(url: str, token: str | None, **options: Any) -> AsyncIterator[Client]:
    """A connected SDK client for `url`/mcp, presenting `token` as Authorization: Bearer."""
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    async with httpx2.AsyncClient(headers=headers, timeout=60) as http:
        async with Client(streamable_http_client(url + "/mcp", http_client=http), **options) as client:
            yield client


@asynccontextmanager
async def stdio_client(config: Path, *claims: str, **options: Any) -> AsyncIterator[Client]:
    """A connected SDK client for `chatgw mcp --config CONFIG --as CLAIM...` in a subprocess."""
    arguments = ["-c", "from chatgw.cli import main; main()", "mcp", "--config", str(config)]
    for claim in claims:
        arguments += ["--as", claim]
    parameters = StdioServerParameters(command=sys.executable, args=arguments, env={**os.environ, **ENV}, cwd=str(config.parent))
    async with Client(parameters, **options) as client:
        yield client


def data(result: Any) -> dict[str, Any]:
    """The structured result of a successful call."""
    assert not result.is_error, result.content[0].text
    return result.structured_content


def refusal(result: Any) -> str:
    """The reason of a refused call."""
    assert result.is_error, result.structured_content
    return result.content[0].text
