"""At most one send per confirmed request: across a killed gateway, a failed turn, replicas.

Real parts throughout: `chatgw serve` subprocesses killed with SIGKILL mid-call, uvicorn on
loopback, a real SQLite file shared by replicas, the real upstream of tests/upstream.py.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from chatgw.store import open_store
from chatgw.store.tables import conversations

from tests.server.gateway import (
    ENV, ROTATE, build_app, captured_logs, chat, confirm_rotation, events, identity_token, rotations, running, wait_for,
    write_project,
)
from tests.server.mcp import data, http_client, refusal
from tests.server.served import serving
from tests.upstream import Reply, Upstream, serve

# Every test here runs on SQLite and on a real PostgreSQL.
pytestmark = pytest.mark.usefixtures("each_store")

KEY = "idempotency-key"


def fast_project(root: Path, upstream: Upstream, extra: str = "", *, idempotent: bool = False) -> Path:
    """The test project with a 1 s upstream timeout: a killed turn's lease lapses in seconds."""
    config = write_project(root, upstream.url, extra)
    honoured = "\n  idempotent_operations: [rotateProjectKey]" if idempotent else ""
    config.write_text(config.read_text().replace("  retries: 0\n", f"  retries: 0\n  timeout: 1s{honoured}\n"))
    return config


