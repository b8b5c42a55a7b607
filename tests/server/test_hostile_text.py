"""Text that some database cannot hold, on SQLite and PostgreSQL alike: a NUL character anywhere a
client or the upstream can put one, and a customer id longer than the store keeps. Before, each
was a 500 on PostgreSQL only (psycopg refuses NUL; varchar(255) refuses a longer subject)."""

from __future__ import annotations

from pathlib import Path

import httpx

from chatgw.store import SUBJECT_CHARS
from tests.server.gateway import build_app, chat, identity_token, running, write_project
from tests.upstream import Reply, Upstream


def test_nul_anywhere_is_kept_as_u_fffd_never_a_500(tmp_path: Path, upstream: Upstream, each_store: str) -> None:
    upstream.default = Reply(200, {"requests": 12, "key_suffix": "x\x00Qz"})  # the upstream's text too
    app = build_app(write_project(tmp_path, upstream.url))
    with running(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        token = identity_token({"sub": "u\x001", "name": "Ann\x00"})
        asked = chat(client, "I want to talk to a human\x00", identity_token=token)
        assert asked.status_code == 200, asked.text
        cid = asked.json()["conversation_id"]
        handoff = client.get("/v1/handoffs").json()["handoffs"][0]["id"]
        answers = [
            client.post(f"/v1/handoffs/{handoff}/claim", json={"agent": "ann\x00"}),
            client.post(f"/v1/handoffs/{handoff}/messages", json={"text": "on\x00it"}),
            chat(client, "show me the usage of proj_8f2k1"),
            chat(client, "hi", "c_\x00"),
            client.get("/v1/conversations/c%00"),
            client.get("/v1/conversations/c%00/events?wait=0"),
            client.get("/v1/handoffs/h%00"),
            client.post("/v1/handoffs/h%00/claim", json={"agent": "ann"}),
        ]
        assert [a.status_code for a in answers] == [200, 200, 200, 404, 404, 404, 404, 404], [a.text for a in answers]
        texts = [m["text"] for m in client.get(f"/v1/conversations/{cid}").json()["transcript"]]
        assert texts[0] == "I want to talk to a human\ufffd" and "on\ufffdit" in texts


def test_subject_longer_than_the_store_keeps_is_refused_not_cut(tmp_path: Path, upstream: Upstream, each_store: str) -> None:
    app = build_app(write_project(tmp_path, upstream.url))
    with running(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        longest = chat(client, "hello", identity_token=identity_token({"sub": "u" * SUBJECT_CHARS}))
        longer = chat(client, "hello", identity_token=identity_token({"sub": "u" * (SUBJECT_CHARS + 1)}))
    assert longest.status_code == 200, longest.text
    assert longer.status_code == 401
    assert longer.json()["error"]["message"] == f"the identity token's `sub` claim is longer than {SUBJECT_CHARS} characters"
