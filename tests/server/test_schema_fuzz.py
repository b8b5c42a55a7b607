"""schemathesis against the real `chatgw serve`, on SQLite and on PostgreSQL: every operation of the
gateway's own OpenAPI document, with inputs that fit it and inputs that break it.

The server publishes no OpenAPI document (`openapi_url=None`), so the test asks the app for the
one FastAPI derives from the routes, the same routes the served process runs. Each case goes to
the process on loopback, as the operator (token) or as nobody, with path ids that are real
(a conversation, a handoff, an approval) or made up. It must answer below 500, every error in
the `{"error": {"code", "message"}}` shape, with no secret in any answer; afterwards stderr must
hold JSON lines only, no traceback and no internal_error, and the parked approval must have
reached the upstream at most once however often it was approved.

Figures when written: 1040 requests per store (13 operations, 40 positive and 40 negative cases
each), 0 5xx. Before the store's NUL fix, the PostgreSQL run failed on its first NUL character.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests.server.approving import OPERATOR, Customer, approval_project, extensions
from chatgw.compiler import load_project
from chatgw.server import create_app
from chatgw.store import open_store
from tests.server.gateway import ENV, chat
from tests.server.served import serving
from tests.upstream import Upstream

EXAMPLES = 40  # per operation and mode: bounded, and derandomized so every run sends the same
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
    suppress_health_check=list(HealthCheck), print_blob=False,
)
SECRETS = tuple(ENV.values())


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda mode: mode.value)
def test_every_operation_answers_below_500_in_the_error_shape(
    tmp_path: Path, upstream: Upstream, each_store: str, mode: GenerationMode, record_property: Any
) -> None:
    config = approval_project(tmp_path, upstream.url)
    schema = schemathesis.openapi.from_dict(_openapi(config))
    operations = [result.ok() for result in schema.get_all_operations()]
    if mode is GenerationMode.NEGATIVE:
        # Nothing to break in an operation that takes no query, header or body (any text is a path id).
        operations = [op for op in operations if any(map(len, (op.query, op.headers, op.body)))]
    stats: Counter[str] = Counter()
    with serving(config) as served, httpx.Client(base_url=served.url, timeout=60) as client:
        ids = _real_ids(client)
        for operation in operations:

            @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
            def one(case: schemathesis.Case, data: st.DataObject) -> None:
                for name in case.path_parameters or {}:
                    if data.draw(st.booleans()):
                        case.path_parameters[name] = data.draw(st.sampled_from(ids))
                if isinstance(case.query, dict) and _waits(case.query.get("wait")):
                    case.query["wait"] = 0  # a valid long poll would hold the test for up to a minute
                sent = case.as_transport_kwargs(base_url=served.url)
                headers = {**sent.get("headers", {}), **(OPERATOR if data.draw(st.booleans()) else {})}
                response = client.request(
                    sent["method"], sent["url"], params=sent.get("params"), headers=headers,
                    **({"json": sent["json"]} if "json" in sent else {"content": sent.get("data")}),
                )
                _check(stats, response)

            FUZZ(one)()
        approvals = len(extensions(upstream))
    print(f"schemathesis {mode.value} on {each_store.split(':')[0]}: {stats['requests']} requests, {stats['5xx']} 5xx")
    record_property("requests", stats["requests"])
    record_property("5xx", stats["5xx"])
    assert approvals <= 1, "an approval was carried out twice"
    assert "Traceback" not in served.stderr
    logged = served.events()  # each line one JSON object, or this raises
    assert [e for e in logged if e["event"] == "internal_error"] == []


def _openapi(config: Path) -> dict[str, Any]:
    """The OpenAPI document FastAPI derives from the gateway's routes (the store plays no part)."""
    store = open_store("sqlite://")
    try:
        return create_app(load_project(config), store=store).openapi()
    finally:
        store.close()


def _real_ids(client: httpx.Client) -> list[str]:
    """A conversation, a handoff and an approval waiting for a decision."""
    asked = chat(client, "I want to talk to a human")
    assert asked.status_code == 200, asked.text
    Customer(client).ask_for_approval()
    handoffs = client.get("/v1/handoffs", headers=OPERATOR).json()["handoffs"]
    return [asked.json()["conversation_id"], *(h["id"] for h in handoffs), *(h["conversation_id"] for h in handoffs)]


def _waits(value: Any) -> bool:
    try:
        return 0 < float(value) <= 60
    except (TypeError, ValueError):
        return False


def _check(stats: Counter[str], response: httpx.Response) -> None:
    stats["requests"] += 1
    where = (response.request.method, str(response.request.url)[:200], response.text[:300])
    if response.status_code >= 500:
        stats["5xx"] += 1
    assert response.status_code < 500, where
    assert not any(secret in response.text for secret in SECRETS), where
    if response.status_code >= 400:
        error = json.loads(response.text)["error"]
        assert isinstance(error["code"], str) and isinstance(error["message"], str), where