@contextmanager
def gateway_process(config: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    """`chatgw serve` in its own process on a free loopback port, ready."""
    with serving(config) as served:
        yield served.process, served.url


def kill_during_the_call(config: Path, upstream: Upstream) -> str:
    """Confirm a key rotation, SIGKILL the gateway while the upstream holds the POST; the cid."""
    upstream.respond(Reply(200, {"key_suffix": "x9Qz"}, delay=60), path=ROTATE)
    with gateway_process(config) as (process, url), httpx.Client(base_url=url, timeout=30) as client:
        cid = confirm_rotation(client)
        sender = threading.Thread(target=lambda: _ignore_failure(client, cid), daemon=True)
        sender.start()
        wait_for(lambda: len(rotations(upstream)) == 1)
        assert len(rotations(upstream)) == 1
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        sender.join(timeout=30)
    return cid


def _ignore_failure(client: httpx.Client, cid: str) -> None:
    try:
        chat(client, "yes", cid)
    except httpx.HTTPError:
        pass  # the gateway died under it, as intended


def continue_after_lease(client: httpx.Client, cid: str, message: str) -> dict:
    """Send `message` as soon as the dead turn's lease has lapsed (bounded)."""
    answers: list[httpx.Response] = []

    def taken() -> bool:
        answers.append(chat(client, message, cid))
        return answers[-1].status_code != 409

    wait_for(taken, limit=60)
    assert answers[-1].status_code == 200, answers[-1].text
    assert all(a.status_code in (200, 409) for a in answers)
    return answers[-1].json()


def test_a_gateway_killed_mid_call_never_sends_the_confirmed_request_again(tmp_path: Path) -> None:
    with serve() as upstream:
        config = fast_project(tmp_path, upstream)
        runs = []
        for attempt in range(2):  # two crash runs on the same store
            cid = kill_during_the_call(config, upstream)
            with gateway_process(config) as (_, url), httpx.Client(base_url=url, timeout=30) as client:
                settled = continue_after_lease(client, cid, "yes")
                again = chat(client, "yes", cid).json()
                conversation = client.get(f"/v1/conversations/{cid}").json()
                handoffs = client.get("/v1/handoffs").json()["handoffs"]
            runs.append((settled, again, conversation))
            assert len(rotations(upstream)) == attempt + 1  # one send per confirmed request

    for settled, again, conversation in runs:
        # Settled by this message, or a moment before by the gateway's own sweep: either way
        # the customer was told and a human has it.
        said = " ".join(m["text"] for m in conversation["transcript"] if m["role"] == "bot")
        assert settled["handoff"] is True and "couldn't confirm" in said
        assert again["state"] == "handoff"  # the next "yes" starts nothing
        [run] = conversation["action_runs"]
        assert run["outcome"] == "unknown" and run["request"]["method"] == "POST"
    assert {h["reason"] for h in handoffs} == {"outcome_unknown"}
    sent_keys = [r.headers[KEY] for r in rotations(upstream)]
    assert len(set(sent_keys)) == 2  # two conversations, two confirmed requests
    assert [conversation["action_runs"][0]["idempotency_key"] for _, _, conversation in runs] == sent_keys


def test_a_killed_call_to_an_operation_that_honours_the_key_is_resent_with_the_same_key(tmp_path: Path) -> None:
    with serve() as upstream:
        config = fast_project(tmp_path, upstream, idempotent=True)
        cid = kill_during_the_call(config, upstream)
        upstream.respond(Reply(200, {"key_suffix": "x9Qz"}), path=ROTATE)
        with gateway_process(config) as (_, url), httpx.Client(base_url=url, timeout=30) as client:
            settled = continue_after_lease(client, cid, "yes")
            conversation = client.get(f"/v1/conversations/{cid}").json()
            [run] = conversation["action_runs"]

    first, replayed = rotations(upstream)
    assert first.headers[KEY] == replayed.headers[KEY] == run["idempotency_key"]
    assert first.body == replayed.body
    # Replayed by this message or by the gateway's sweep just before: the customer sees the answer.
    assert any("x9Qz" in m["text"] for m in conversation["transcript"] if m["role"] == "bot")
    assert settled["handoff"] is False
    assert run["outcome"] == "ok" and run["status"] == 200


def test_a_turn_failing_after_the_call_releases_the_conversation_and_never_resends(tmp_path: Path, upstream) -> None:
    config = write_project(tmp_path, upstream.url)
    app = build_app(config)
    store = app.state.gateway.store
    real_save = store.save_turn
    failures = []

    def failing_save(record):  # fault injection: the store fails once, after the upstream answered
        if record.message == "yes" and not failures:
            failures.append(record)
            raise OperationalError("INSERT", {}, Exception("disk I/O error"))
        return real_save(record)

    store.save_turn = failing_save
    with captured_logs() as lines, running(app) as url, httpx.Client(base_url=url) as client:
        cid = confirm_rotation(client)
        failed = chat(client, "yes", cid)
        right_after = chat(client, "yes", cid)  # no 409: the lease went back with the failure
        later = chat(client, "yes", cid)
        [run] = client.get(f"/v1/conversations/{cid}").json()["action_runs"]

    assert failed.status_code == 503 and failed.json()["error"]["code"] == "store_unavailable"
    assert right_after.status_code == 200
    assert "went through" in " ".join(right_after.json()["replies"])
    assert later.status_code == 200 and later.json()["state"] != "confirming"
    assert len(rotations(upstream)) == 1
    assert run["outcome"] == "ok" and run["status"] == 200
    assert any(e["event"] == "turn_failed" for e in events(lines))


def test_preview_sent_request_and_stored_run_carry_one_deterministic_key(tmp_path: Path, upstream) -> None:
    config = write_project(tmp_path, upstream.url, "server: {debug: true}\n")
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        cid = confirm_rotation(client)
        again = chat(client, "proj_ab12c", cid).json()  # the same confirmation, previewed again
        preview = chat(client, "hm, proj_ab12c", cid).json()["request"]
        chat(client, "yes", cid)
        [run] = client.get(f"/v1/conversations/{cid}").json()["action_runs"]
        cid2 = confirm_rotation(client)
        chat(client, "yes", cid2)

    first, second = rotations(upstream)
    assert again["request"]["headers"]["Idempotency-Key"] == preview["headers"]["Idempotency-Key"]
    assert preview["headers"]["Idempotency-Key"] == first.headers[KEY] == run["idempotency_key"]
    assert second.headers[KEY] != first.headers[KEY]  # another conversation, another request


def test_a_request_that_differs_from_the_confirmed_one_is_not_sent(tmp_path: Path, upstream) -> None:
    config = write_project(tmp_path, upstream.url)
    confirmed_as = identity_token({"sub": "u1", "customer_id": "cus_1"})
    yes_as = identity_token({"sub": "u1", "customer_id": "cus_2"})  # same subject, other account
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        cid = chat(client, "extend my trial by 24 hours", identity_token=confirmed_as).json()["conversation_id"]
        turn = chat(client, "24", cid, identity_token=confirmed_as).json()
        if turn["state"] != "confirming":
            turn = chat(client, "24 hours", cid, identity_token=confirmed_as).json()
        assert turn["state"] == "confirming"
        refused = chat(client, "yes", cid, identity_token=yes_as).json()
        [run] = client.get(f"/v1/conversations/{cid}").json()["action_runs"]

    assert upstream.received == []
    assert refused["handoff"] is True and "haven't sent anything" in " ".join(refused["replies"])
    assert run["outcome"] == "changed"


def test_two_replicas_racing_one_confirmation_send_it_once(tmp_path: Path, upstream) -> None:
    config = write_project(tmp_path, upstream.url)
    upstream.respond(Reply(200, {"key_suffix": "x9Qz"}, delay=0.3), path=ROTATE)  # keep the first in flight

    async def race(urls: list[str], cid: str) -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=30) as client:
            body = {"conversation_id": cid, "message": "yes"}
            return await asyncio.gather(*(client.post(u + "/v1/chat", json=body) for u in urls for _ in range(3)))

    results = []
    with running(build_app(config)) as one, running(build_app(config)) as two, httpx.Client(base_url=one) as client:
        for _ in range(5):  # five race runs
            cid = confirm_rotation(client)
            responses = asyncio.run(race([one, two], cid))
            results.append((responses, client.get(f"/v1/conversations/{cid}").json()["action_runs"]))

    assert len(rotations(upstream)) == 5
    for responses, runs in results:
        assert {r.status_code for r in responses} <= {200, 409}
        assert len(runs) == 1 and runs[0]["outcome"] == "ok"


