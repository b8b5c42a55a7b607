"""MCP over streamable HTTP at /mcp of a real `chatgw serve`, with the SDK's own client, against
the real upstream on loopback, on SQLite and PostgreSQL: what is sent, and what never is."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import httpx
import mcp_types as types
import pytest

from chatgw.store import insights, open_store
from tests.server.gateway import ROTATE, identity_token, rotations, write_project
from tests.server.mcp import data, http_client, refusal
from tests.server.served import serving
from tests.upstream import Reply, Upstream

pytestmark = pytest.mark.usefixtures("each_store")

CUSTOMER = {"sub": "cus_1", "customer_id": "cus_1"}
SECRET_CONFIG = "server: {confirmation_secret: ${CHATGW_CONFIRMATION_SECRET}}\n"


@pytest.fixture(autouse=True)
def _confirmation_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHATGW_CONFIRMATION_SECRET", "confirmation-secret-9e8d7c")


def _run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def test_tools_list_their_inputs_hints_and_never_an_identity_field(tmp_path: Path, upstream: Upstream) -> None:
    config = write_project(tmp_path, upstream.url)

    async def scenario(url: str) -> list[types.Tool]:
        async with http_client(url, identity_token(CUSTOMER)) as client:
            return (await client.list_tools()).tools

    with serving(config) as served:
        tools = {tool.name: tool for tool in _run(scenario(served.url))}

    assert sorted(tools) == ["extend_trial", "rotate_key", "show_usage"]
    assert tools["extend_trial"].input_schema["properties"].keys() == {"hours", "confirmation"}
    assert tools["extend_trial"].input_schema["additionalProperties"] is False
    assert "confirmation" not in tools["show_usage"].input_schema["properties"]
    usage, rotate = tools["show_usage"].annotations, tools["rotate_key"].annotations
    assert (usage.read_only_hint, usage.idempotent_hint) == (True, True)
    assert (rotate.read_only_hint, rotate.destructive_hint, rotate.idempotent_hint) == (False, False, False)


def test_a_read_tool_runs_once_and_returns_only_the_fields_the_reply_reads(tmp_path: Path, upstream: Upstream) -> None:
    upstream.default = Reply(200, {"requests": 1234, "internal_note": "not for agents"})
    config = write_project(tmp_path, upstream.url)

    async def scenario(url: str) -> Any:
        async with http_client(url, identity_token(CUSTOMER)) as client:
            return await client.call_tool("show_usage", {"project_id": "proj_ab12c"})

    with serving(config) as served:
        result = data(_run(scenario(served.url)))

    assert result == {
        "status": "done", "reply": "Project proj_ab12c made 1234 requests this month.", "http_status": 200,
        "response": {"body": {"requests": 1234}},
    }
    assert [(r.method, r.path) for r in upstream.received] == [("GET", "/projects/proj_ab12c/usage")]
    assert upstream.received[0].headers["authorization"] == "Bearer upstream-cred-7f3a9c"


def test_a_write_sends_nothing_without_its_token_nor_with_changed_arguments_and_once_with_it(
    tmp_path: Path, upstream: Upstream, each_store: str
) -> None:
    config = write_project(tmp_path, upstream.url, SECRET_CONFIG)
    seen: dict[str, Any] = {}

    async def scenario(url: str) -> None:
        async with http_client(url, identity_token(CUSTOMER)) as client:
            proposal = data(await client.call_tool("rotate_key", {"project_id": "proj_ab12c"}))
            seen["proposal"], seen["after_proposal"] = proposal, len(upstream.received)
            token = proposal["confirmation"]
            seen["changed"] = refusal(await client.call_tool("rotate_key", {"project_id": "proj_zz99z", "confirmation": token}))
            seen["after_changed"] = len(upstream.received)
            seen["done"] = data(await client.call_tool("rotate_key", {"project_id": "proj_ab12c", "confirmation": token}))
            seen["again"] = refusal(await client.call_tool("rotate_key", {"project_id": "proj_ab12c", "confirmation": token}))

    with serving(config) as served:
        _run(scenario(served.url))
        metrics = httpx.get(served.url + "/metrics", timeout=60).text

    assert 'chatgw_actions_total{action="rotate_key",outcome="ok"} 1.0' in metrics
    proposal = seen["proposal"]
    assert proposal["status"] == "confirmation_required"
    assert proposal["confirm"] == "I'll revoke the current key of proj_ab12c and issue a new one. Go ahead?"
    assert proposal["request"]["url"].endswith(ROTATE)
    assert "Authorization" not in proposal["request"]["headers"]  # redacted: credentials are added last
    assert seen["after_proposal"] == 0
    assert "arguments differ" in seen["changed"] and "Nothing was sent" in seen["changed"]
    assert seen["after_changed"] == 0
    assert seen["done"]["status"] == "done" and seen["done"]["response"] == {"body": {"key_suffix": "x9Qz"}}
    assert "used already" in seen["again"] and "sent once (outcome ok, answered HTTP 200)" in seen["again"]
    [sent] = rotations(upstream)
    # Byte-identical to what was confirmed: the same body and the Idempotency-Key the preview showed.
    assert sent.json() == proposal["request"]["body"]
    assert sent.headers["idempotency-key"] == proposal["request"]["headers"]["Idempotency-Key"]
    store = open_store(each_store, root=str(tmp_path))
    try:
        numbers = insights(store, since="1d", now=time.time())
    finally:
        store.close()
    [rotate] = [row for row in numbers["actions"] if row["action"] == "rotate_key"]
    assert (rotate["requests"], rotate["successes"]) == (1, 1)
    assert {"tag": "channel:mcp", "conversations": 1} in numbers["top_tags"]  # the read-nothing proposals are not stored


def test_an_identity_bound_argument_is_refused_and_the_verified_claim_is_sent(tmp_path: Path, upstream: Upstream) -> None:
    config = write_project(tmp_path, upstream.url)
    seen: dict[str, Any] = {}

    async def scenario(url: str) -> None:
        async with http_client(url, identity_token(CUSTOMER)) as client:
            seen["refused"] = refusal(await client.call_tool("extend_trial", {"hours": 5, "customer_id": "cus_2"}))
            seen["before"] = len(upstream.received)
            token = data(await client.call_tool("extend_trial", {"hours": 5}))["confirmation"]
            seen["done"] = data(await client.call_tool("extend_trial", {"hours": 5, "confirmation": token}))

    with serving(config) as served:
        _run(scenario(served.url))

    assert "customer_id is taken from the caller's verified identity" in seen["refused"]
    assert seen["before"] == 0
    assert seen["done"]["status"] == "done"
    assert [(r.method, r.path, r.json()) for r in upstream.received] == [("POST", "/customers/cus_1/trial/extend", {"hours": 5})]


@pytest.mark.parametrize(
    "token, reason",
    [
        # Made at collection: a day long, so no suite run outlasts them before the test.
        (identity_token(CUSTOMER, secret="not-the-identity-secret-but-long-enough", expires_in=86400), "not valid"),
        (identity_token(CUSTOMER, expires_in=-60), "expired"),
        (identity_token({"customer_id": "cus_1"}, expires_in=86400), "no `sub` claim"),
        (None, "Authorization: Bearer"),
    ],
    ids=["forged", "expired", "no-subject", "missing"],
)
def test_a_refused_identity_gets_401_and_reaches_no_tool(tmp_path: Path, upstream: Upstream, token: str | None, reason: str) -> None:
    config = write_project(tmp_path, upstream.url)
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "show_usage", "arguments": {"project_id": "proj_ab12c"}}}
    headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"

    async def sdk(url: str) -> None:
        async with http_client(url, token) as client:
            await client.list_tools()

    with serving(config) as served:
        answer = httpx.post(served.url + "/mcp", content=json.dumps(call), headers=headers, timeout=60)
        with pytest.raises(Exception):  # the SDK client cannot even connect
            _run(sdk(served.url))

    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert reason in answer.json()["error"]["message"]
    assert upstream.received == []


def test_a_client_that_elicits_is_asked_and_only_a_yes_sends(tmp_path: Path, upstream: Upstream) -> None:
    config = write_project(tmp_path, upstream.url)
    asked: list[str] = []
    answers = iter([False, True])

    async def elicit(context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        asked.append(params.message)
        return types.ElicitResult(action="accept", content={"confirm": next(answers)})

    async def scenario(url: str) -> tuple[Any, Any]:
        async with http_client(url, identity_token(CUSTOMER), elicitation_callback=elicit) as client:
            declined = await client.call_tool("rotate_key", {"project_id": "proj_ab12c"})
            accepted = await client.call_tool("rotate_key", {"project_id": "proj_ab12c"})
            return declined, accepted

    with serving(config) as served:
        declined, accepted = _run(scenario(served.url))

    assert asked == ["I'll revoke the current key of proj_ab12c and issue a new one. Go ahead?"] * 2
    assert data(declined)["reply"] == "The customer did not confirm. Nothing was sent."
    assert data(accepted)["status"] == "done"
    assert len(rotations(upstream)) == 1


def test_a_token_is_good_once_across_replicas_that_share_the_secret_and_store(tmp_path: Path, upstream: Upstream) -> None:
    config = write_project(tmp_path, upstream.url, SECRET_CONFIG)
    seen: dict[str, Any] = {}

    async def propose(url: str) -> str:
        async with http_client(url, identity_token(CUSTOMER)) as client:
            return data(await client.call_tool("rotate_key", {"project_id": "proj_ab12c"}))["confirmation"]

    async def confirm(url: str, token: str) -> Any:
        async with http_client(url, identity_token(CUSTOMER)) as client:
            return await client.call_tool("rotate_key", {"project_id": "proj_ab12c", "confirmation": token})

    with serving(config) as first, serving(config) as second:
        token = _run(propose(first.url))
        seen["second"] = data(_run(confirm(second.url, token)))
        seen["first"] = refusal(_run(confirm(first.url, token)))

    assert seen["second"]["status"] == "done"
    assert "used already" in seen["first"]
    assert len(rotations(upstream)) == 1


def test_get_on_mcp_is_405_and_holds_no_stream_open(tmp_path: Path, upstream: Upstream) -> None:
    config = write_project(tmp_path, upstream.url)

    with serving(config) as served:
        answer = httpx.get(served.url + "/mcp", headers={"Accept": "text/event-stream"}, timeout=60)

    assert (answer.status_code, answer.headers["allow"]) == (405, "POST")
    assert answer.json()["error"]["code"] == "method_not_allowed"
