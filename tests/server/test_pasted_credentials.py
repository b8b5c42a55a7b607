"""A customer who pastes a credential into the chat: what chatgw keeps and shows of the
conversation (transcript, inbox, handoff packet, webhook, live events, logs) never holds it."""

from __future__ import annotations

from pathlib import Path

import httpx

from chatgw.runtime.redact import mask_pasted_credentials
from tests.server.gateway import build_app, captured_logs, chat, running, wait_for, write_project
from tests.upstream import Upstream, serve

PASTED = {
    "stripe": "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    "openai": "sk-proj-Zq8c1mV2n3B4x5L6k7J8h9G0",
    "github": "ghp_" + "R2d2C3poBb8" * 4,
    "aws": "AKIAIOSFODNN7EXAMPLE",
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlLXZhbHVl",
    "bearer": "Bearer 9f8e7d6c5b4a39281706f5e4",
    "pem": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----",
}


def test_pasted_credentials_are_kept_as_redacted_everywhere(tmp_path: Path, upstream: Upstream) -> None:
    with serve() as hook:
        config = write_project(tmp_path, upstream.url, f"handoff: {{inbox: true, webhook: {hook.url}/hooks}}\n")
        app = build_app(config, webhook_backoff=0.01)
        with captured_logs() as logs, running(app) as url, httpx.Client(base_url=url, timeout=30) as client:
            cid = chat(client, f"my key {PASTED['stripe']} leaked").json()["conversation_id"]
            for secret in list(PASTED.values())[1:]:
                assert chat(client, f"it was {secret}, right?", cid).status_code == 200
            assert chat(client, "I want to talk to a human", cid).json()["state"] == "handoff"
            handoff = client.get("/v1/handoffs").json()["handoffs"][0]["id"]
            shown = [
                client.get(f"/v1/conversations/{cid}").text, client.get("/v1/handoffs").text,
                client.get(f"/v1/handoffs/{handoff}").text, client.get(f"/v1/conversations/{cid}/events?wait=0").text,
                client.get("/v1/events?wait=0").text,
            ]
            wait_for(lambda: len(hook.received) >= 1)
        shown += [r.body.decode() for r in hook.received] + logs

    transcript = httpx.Response(200, text=shown[0]).json()["transcript"]
    assert transcript[0]["text"] == "my key [redacted] leaked"
    for text in shown:
        for name, secret in PASTED.items():
            assert secret.split()[-1][:24] not in text, (name, text[:300])


def test_mask_pasted_credentials_leaves_ordinary_text_and_ids_alone() -> None:
    for text in ["reset my api key for proj_8f2k1", "order ord_ab12cd, skip-the-line please", "bear with me",
                 "my basic plan", "sk-short", "AKIA is a prefix", "eyJ alone"]:
        assert mask_pasted_credentials(text) == text