def test_the_run_key_refuses_a_second_start_even_without_the_lease(tmp_path: Path) -> None:
    from chatgw.store import RunAhead, open_store

    url = f"sqlite:///{tmp_path}/chat.db"
    one, two = open_store(url), open_store(url)
    try:
        ahead = RunAhead("k" * 32, "rotate_key", "rotateProjectKey", {"method": "POST"}, "key-1", {"status": "executing"})
        lease = one.begin_run("c1", ahead, lease=None, subject="u1", claims={}, now=1000.0)
        assert lease is not None
        # Another replica holding a (wrongly) taken lease still cannot start the same run.
        two.end_turn("c1", lease)
        taken = two.start_turn("c1", subject="u1", now=1001.0)
        assert taken is not None
        assert two.begin_run("c1", ahead, lease=taken.lease, subject="u1", claims={}, now=1001.0) is None
        assert two.run_status("k" * 32) == ("sending", None)
    finally:
        one.close()
        two.close()


def test_outbox_rows_are_claimed_by_one_replica_and_carry_a_delivery_id(tmp_path: Path, upstream) -> None:
    with serve() as hook:
        extra = f"handoff: {{inbox: true, webhook: {hook.url}/hooks}}\n"
        config = write_project(tmp_path, upstream.url, extra)
        apps = [build_app(config, webhook_backoff=0.01) for _ in range(2)]
        with running(apps[0]) as one, running(apps[1]) as two:
            for index in range(10):
                with httpx.Client(base_url=(one, two)[index % 2]) as client:
                    chat(client, "I want to talk to a human")
            for app in apps:
                app.state.gateway.outbox_wakeup.set()
            wait_for(lambda: apps[0].state.gateway.store.outbox_pending() == 0 and len(hook.received) >= 10)

    ids = [json.loads(r.body)["delivery_id"] for r in hook.received]
    assert len(hook.received) == 10 and len(set(ids)) == 10
    assert all(r.headers["x-chatgw-delivery"] == json.loads(r.body)["delivery_id"] for r in hook.received)


def test_every_upstream_failure_is_logged_without_a_credential(tmp_path: Path, upstream) -> None:
    upstream.respond(Reply(404, {"error": "nope"}))
    config = write_project(tmp_path, upstream.url)
    with captured_logs() as lines, running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        chat(client, "show me the usage of proj_8f2k1")
    [failed] = [e for e in events(lines) if e["event"] == "upstream_failed"]
    assert failed["action"] == "show_usage" and failed["status"] == 404 and failed["operation"] == "getProjectUsage"
    assert ENV["ACME_API_TOKEN"] not in "\n".join(lines)


