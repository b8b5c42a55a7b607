"""Operator routes fail closed: without `server.operator_token`, only a direct loopback client.

Behind a reverse proxy on the same machine every visitor is a loopback peer, so a request that
carries any forwarding header is refused without a token, on every operator route; with the
token the headers do not matter, the token does.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.server.gateway import OPERATOR_TOKEN, build_app, identity_token, running, write_project
from tests.server.served import serving
from tests.upstream import Upstream

FORWARDED = [
    {"X-Forwarded-For": "203.0.113.7,"},  # the trailing comma once made uvicorn keep the proxy's address
    {"X-Forwarded-For": "203.0.113.7"},
    {"X-Forwarded-Host": "support.example.com"},
    {"X-Real-IP": "203.0.113.7"},
    {"Forwarded": "for=203.0.113.7;proto=https"},
    {"True-Client-IP": "203.0.113.7"},
    {"CF-Connecting-IP": "203.0.113.7"},
    {"X-Client-IP": "203.0.113.7"},
    {"X-Cluster-Client-IP": "203.0.113.7"},
    {"Fastly-Client-IP": "203.0.113.7"},
    {"Via": "1.1 proxy.internal"},
]
WITH_TOKEN = "server: {operator_token: ${CHATGW_OPERATOR_TOKEN}}\n"
BEARER = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}


def operator_routes(handoff: str, conversation: str) -> list[tuple[str, str, dict | None]]:
    """Every operator route, in an order that succeeds when run once (claim, reply, resolve)."""
    return [
        ("GET", "/v1/handoffs", None),
        ("GET", f"/v1/handoffs/{handoff}", None),
        ("POST", f"/v1/handoffs/{handoff}/claim", {"agent": "ana"}),
        ("POST", f"/v1/handoffs/{handoff}/messages", {"text": "Ana here."}),
        ("POST", f"/v1/handoffs/{handoff}/resolve", None),
        ("GET", "/v1/insights", None),
        ("GET", f"/v1/conversations/{conversation}", None),
        ("GET", "/inbox", None),
        ("GET", "/insights", None),
    ]


def test_without_a_token_any_forwarding_header_is_refused_on_every_operator_route(tmp_path: Path, upstream: Upstream) -> None:
    config = write_project(tmp_path, upstream.url)
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        routes = operator_routes(*_handoff(client))
        refused = [
            (method, path, headers, client.request(method, path, json=body, headers=headers))
            for method, path, body in routes
            for headers in FORWARDED
        ]
        direct = [client.request(method, path, json=body) for method, path, body in routes]

    for method, path, headers, response in refused:
        assert response.status_code == 403, (method, path, headers, response.text)
        error = response.json()["error"]
        assert error["code"] == "operator_only" and "server.operator_token" in error["message"], (path, headers)
    assert [r.status_code for r in direct] == [200] * len(routes), [r.text for r in direct]


def test_with_the_token_forwarded_requests_are_let_in_by_the_token_only(tmp_path: Path, upstream: Upstream) -> None:
    config = write_project(tmp_path, upstream.url, WITH_TOKEN)
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        routes = operator_routes(*_handoff(client))
        forwarded = {"X-Forwarded-For": "203.0.113.7,", "X-Real-IP": "203.0.113.7"}
        without = [client.request(method, path, json=body, headers=forwarded) for method, path, body in routes]
        with_token = [client.request(method, path, json=body, headers={**forwarded, **BEARER}) for method, path, body in routes]

    pages = {"/inbox", "/insights"}
    # The pages are shells that ask for the token; the API behind them checks it.
    assert [r.status_code for (_, path, _), r in zip(routes, without) if path not in pages] == [401] * 7
    assert [r.status_code for r in with_token] == [200] * len(routes), [r.text for r in with_token]


def test_chatgw_serve_refuses_a_forwarded_operator_request_without_a_token(tmp_path: Path, upstream: Upstream) -> None:
    config = write_project(tmp_path, upstream.url)
    with serving(config) as served, httpx.Client(base_url=served.url) as client:
        forwarded = client.get("/v1/handoffs", headers={"X-Forwarded-For": "203.0.113.7,"})
        direct = client.get("/v1/handoffs")

    assert forwarded.status_code == 403 and forwarded.json()["error"]["code"] == "operator_only"
    assert direct.status_code == 200


def _handoff(client: httpx.Client) -> tuple[str, str]:
    """A conversation of customer u7 handed to a human: (handoff id, conversation id)."""
    token = identity_token({"sub": "u7"})
    response = client.post("/v1/chat", json={"message": "I want to talk to a human", "identity_token": token})
    assert response.status_code == 200 and response.json()["handoff"] is True, response.text
    conversation = response.json()["conversation_id"]
    listed = client.get("/v1/handoffs", headers=BEARER).json()["handoffs"]
    [handoff] = [h["id"] for h in listed if h["conversation_id"] == conversation]
    return handoff, conversation
