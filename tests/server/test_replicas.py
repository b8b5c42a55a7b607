"""Two `chatgw serve` processes on one store (a SQLite file, and a real PostgreSQL), and one
`chatgw serve --workers 2`: customers' confirmations, handoffs and approvals race across the
processes, and every confirmed (or approved) request reaches the upstream once and every handoff
reaches the webhook once."""

from __future__ import annotations

import asyncio
import json
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from tests.server.gateway import ROTATE, chat, confirm_rotation, rotations, wait_for, write_project
from tests.server.approving import EXTEND, OPERATOR, Customer, approval_project, extensions
from tests.server.served import serving
from tests.upstream import Reply, serve

pytestmark = pytest.mark.usefixtures("each_store")

CONVERSATIONS = 4  # confirmed rotations, each "yes" sent six times across the two processes
HANDOFFS = 6


@pytest.mark.parametrize("layout", ["two serve processes", "one serve, two workers"])
def test_two_processes_send_each_confirmed_request_once_and_each_handoff_once(tmp_path: Path, upstream, layout: str) -> None:
    upstream.respond(Reply(200, {"key_suffix": "x9Qz"}, delay=0.2), path=ROTATE)  # keep each in flight

    async def race(urls: list[str], cid: str) -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=30) as client:
            body = {"conversation_id": cid, "message": "yes"}
            return await asyncio.gather(*(client.post(url + "/v1/chat", json=body) for url in urls for _ in range(3)))

    with serve() as hook:
        config = write_project(tmp_path, upstream.url, f"handoff: {{inbox: true, webhook: {hook.url}/hooks}}\n")
        with ExitStack() as stack:
            if layout == "two serve processes":
                urls = [stack.enter_context(serving(config)).url for _ in range(2)]
            else:  # the kernel hands each new connection to either worker
                urls = [stack.enter_context(serving(config, "--workers", "2")).url] * 2
            one_url, two_url = urls
            with httpx.Client(base_url=one_url, timeout=30) as client:
                cids = [confirm_rotation(client) for _ in range(CONVERSATIONS)]
            answers = [asyncio.run(race(urls, cid)) for cid in cids]
            for index in range(HANDOFFS):
                with httpx.Client(base_url=urls[index % 2], timeout=30) as client:
                    assert chat(client, "I want to talk to a human").json()["handoff"] is True
            wait_for(lambda: len(hook.received) >= HANDOFFS, limit=30)
            time.sleep(1.0)  # long enough for a duplicate delivery from the other process to show
            with httpx.Client(base_url=two_url, timeout=30) as client:
                runs = [client.get(f"/v1/conversations/{cid}").json()["action_runs"] for cid in cids]
                # Late "yes"es of the race may hand over too (after the bot offered a person):
                # every handoff counts, each must be delivered once.
                handoffs = client.get("/v1/handoffs", params={"status": "open"}).json()

    assert len(rotations(upstream)) == CONVERSATIONS
    assert all({r.status_code for r in responses} <= {200, 409} for responses in answers)
    assert all(len(found) == 1 and found[0]["outcome"] == "ok" for found in runs)
    handed = {h["id"] for h in handoffs["handoffs"]}
    assert len(handed) >= HANDOFFS
    delivered = [json.loads(r.body) for r in hook.received]
    assert sorted(d["handoff_id"] for d in delivered) == sorted(handed)  # each once, none twice
    assert len({d["delivery_id"] for d in delivered}) == len(delivered)


APPROVALS = 3  # parked requests, each approved six times at once across the two processes