def test_a_crashed_run_nobody_comes_back_to_still_reaches_a_human(tmp_path: Path) -> None:
    with serve() as upstream:
        config = fast_project(tmp_path, upstream)
        cid = kill_during_the_call(config, upstream)
        with gateway_process(config) as (_, url), httpx.Client(base_url=url, timeout=30) as client:
            # No customer message: the restarted gateway settles the run once the lease lapses.
            wait_for(lambda: client.get("/v1/handoffs").json()["handoffs"] != [], limit=60)
            [handoff] = client.get("/v1/handoffs").json()["handoffs"]
            detail = client.get(f"/v1/handoffs/{handoff['id']}").json()
            later = chat(client, "yes", cid).json()

    assert handoff["conversation_id"] == cid and handoff["reason"] == "outcome_unknown"
    [run] = detail["packet"]["action_runs"]
    assert run["outcome"] == "unknown" and run["request"]["url"].endswith(ROTATE)
    assert detail["conversation"]["transcript"][-1]["text"].startswith("I sent your request")
    assert later["state"] == "handoff" and len(rotations(upstream)) == 1


MCP_CUSTOMER = {"sub": "cus_1", "customer_id": "cus_1"}
MCP_SECRET = {"CHATGW_CONFIRMATION_SECRET": "confirmation-secret-9e8d7c"}  # shared by both processes


def test_a_gateway_killed_mid_tool_call_keeps_the_run_in_doubt_and_the_same_token_never_resends(
    tmp_path: Path, each_store: str
) -> None:
    token = identity_token(MCP_CUSTOMER)

    async def call(url: str, arguments: dict) -> Any:
        async with http_client(url, token) as client:
            return await client.call_tool("rotate_key", arguments)

    with serve() as upstream:
        config = fast_project(tmp_path, upstream, "server: {confirmation_secret: ${CHATGW_CONFIRMATION_SECRET}}\n")
        upstream.respond(Reply(200, {"key_suffix": "x9Qz"}, delay=60), path=ROTATE)
        confirmed = {"project_id": "proj_ab12c"}
        lost: list[Exception] = []
        with serving(config, env=MCP_SECRET) as served:
            confirmed["confirmation"] = data(asyncio.run(call(served.url, confirmed)))["confirmation"]

            def agent() -> None:
                try:
                    asyncio.run(call(served.url, confirmed))
                except Exception as error:  # the gateway dies under the call, as intended; asserted below
                    lost.append(error)

            calling = threading.Thread(target=agent, daemon=True)
            calling.start()
            wait_for(lambda: len(rotations(upstream)) == 1)
            assert len(rotations(upstream)) == 1  # sent, and the gateway is killed before it stores the answer
            served.process.send_signal(signal.SIGKILL)
            served.process.wait(timeout=30)
            calling.join(timeout=60)

        store = open_store(each_store, root=str(tmp_path))
        try:
            with store.engine.connect() as connection:  # the call's conversation: proposals store nothing
                [cid] = connection.execute(select(conversations.c.id, conversations.c.status)).all()
            crashed = (cid.status, [(r.outcome, r.status) for r in store.runs(cid.id)])
        finally:
            store.close()

        with serving(config, env=MCP_SECRET) as served, httpx.Client(base_url=served.url, timeout=30) as client:
            retried = refusal(asyncio.run(call(served.url, confirmed)))  # at once: the run may still be out
            wait_for(lambda: client.get("/v1/handoffs").json()["handoffs"] != [], limit=60)  # the sweep settles it
            [handoff] = client.get("/v1/handoffs").json()["handoffs"]
            settled = client.get(f"/v1/conversations/{cid.id}").json()
            again = refusal(asyncio.run(call(served.url, confirmed)))
        sent = len(rotations(upstream))

    assert lost and crashed == ("executing", [("sending", None)])  # in doubt on record across the crash
    for refused in (retried, again):
        assert "used already" in refused and "whether its request reached the API is not known" in refused
        assert "It is not sent again" in refused and "a teammate will check" in refused
    assert handoff["conversation_id"] == cid.id and handoff["reason"] == "outcome_unknown"
    assert [r["outcome"] for r in settled["action_runs"]] == ["unknown"]
    assert sent == 1  # neither the restart, nor its sweep, nor the agent's retries sent it again
