"""On a network database no store call runs on the event loop: chat turns and their write-ahead
record, the inbox, approvals, live events, insights, readiness, MCP tool calls and the webhook worker all go
through the gateway's store threads, so one slow statement never stalls the other turns of the
process. Checked on a real PostgreSQL by having every `Store` method note when it is called on
a thread that is running an event loop."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

import httpx
import pytest

from chatgw.store import Store
from tests.server.approving import OPERATOR, Customer, approval_project
from tests.server.gateway import build_app, chat, confirm_rotation, identity_token, running
from tests.server.mcp import data, http_client, refusal


@pytest.fixture
def on_loop(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the Store methods called on an event loop's thread (of a remote store)."""
    found: list[str] = []

    def guarded(method, name):  # type: ignore[no-untyped-def]
        @functools.wraps(method)
        def call(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                pass  # a worker thread: what the test wants
            else:
                if self.remote:
                    found.append(name)
            return method(self, *args, **kwargs)

        return call

    for name, member in list(vars(Store).items()):
        if callable(member) and not name.startswith("_") and name != "close":  # close: at shutdown
            monkeypatch.setattr(Store, name, guarded(member, name))
    return found


def test_no_store_call_runs_on_the_event_loop_of_a_postgresql_gateway(
    tmp_path: Path, upstream, postgres_cluster, monkeypatch: pytest.MonkeyPatch, on_loop: list[str]
) -> None:
    monkeypatch.setenv("CHATGW_TEST_STORE", postgres_cluster.database())
    config = approval_project(tmp_path, upstream.url)
    with running(build_app(config)) as url, httpx.Client(base_url=url, timeout=30) as client:
        # a confirmed state-changing run (written ahead, answered), then a follow-up turn
        cid = confirm_rotation(client)
        assert chat(client, "yes", cid).status_code == 200
        # an approval: parked, listed, watched, approved
        customer = Customer(client)
        assert customer.ask_for_approval()["handoff"] is True
        [approval] = client.get("/v1/handoffs", headers=OPERATOR).json()["handoffs"]
        assert client.get(f"/v1/handoffs/{approval['id']}", headers=OPERATOR).status_code == 200
        cursor = client.get("/v1/events", headers=OPERATOR).json()["cursor"]
        assert client.get("/v1/events", params={"cursor": cursor, "wait": 0}, headers=OPERATOR).status_code == 200
        with client.stream("GET", "/v1/events", headers={**OPERATOR, "Accept": "text/event-stream"}) as stream:
            assert next(stream.iter_lines()).startswith(("event:", "id:", "data:", ":"))
        assert client.post(f"/v1/handoffs/{approval['id']}/approve", json={"agent": "ana"}, headers=OPERATOR).status_code == 200
        # a human handoff: claimed, answered, resolved
        human = chat(client, "I want to talk to a human", cid).json()
        assert human["handoff"] is True
        handoff_id = next(
            h["id"] for h in client.get("/v1/handoffs", params={"status": "open"}, headers=OPERATOR).json()["handoffs"]
            if h["conversation_id"] == cid
        )
        assert client.post(f"/v1/handoffs/{handoff_id}/claim", json={"agent": "ana"}, headers=OPERATOR).status_code == 200
        assert client.post(f"/v1/handoffs/{handoff_id}/messages", json={"text": "hi", "agent": "ana"}, headers=OPERATOR).status_code == 200
        assert client.post(f"/v1/handoffs/{handoff_id}/resolve", headers=OPERATOR).status_code == 200
        # reading
        assert client.get(f"/v1/conversations/{cid}", headers=OPERATOR).status_code == 200
        assert client.get(f"/v1/conversations/{cid}/events", params={"wait": 0}, headers=OPERATOR).status_code == 200
        assert client.get("/v1/insights", headers=OPERATOR).status_code == 200
        assert client.get("/readyz").status_code == 200
        # an agent over MCP: a read, and a change proposed then confirmed with its token
        asyncio.run(agent(url))
    assert on_loop == []


async def agent(url: str) -> None:
    async with http_client(url, identity_token({"sub": "cus_1", "customer_id": "cus_1"})) as client:
        data(await client.call_tool("show_usage", {"project_id": "proj_ab12c"}))
        token = data(await client.call_tool("rotate_key", {"project_id": "proj_ab12c"}))["confirmation"]
        data(await client.call_tool("rotate_key", {"project_id": "proj_ab12c", "confirmation": token}))
        refusal(await client.call_tool("rotate_key", {"project_id": "proj_ab12c", "confirmation": token}))