def test_two_serve_processes_approving_at_once_send_each_parked_request_once(tmp_path: Path, upstream) -> None:
    upstream.respond(*[Reply(200, {}, delay=0.2)] * APPROVALS, path=EXTEND)  # keep each in flight

    async def race(urls: list[str], hid: str) -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=30, headers=OPERATOR) as client:
            path = f"/v1/handoffs/{hid}/approve"
            return await asyncio.gather(
                *(client.post(url + path, json={"agent": f"agent{n}"}) for url in urls for n in range(3))
            )

    config = approval_project(tmp_path, upstream.url)
    with serving(config) as one, serving(config) as two:
        with httpx.Client(base_url=one.url, timeout=30) as client:
            customers = [Customer(client) for _ in range(APPROVALS)]
            for customer in customers:
                customer.ask_for_approval()
            pending = client.get("/v1/handoffs", headers=OPERATOR).json()["handoffs"]
        answers = [asyncio.run(race([one.url, two.url], h["id"])) for h in pending]
        with httpx.Client(base_url=two.url, timeout=30) as client:
            decided = [client.get(f"/v1/handoffs/{h['id']}", headers=OPERATOR).json() for h in pending]
            runs = [client.get(f"/v1/conversations/{c.cid}", headers=OPERATOR).json()["action_runs"] for c in customers]

    assert len(pending) == APPROVALS and {h["kind"] for h in pending} == {"approval"}
    assert len(extensions(upstream)) == APPROVALS  # each parked request reached the upstream once
    for responses in answers:
        statuses = sorted(r.status_code for r in responses)
        assert statuses.count(200) == 1 and set(statuses) == {200, 409}, [r.text for r in responses]
        codes = {r.json()["error"]["code"] for r in responses if r.status_code == 409}
        assert codes <= {"approval_decided", "conversation_busy"}
    assert all(d["approval"]["status"] == "approved" and d["status"] == "resolved" for d in decided)
    assert all([r["outcome"] for r in found] == ["ok"] for found in runs)


WITHDRAWALS = 4  # parked requests, each approved on one process while the customer cancels on the other


def test_approving_while_the_customer_cancels_on_another_process_lets_exactly_one_win(tmp_path: Path, upstream) -> None:
    upstream.respond(*[Reply(200, {}, delay=0.1)] * WITHDRAWALS, path=EXTEND)

    async def race(approve_url: str, chat_url: str, hid: str, customer: Customer) -> tuple[httpx.Response, httpx.Response]:
        async with httpx.AsyncClient(timeout=30) as client:
            cancel = {"conversation_id": customer.cid, "message": "cancel", "identity_token": customer.token}
            return await asyncio.gather(
                client.post(f"{approve_url}/v1/handoffs/{hid}/approve", json={"agent": "ana"}, headers=OPERATOR),
                client.post(chat_url + "/v1/chat", json=cancel),
            )

    config = approval_project(tmp_path, upstream.url)
    with serving(config) as one, serving(config) as two:
        with httpx.Client(base_url=one.url, timeout=30) as client:
            customers = [Customer(client) for _ in range(WITHDRAWALS)]
            for customer in customers:
                customer.ask_for_approval()
            by_cid = {h["conversation_id"]: h["id"] for h in client.get("/v1/handoffs", headers=OPERATOR).json()["handoffs"]}
        urls = [one.url, two.url]
        answers = [asyncio.run(race(urls[n % 2], urls[1 - n % 2], by_cid[c.cid], c)) for n, c in enumerate(customers)]
        with httpx.Client(base_url=two.url, timeout=30, headers=OPERATOR) as client:
            decided = [client.get(f"/v1/handoffs/{by_cid[c.cid]}").json() for c in customers]
            runs = [client.get(f"/v1/conversations/{c.cid}").json()["action_runs"] for c in customers]

    for (approve, cancel), handoff, found in zip(answers, decided, runs):
        status = handoff["approval"]["status"]
        assert handoff["status"] == "resolved" and status in ("approved", "withdrawn"), handoff
        if status == "approved":  # the teammate won: sent once; the cancel lost or came after
            assert approve.status_code == 200 and [r["outcome"] for r in found] == ["ok"]
            assert cancel.status_code == 409 or "withdrawn" not in cancel.json()["replies"][0], cancel.text
        else:  # the customer won: nothing sent; the approval was refused
            assert cancel.status_code == 200 and cancel.json()["state"] == "idle", cancel.text
            assert approve.status_code == 409 and approve.json()["error"]["code"] in ("approval_withdrawn", "conversation_busy")
            assert [r["outcome"] for r in found] == ["withdrawn"]
    sent = sum(1 for h in decided if h["approval"]["status"] == "approved")
    assert len(extensions(upstream)) == sent
