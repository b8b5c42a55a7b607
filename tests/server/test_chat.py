"""`POST /v1/chat` over real HTTP: uvicorn on loopback, a real upstream, a real SQLite file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from tests.server.gateway import (
    IDENTITY_SECRET,
    UPSTREAM_TOKEN,
    build_app,
    captured_logs,
    chat,
    identity_token,
    running,
    write_project,
)

# Every test here runs on SQLite and on a real PostgreSQL.
pytestmark = pytest.mark.usefixtures("each_store")


def test_chat_full_conversation_runs_the_action_once_and_records_it(tmp_path: Path, upstream) -> None:
    config = write_project(tmp_path, upstream.url)
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        first = chat(client, "reset my api key")
        assert first.status_code == 200
        turn = first.json()
        cid = turn["conversation_id"]
        assert cid and turn["intent"]["name"] == "rotate_key" and turn["state"] == "collecting"
        assert set(turn) == {
            "conversation_id", "intent", "candidates", "slots", "state", "replies", "tags", "handoff", "choices",
            "agent_messages",
        }
        confirming = chat(client, "it is proj_ab12c", cid).json()
        assert confirming["state"] == "confirming" and confirming["slots"] == {"project_id": "proj_ab12c"}
        done = chat(client, "yes", cid).json()
        assert any("x9Qz" in reply for reply in done["replies"])
        assert "outcome:resolved" in done["tags"]

        conversation = client.get(f"/v1/conversations/{cid}").json()

    assert upstream.paths() == ["/projects/proj_ab12c/keys/rotate"]
    assert upstream.received[0].headers["authorization"] == f"Bearer {UPSTREAM_TOKEN}"
    roles = [m["role"] for m in conversation["transcript"]]
    assert roles[0] == "customer" and roles.count("customer") == 3 and "bot" in roles
    assert {"keys", "action:rotate_key", "Keys", "outcome:resolved"} <= set(conversation["tags"])
    [run] = conversation["action_runs"]
    assert run["action"] == "rotate_key" and run["operation"] == "rotateProjectKey" and run["outcome"] == "ok"
    assert run["status"] == 200 and UPSTREAM_TOKEN not in str(run["request"])


def test_chat_request_is_shown_only_in_debug(tmp_path: Path, upstream) -> None:
    config = write_project(tmp_path, upstream.url, "server: {debug: true}\n")
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        turn = chat(client, "show me the usage of proj_8f2k1").json()
    assert turn["request"]["method"] == "GET"
    assert UPSTREAM_TOKEN not in str(turn)


def test_chat_restart_in_the_middle_of_a_form_continues(tmp_path: Path, upstream) -> None:
    config = write_project(tmp_path, upstream.url)
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        cid = chat(client, "reset my api key").json()["conversation_id"]
        assert chat(client, "proj_ab12c", cid).json()["state"] == "confirming"
    assert upstream.received == []
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        done = chat(client, "yes", cid).json()
    assert done["conversation_id"] == cid and any("x9Qz" in reply for reply in done["replies"])
    assert upstream.paths() == ["/projects/proj_ab12c/keys/rotate"]


def test_chat_thirty_concurrent_conversations_do_not_cross(tmp_path: Path, upstream) -> None:
    config = write_project(tmp_path, upstream.url)
    projects = [f"proj_{n:05d}" for n in range(30)]

    async def conversation(client: httpx.AsyncClient, project: str) -> tuple[str, list[str]]:
        first = (await client.post("/v1/chat", json={"message": "reset my api key"})).json()
        cid = first["conversation_id"]
        await client.post("/v1/chat", json={"conversation_id": cid, "message": project})
        done = (await client.post("/v1/chat", json={"conversation_id": cid, "message": "yes"})).json()
        return cid, done["replies"]

    async def all_of_them(url: str) -> list[tuple[str, list[str]]]:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            return await asyncio.gather(*(conversation(client, p) for p in projects))

    with running(build_app(config)) as url:
        results = asyncio.run(all_of_them(url))
        with httpx.Client(base_url=url) as client:
            runs = {cid: client.get(f"/v1/conversations/{cid}").json()["action_runs"] for cid, _ in results}

    assert len({cid for cid, _ in results}) == 30
    assert sorted(upstream.paths()) == sorted(f"/projects/{p}/keys/rotate" for p in projects)
    for (cid, replies), project in zip(results, projects):
        assert any("x9Qz" in reply for reply in replies)
        [run] = runs[cid]
        assert project in run["request"]["url"]


def test_chat_racing_duplicate_confirmations_run_the_action_once(tmp_path: Path, upstream) -> None:
    config = write_project(tmp_path, upstream.url)

    async def race(url: str, cid: str) -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            body = {"conversation_id": cid, "message": "yes"}
            return await asyncio.gather(*(client.post("/v1/chat", json=body) for _ in range(5)))

    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        cid = chat(client, "reset my api key").json()["conversation_id"]
        assert chat(client, "proj_ab12c", cid).json()["state"] == "confirming"
        responses = asyncio.run(race(url, cid))
        runs = client.get(f"/v1/conversations/{cid}").json()["action_runs"]

    assert all(response.status_code == 200 for response in responses)
    assert upstream.paths() == ["/projects/proj_ab12c/keys/rotate"]
    assert len(runs) == 1


@pytest.mark.parametrize(
    "token",
    [
        identity_token({"sub": "u1", "customer_id": "cus_1"}, secret="not-the-secret-but-long-enough-too"),
        identity_token({"sub": "u1", "customer_id": "cus_1"}, expires_in=-60),
        "garbage",
        "a.b.c",
        identity_token({"sub": "u1"}).rsplit(".", 1)[0] + ".",  # signature stripped
    ],
    ids=["forged", "expired", "garbage", "dots", "unsigned"],
)
def test_chat_bad_identity_token_is_401(tmp_path: Path, upstream, token: str) -> None:
    config = write_project(tmp_path, upstream.url)
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        response = chat(client, "extend my trial", identity_token=token)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_identity"
    assert token not in response.text


def test_chat_token_without_exp_is_401(tmp_path: Path, upstream) -> None:
    import jwt

    token = jwt.encode({"sub": "u1"}, IDENTITY_SECRET, algorithm="HS256")
    config = write_project(tmp_path, upstream.url)
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        assert chat(client, "hello", identity_token=token).status_code == 401


def test_chat_identity_claims_fill_identity_slots(tmp_path: Path, upstream) -> None:
    config = write_project(tmp_path, upstream.url)
    token = identity_token({"sub": "u1", "customer_id": "cus_42"})
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        cid = chat(client, "extend my trial", identity_token=token).json()["conversation_id"]
        assert chat(client, "24", cid, identity_token=token).json()["state"] == "confirming"
        chat(client, "yes", cid, identity_token=token)
    assert upstream.paths() == ["/customers/cus_42/trial/extend"]


def test_chat_conversation_stays_bound_to_its_identity(tmp_path: Path, upstream) -> None:
    config = write_project(tmp_path, upstream.url)
    mine = identity_token({"sub": "u1", "customer_id": "cus_1"})
    theirs = identity_token({"sub": "u2", "customer_id": "cus_2"})
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        cid = chat(client, "extend my trial", identity_token=mine).json()["conversation_id"]
        stolen = chat(client, "72", cid, identity_token=theirs)
        anonymous = chat(client, "72", cid)
        peek = client.get(f"/v1/conversations/{cid}", headers={"Authorization": f"Bearer {theirs}"})
        own = client.get(f"/v1/conversations/{cid}", headers={"Authorization": f"Bearer {mine}"})
    assert stolen.status_code == 403 and stolen.json()["error"]["code"] == "conversation_forbidden"
    assert anonymous.status_code == 403
    assert peek.status_code == 403 and own.status_code == 200
    assert upstream.received == []


def test_chat_bad_input_is_an_error_object_never_a_500(tmp_path: Path, upstream) -> None:
    config = write_project(tmp_path, upstream.url, "server: {max_message_chars: 50}\n")
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        too_long = chat(client, "x" * 51)
        unknown = chat(client, "hello", "c_never_made_here")
        malformed = client.post("/v1/chat", content=b'{"message": ', headers={"Content-Type": "application/json"})
        missing = client.post("/v1/chat", json={"text": "hi"})
        wrong_type = client.post("/v1/chat", json={"message": ["hi"]})
        not_json = client.post("/v1/chat", content=b"\xff\xfe", headers={"Content-Type": "application/json"})
        too_deep = client.post("/v1/chat", content=b'{"message":' + b"[" * 60000 + b"]" * 60000 + b"}")
        nowhere = client.get("/v1/nothing-here")
        no_conversation = client.get("/v1/conversations/c_never_made_here")
    assert too_long.status_code == 413 and too_long.json()["error"]["code"] == "message_too_long"
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "conversation_not_found"
    assert malformed.status_code == 400 and malformed.json()["error"]["code"] == "malformed_json"
    assert missing.status_code == 422 and wrong_type.status_code == 422
    assert not_json.status_code in (400, 422)
    assert too_deep.status_code == 400 and too_deep.json()["error"]["code"] == "malformed_json"
    assert nowhere.status_code == 404 and no_conversation.status_code == 404
    for response in (too_long, unknown, malformed, missing, wrong_type, not_json, too_deep, nowhere, no_conversation):
        assert set(response.json()) == {"error"} and set(response.json()["error"]) == {"code", "message"}
        assert "Traceback" not in response.text


def test_chat_no_credential_or_token_in_any_response_or_log_line(tmp_path: Path, upstream) -> None:
    config = write_project(tmp_path, upstream.url, "server: {debug: true}\n")
    token = identity_token({"sub": "u1", "customer_id": "cus_9"})
    bodies: list[str] = []
    with captured_logs() as lines, running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        cid = None
        for message in ("reset my api key", "proj_ab12c", "yes", "extend my trial", "12", "yes", "I want a human"):
            response = chat(client, message, cid, identity_token=token)
            bodies.append(response.text)
            cid = response.json()["conversation_id"]
        bodies.append(client.get(f"/v1/conversations/{cid}").text)
        bodies.append(client.get("/v1/handoffs").text)
        bodies.append(client.get("/v1/insights").text)
        bodies.append(client.get("/metrics").text)
        bodies.append(chat(client, "hi", identity_token=token + "x").text)
    assert upstream.received, "the conversation reached the upstream"
    assert lines, "the server logged"
    for text in bodies + lines:
        for secret in (UPSTREAM_TOKEN, IDENTITY_SECRET, token):
            assert secret not in text


def test_health_ready_and_metrics(tmp_path: Path, upstream) -> None:
    config = write_project(tmp_path, upstream.url)
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        chat(client, "show me the usage of proj_8f2k1")
        health = client.get("/healthz")
        ready = client.get("/readyz")
        metrics = client.get("/metrics").text
        pages = [client.get(path) for path in ("/", "/inbox", "/insights", "/static/app.css")]
    assert all(page.status_code == 200 for page in pages)
    assert pages[0].headers["content-type"].startswith("text/html")
    assert health.json() == {"status": "ok"}
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    assert 'chatgw_turns_total{state="idle"} 1.0' in metrics
    assert 'chatgw_actions_total{action="show_usage",outcome="ok"} 1.0' in metrics
    assert "chatgw_upstream_latency_seconds_count" in metrics


def test_conversation_read_back_keeps_the_standing_buttons_and_the_open_handoff(tmp_path: Path, upstream) -> None:
    # What a reloaded chat page reads: the pending confirmation's Yes/No, then who is on it.
    config = write_project(tmp_path, upstream.url)
    token = identity_token({"sub": "u1"})
    auth = {"Authorization": f"Bearer {token}"}
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        cid = chat(client, "reset my api key", identity_token=token).json()["conversation_id"]
        asking = client.get(f"/v1/conversations/{cid}", headers=auth).json()
        confirming = chat(client, "proj_ab12c", cid, identity_token=token).json()
        pending = client.get(f"/v1/conversations/{cid}", headers=auth).json()
        chat(client, "no", cid, identity_token=token)
        declined = client.get(f"/v1/conversations/{cid}", headers=auth).json()
        chat(client, "I want to talk to a human", cid, identity_token=token)
        handed = client.get(f"/v1/conversations/{cid}", headers=auth).json()
        client.post(f"/v1/handoffs/{handed['handoff']['id']}/resolve")
        resolved = client.get(f"/v1/conversations/{cid}", headers=auth).json()
    assert asking["choices"] == [] and asking["handoff"] is None
    assert pending["choices"] == confirming["choices"] == ["Yes", "No"]
    assert pending["transcript"][-1]["text"] == confirming["replies"][-1]  # the question the buttons answer
    assert declined["choices"] == []
    assert handed["handoff"]["status"] == "open" and handed["handoff"]["reason"] == "customer_asked"
    assert "packet" not in handed["handoff"]
    assert resolved["handoff"] is None and resolved["state"] == "idle"


def test_conversation_read_back_during_an_approval_names_its_kind(tmp_path: Path, upstream) -> None:
    from tests.server.approving import Customer, approval_project

    config = approval_project(tmp_path, upstream.url)
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        customer = Customer(client)
        customer.ask_for_approval()
        found = client.get(f"/v1/conversations/{customer.cid}", headers={"Authorization": f"Bearer {customer.token}"})
    assert found.status_code == 200, found.text
    assert found.json()["handoff"]["kind"] == "approval" and found.json()["handoff"]["approval"]["status"] == "pending"
