"""Two `chatgw serve` processes on one store (a SQLite file, and a real PostgreSQL), and one
`chatgw serve --workers 2`: customers' confirmations and handoffs race across the processes,
and every confirmed request reaches the upstream once and every handoff reaches the webhook once."""

from __future__ import annotations

import asyncio
import json
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from tests.server.gateway import ROTATE, chat, confirm_rotation, rotations, wait_for, write_project
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
