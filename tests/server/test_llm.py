"""`chatgw serve` with `nlu: {engine: llm}`, end to end: the real server process, a real local
upstream, and a scripted stand-in for the model (the model service is outside the product and
cannot run here; see tests/llmstub.py)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.llmstub import asked, llm_config, tool_call, words
from tests.server.gateway import UPSTREAM_TOKEN, chat, identity_token, write_project
from tests.server.served import serving
from tests.upstream import Reply, serve

# Every test here runs on SQLite and on a real PostgreSQL.
pytestmark = pytest.mark.usefixtures("each_store")


def test_serve_sends_only_what_the_plans_allow_whatever_the_model_says(tmp_path: Path, upstream) -> None:
    upstream.default = Reply(200, {})
    with serve() as model:
        model.respond(
            # Another customer's account, and hours the customer did say: the claim is used.
            tool_call("extend_trial", {"hours": 12, "customer_id": "cus_other"}),
            words("Confirmed."),
            # A tool that does not exist: the built-in engine reads the message instead.
            tool_call("refund_everything", {"project_id": "proj_ab12c"}),
            # A project id the customer never wrote: asked for, not sent.
            tool_call("rotate_key", {"project_id": "proj_zz9xq"}),
            # The model is down for a turn: the built-in engine reads the answer.
            Reply(503, {"error": {"message": "overloaded"}}),
            words("no"),
        )
        config = write_project(tmp_path, upstream.url, llm_config(model.url, timeout="2s"))
        token = identity_token({"sub": "u_1", "customer_id": "cus_me"})
        with serving(config) as served, httpx.Client(base_url=served.url, timeout=30) as client:
            first = chat(client, "please extend my trial by 12 hours", identity_token=token).json()
            cid = first["conversation_id"]
            assert first["state"] == "confirming" and first["slots"] == {"customer_id": "cus_me", "hours": 12}
            assert chat(client, "yes", cid, identity_token=token).json()["state"] == "idle"

            usage = chat(client, "show me the usage of proj_ab12c", cid, identity_token=token).json()
            assert usage["intent"]["name"] == "show_usage" and usage["state"] == "idle"

            rotate = chat(client, "my api key leaked, rotate it", cid, identity_token=token).json()
            assert rotate["state"] == "collecting" and rotate["slots"] == {}
            answered = chat(client, "proj_ab12c", cid, identity_token=token).json()
            assert answered["state"] == "confirming"
            assert chat(client, "no", cid, identity_token=token).json()["state"] == "idle"

            metrics = client.get("/metrics").text
    sent = [(r.method, r.path) for r in upstream.received]
    assert sent == [("POST", "/customers/cus_me/trial/extend"), ("GET", "/projects/proj_ab12c/usage")]
    assert upstream.received[0].json() == {"hours": 12}
    assert 'chatgw_nlu_fallbacks_total{reason="unknown_tool"} 1.0' in metrics
    assert 'chatgw_nlu_fallbacks_total{reason="status"} 1.0' in metrics
    assert all(UPSTREAM_TOKEN not in request.body.decode() for request in model.received)
    assert all("cus_me" not in request.body.decode() for request in model.received)
    assert len(model.received) == 6 and asked(model.received[0])["model"] == "stand-in-model"
    assert UPSTREAM_TOKEN not in served.stderr and "cus_other" not in served.stderr
