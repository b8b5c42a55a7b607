"""`chatgw mcp` over stdio, with the SDK's own client starting it as a subprocess: the identity
comes from --as, is shown in the instructions, and fills identity-bound fields only."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import mcp_types as types
import pytest
from typer.testing import CliRunner

import chatgw.cli.commands  # noqa: F401  (registers the commands)
from chatgw.cli import app
from tests.server.gateway import rotations, write_project
from tests.server.mcp import data, refusal, stdio_client
from tests.upstream import Upstream

pytestmark = pytest.mark.usefixtures("each_store")


def test_stdio_acts_for_the_as_identity_and_confirms_every_write(tmp_path: Path, upstream: Upstream) -> None:
    config = write_project(tmp_path, upstream.url)
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        async with stdio_client(config, "sub=cus_7", "customer_id=cus_7") as client:
            seen["instructions"] = client.instructions
            seen["tools"] = sorted(tool.name for tool in (await client.list_tools()).tools)
            seen["usage"] = data(await client.call_tool("show_usage", {"project_id": "proj_ab12c"}))
            seen["bound"] = refusal(await client.call_tool("extend_trial", {"hours": 2, "customer_id": "cus_8"}))
            proposal = data(await client.call_tool("rotate_key", {"project_id": "proj_ab12c"}))
            seen["sent_before_token"] = len(rotations(upstream))
            token = proposal["confirmation"]
            seen["changed"] = refusal(await client.call_tool("rotate_key", {"project_id": "proj_aa11a", "confirmation": token}))
            seen["done"] = data(await client.call_tool("rotate_key", {"project_id": "proj_ab12c", "confirmation": token}))
            seen["again"] = refusal(await client.call_tool("rotate_key", {"project_id": "proj_ab12c", "confirmation": token}))
            trial = data(await client.call_tool("extend_trial", {"hours": 2}))["confirmation"]
            seen["trial"] = data(await client.call_tool("extend_trial", {"hours": 2, "confirmation": trial}))

    asyncio.run(scenario())

    assert "acting for sub=cus_7, customer_id=cus_7 (set by the operator with --as)" in seen["instructions"]
    assert seen["tools"] == ["extend_trial", "rotate_key", "show_usage"]
    assert seen["usage"]["response"] == {"body": {"requests": 1234}}
    assert "customer_id is taken from the caller's verified identity" in seen["bound"]
    assert seen["sent_before_token"] == 0
    assert "arguments differ" in seen["changed"]
    assert seen["done"]["status"] == "done" and "used already" in seen["again"]
    assert len(rotations(upstream)) == 1
    assert seen["trial"]["status"] == "done"
    assert [r.path for r in upstream.received if "trial" in r.path] == ["/customers/cus_7/trial/extend"]


def test_stdio_without_the_claim_an_action_needs_refuses_it(tmp_path: Path, upstream: Upstream) -> None:
    config = write_project(tmp_path, upstream.url)

    async def scenario() -> str:
        async with stdio_client(config, "sub=cus_7") as client:
            return refusal(await client.call_tool("extend_trial", {"hours": 2}))

    reason = asyncio.run(scenario())

    assert "your verified identity lacks the claim customer_id" in reason
    assert upstream.received == []


def test_mcp_as_without_a_value_exits_2_with_the_form_to_use(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["mcp", "--config", str(tmp_path / "chatgw.yaml"), "--as", "customer_id"])

    assert result.exit_code == 2
    assert result.stderr == "chatgw: error: --as 'customer_id' is not CLAIM=VALUE; write it like --as customer_id=cus_123\n"


def test_stdio_on_the_handshake_protocol_confirms_through_an_elicitation_request(tmp_path: Path, upstream: Upstream) -> None:
    config = write_project(tmp_path, upstream.url)
    asked: list[str] = []

    async def elicit(context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        asked.append(params.message)
        return types.ElicitResult(action="accept", content={"confirm": True})

    async def scenario() -> Any:
        async with stdio_client(config, "sub=cus_7", mode="legacy", elicitation_callback=elicit) as client:
            return data(await client.call_tool("rotate_key", {"project_id": "proj_ab12c"}))

    result = asyncio.run(scenario())

    assert asked == ["I'll revoke the current key of proj_ab12c and issue a new one. Go ahead?"]
    assert result["status"] == "done"
    assert len(rotations(upstream)) == 1
