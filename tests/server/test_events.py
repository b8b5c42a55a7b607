"""Live updates across replicas: two `chatgw serve` processes on one store (SQLite and
PostgreSQL); a page connected to one sees what the other wrote, as server-sent events and as
a long poll with the same cursor."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from tests.server.gateway import OPERATOR_TOKEN, identity_token, write_project
from tests.server.served import serving

pytestmark = pytest.mark.usefixtures("each_store")

OPERATOR = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
STREAM = {**OPERATOR, "Accept": "text/event-stream"}
CONFIG = "server: {operator_token: ${CHATGW_OPERATOR_TOKEN}}\n"


def sse(lines: Iterator[str]) -> Iterator[dict[str, Any]]:
    """Parse a text/event-stream: each event as {event, id, data} (comments and pings skipped)."""
    current: dict[str, Any] = {}
    for line in lines:
        if not line:
            if "data" in current:
                yield {**current, "data": json.loads(current["data"])}
            current = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            current[name] = value.removeprefix(" ")


def say(url: str, message: str, cid: str | None = None, token: str | None = None) -> dict[str, Any]:
    body = {"message": message, "conversation_id": cid, "identity_token": token}
    response = httpx.post(url + "/v1/chat", json={k: v for k, v in body.items() if v is not None}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def test_inbox_stream_on_one_replica_shows_what_the_other_replica_wrote(tmp_path: Path, upstream) -> None:
    config = write_project(tmp_path, upstream.url, CONFIG)
    token = identity_token({"sub": "u7", "customer_id": "cus_7"})
    with serving(config) as one, serving(config) as two:
        cid = say(one.url, "I want to talk to a human", token=token)["conversation_id"]
        [handoff] = httpx.get(two.url + "/v1/handoffs", headers=OPERATOR).json()["handoffs"]
        seen: list[dict[str, Any]] = []
        with httpx.stream("GET", two.url + "/v1/events", headers=STREAM, timeout=30) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            assert response.headers["x-accel-buffering"] == "no"  # tells nginx not to buffer
            events = sse(response.iter_lines())
            first = next(events)
            assert first["event"] == "cursor" and first["id"] == first["data"]["cursor"]
            say(one.url, "are you still there?", cid, token)
            httpx.post(f"{one.url}/v1/handoffs/{handoff['id']}/resolve", headers=OPERATOR, timeout=30)
            for found in events:
                seen.append(found)
                if found["event"] == "handoff" and found["data"]["status"] == "resolved":
                    break
    messages = [e["data"] for e in seen if e["event"] == "message"]
    assert [m["role"] for m in messages] == ["customer", "bot"]
    assert {m["conversation_id"] for m in messages} == {cid}
    assert seen[-1]["data"]["id"] == handoff["id"] and seen[-1]["id"]  # the batch's last carries the cursor
    assert "text" not in messages[0]  # an event names what changed; the page reads it from the API


def test_long_poll_with_the_same_cursor_waits_for_a_change_on_another_replica(tmp_path: Path, upstream) -> None:
    config = write_project(tmp_path, upstream.url, CONFIG)
    with serving(config) as one, serving(config) as two:
        cid = say(one.url, "I want to talk to a human")["conversation_id"]
        [handoff] = httpx.get(one.url + "/v1/handoffs", headers=OPERATOR).json()["handoffs"]
        start = httpx.get(two.url + "/v1/events", headers=OPERATOR, timeout=30).json()
        assert start["events"] == [] and start["cursor"]  # no cursor: at once, the current one
        idle = httpx.get(two.url + "/v1/events", params={"cursor": start["cursor"], "wait": 0}, headers=OPERATOR)
        assert idle.json()["events"] == []
        answer: dict[str, Any] = {}
        waiting = threading.Thread(target=lambda: answer.update(httpx.get(
            two.url + "/v1/events", params={"cursor": start["cursor"], "wait": 50}, headers=OPERATOR, timeout=60,
        ).json()))
        waiting.start()
        httpx.post(f"{one.url}/v1/handoffs/{handoff['id']}/messages", json={"text": "Hi", "agent": "ana"},
                   headers=OPERATOR, timeout=30)
        waiting.join(timeout=60)
        first = list(answer["events"])
        # The reply and the claim it implies are two writes: the poll may answer between them.
        rest = httpx.get(two.url + "/v1/events", params={"cursor": answer["cursor"], "wait": 5}, headers=OPERATOR,
                         timeout=30)
        after = httpx.get(two.url + "/v1/events", params={"cursor": rest.json()["cursor"], "wait": 0}, headers=OPERATOR)
    events = first + rest.json()["events"]
    kinds = [(e["type"], e.get("role") or e.get("status")) for e in events]
    assert first and kinds == [("message", "agent"), ("handoff", "claimed")]
    assert all(e["conversation_id"] == cid for e in events)
    assert after.json()["events"] == []  # nothing twice


def test_conversation_events_are_the_customers_own_and_bad_input_is_a_clear_error(tmp_path: Path, upstream) -> None:
    config = write_project(tmp_path, upstream.url, CONFIG)
    mine, theirs = identity_token({"sub": "u7"}), identity_token({"sub": "u8"})
    with serving(config) as one, serving(config) as two:
        cid = say(one.url, "I want to talk to a human", token=mine)["conversation_id"]
        other = say(one.url, "I want to talk to a human", token=theirs)["conversation_id"]
        path = f"{two.url}/v1/conversations/{cid}/events"
        start = httpx.get(path, headers={"Authorization": f"Bearer {mine}"}).json()
        handoffs = httpx.get(one.url + "/v1/handoffs", headers=OPERATOR).json()["handoffs"]
        for found in handoffs:
            httpx.post(f"{one.url}/v1/handoffs/{found['id']}/resolve", headers=OPERATOR, timeout=30)
        events = httpx.get(path, params={"cursor": start["cursor"], "wait": 10},
                           headers={"Authorization": f"Bearer {mine}"}, timeout=30).json()["events"]
        forbidden = httpx.get(path, headers={"Authorization": f"Bearer {theirs}"})
        anonymous = httpx.get(path)
        missing = httpx.get(f"{two.url}/v1/conversations/c_nope/events", headers=OPERATOR)
        garbled = httpx.get(two.url + "/v1/events", params={"cursor": "garbled"}, headers=OPERATOR)
        too_long = httpx.get(two.url + "/v1/events", params={"wait": 3600}, headers=OPERATOR)
        no_token = httpx.get(two.url + "/v1/events", headers={"Accept": "text/event-stream"})
    assert [(e["type"], e["status"], e["conversation_id"]) for e in events] == [("handoff", "resolved", cid)]
    assert other not in json.dumps(events)
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "conversation_forbidden"
    assert anonymous.status_code == 401
    assert missing.status_code == 404
    assert garbled.status_code == 400 and garbled.json()["error"]["code"] == "invalid_cursor"
    assert "start without one" in garbled.json()["error"]["message"]
    assert too_long.status_code == 422 and "wait" in too_long.json()["error"]["message"]
    assert no_token.status_code == 401
