"""Handoff -> shared inbox -> a human's reply in the customer's chat; the webhook outbox."""

from __future__ import annotations

import pytest

import hashlib
import hmac
import json
from pathlib import Path

import httpx

from tests.server.gateway import (
    IDENTITY_SECRET,
    OPERATOR_TOKEN,
    UPSTREAM_TOKEN,
    WEBHOOK_SECRET,
    build_app,
    identity_token,
    running,
    wait_for,
    write_project,
)
from tests.upstream import Reply, serve

# Every test here runs on SQLite and on a real PostgreSQL.
pytestmark = pytest.mark.usefixtures("each_store")

OPERATOR = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}


def say(client: httpx.Client, message: str, cid: str | None = None, token: str | None = None) -> dict:
    body: dict = {"message": message}
    if cid:
        body["conversation_id"] = cid
    if token:
        body["identity_token"] = token
    response = client.post("/v1/chat", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_handoff_reaches_the_inbox_and_the_agent_reply_reaches_the_customer(tmp_path: Path, upstream) -> None:
    config = write_project(tmp_path, upstream.url, "server: {operator_token: ${CHATGW_OPERATOR_TOKEN}}\n")
    token = identity_token({"sub": "u7", "customer_id": "cus_7", "plan": "pro"})
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        cid = say(client, "show me the usage of proj_8f2k1", token=token)["conversation_id"]
        handed = say(client, "I want to talk to a human", cid, token)
        assert handed["handoff"] is True

        assert client.get("/v1/handoffs").status_code == 401
        assert client.get("/v1/handoffs", headers={"Authorization": "Bearer wrong"}).status_code == 401
        [listed] = client.get("/v1/handoffs", params={"status": "open"}, headers=OPERATOR).json()["handoffs"]
        assert listed["conversation_id"] == cid and listed["reason"] == "customer_asked"
        hid = listed["id"]
        detail = client.get(f"/v1/handoffs/{hid}", headers=OPERATOR).json()
        claimed = client.post(f"/v1/handoffs/{hid}/claim", json={"agent": "ana"}, headers=OPERATOR).json()
        replied = client.post(
            f"/v1/handoffs/{hid}/messages", json={"text": "Hi, Ana here. Looking into it."}, headers=OPERATOR
        )
        seen = client.get(f"/v1/conversations/{cid}", headers=OPERATOR).json()
        next_turn = say(client, "thanks, waiting", cid, token)
        after = say(client, "still there?", cid, token)
        resolved = client.post(f"/v1/handoffs/{hid}/resolve", headers=OPERATOR).json()
        back_to_bot = say(client, "show me the usage of proj_8f2k1", cid, token)
        late = client.post(f"/v1/handoffs/{hid}/messages", json={"text": "late"}, headers=OPERATOR)
        open_now = client.get("/v1/handoffs", params={"status": "open"}, headers=OPERATOR).json()["handoffs"]
        missing = client.post("/v1/handoffs/h_nope/claim", json={"agent": "ana"}, headers=OPERATOR)

    packet = detail["packet"]
    assert packet["reason"] == "customer_asked" and packet["conversation_id"] == cid
    assert [m["role"] for m in packet["transcript"]][:2] == ["customer", "bot"]
    assert packet["transcript"][-2]["text"] == "I want to talk to a human"
    [run] = packet["action_runs"]
    assert run["action"] == "show_usage" and run["outcome"] == "ok" and run["request"]["method"] == "GET"
    assert packet["identity"]["customer_id"] == "cus_7" and packet["identity"]["plan"] == "pro"
    assert token not in json.dumps(detail) and UPSTREAM_TOKEN not in json.dumps(detail)
    assert claimed["status"] == "claimed" and claimed["assignee"] == "ana"
    assert replied.status_code == 200
    agent = [m for m in seen["transcript"] if m["role"] == "agent"]
    assert agent == [{"role": "agent", "text": "Hi, Ana here. Looking into it.", "at": agent[0]["at"], "author": "ana"}]
    # Once, under the agent's name, never as a bot reply.
    assert [(m["author"], m["text"]) for m in next_turn["agent_messages"]] == [("ana", "Hi, Ana here. Looking into it.")]
    assert "Hi, Ana here. Looking into it." not in next_turn["replies"] + after["replies"]
    assert after["agent_messages"] == []
    assert resolved["status"] == "resolved"
    assert back_to_bot["handoff"] is False and back_to_bot["intent"]["name"] == "show_usage"
    assert late.status_code == 409 and open_now == []
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "handoff_not_found"


def test_inbox_is_open_on_loopback_without_an_operator_token(tmp_path: Path, upstream) -> None:
    config = write_project(tmp_path, upstream.url)
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        assert client.get("/v1/handoffs").status_code == 200
        assert client.get("/v1/insights").status_code == 200


def test_webhook_down_then_up_loses_nothing(tmp_path: Path, upstream) -> None:
    with serve() as hook:
        hook.respond(Reply(503), Reply(503), Reply(500))  # down for the first three attempts
        extra = (
            f"handoff: {{inbox: true, webhook: {hook.url}/hooks/chatgw, webhook_secret: ${{HANDOFF_WEBHOOK_SECRET}}}}\n"
        )
        config = write_project(tmp_path, upstream.url, extra)
        app = build_app(config, webhook_backoff=0.01)
        store = app.state.gateway.store
        with running(app) as url, httpx.Client(base_url=url) as client:
            first = say(client, "I want a human")["conversation_id"]
            second = say(client, "can I talk to a person")["conversation_id"]
            wait_for(lambda: store.outbox_pending() == 0 and len(hook.received) >= 5)
            pending = store.outbox_pending()

    assert pending == 0
    delivered = [r for r in hook.received][-2:]
    assert len(hook.received) == 5  # 3 refused + 2 delivered, nothing sent twice once accepted
    conversations = sorted(json.loads(r.body)["conversation_id"] for r in delivered)
    assert conversations == sorted([first, second])
    for request in hook.received:
        expected = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), request.body, hashlib.sha256).hexdigest()
        assert request.headers["x-chatgw-signature"] == expected
        assert WEBHOOK_SECRET.encode() not in request.body and IDENTITY_SECRET.encode() not in request.body


def test_inbox_list_cards_carry_the_customer_the_last_message_and_the_actions(tmp_path: Path, upstream) -> None:
    config = write_project(tmp_path, upstream.url)
    token = identity_token({"sub": "u7", "name": "Dana Demo", "customer_id": "cus_7", "plan": "pro"})
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        cid = say(client, "show me the usage of proj_8f2k1", token=token)["conversation_id"]
        say(client, "I want to talk to a human", cid, token)
        anonymous = say(client, "can I talk to a person")["conversation_id"]
        say(client, "x" * 500, anonymous)
        cards = {h["conversation_id"]: h for h in client.get("/v1/handoffs").json()["handoffs"]}
        favicon = client.get("/favicon.ico")
    card, other = cards[cid], cards[anonymous]
    assert card["customer"] == {"name": "Dana Demo", "customer_id": "cus_7", "sub": "u7"}  # never other claims
    assert card["last_message"]["role"] == "customer" and card["last_message"]["text"] == "I want to talk to a human"
    assert card["actions"] == [{"action": "show_usage", "outcome": "ok", "status": 200}]
    assert other["customer"] == {} and other["actions"] == []
    assert len(other["last_message"]["text"]) == 200 and other["last_message"]["text"].endswith("…")
    assert favicon.status_code == 200 and favicon.headers["content-type"].startswith("image/svg+xml")
