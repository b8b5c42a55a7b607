"""Fuzzing the real `chatgw serve` process: bad input is a clean 4xx and a JSON log line, never a 5xx.

Each test starts `chatgw serve` (the CLI's logging, uvicorn as deployed) on loopback, sends
hypothesis-made requests (derandomized, so every run sends the same ones), then stops it and
reads its stderr: every line must be a JSON object and none may be a traceback. Each test
prints its request and 5xx counts (`-s` shows them) and records them as junit properties.

Figures when written: chat 420 requests, 0 5xx; other routes 360 requests, 0 5xx (and 4000
+ 4000 with random seeds, 0 5xx). Before the fix both failed on their first 500: chat on
`{"message": "\\ud800"}`, the other routes on `GET /v1/insights?since=<400 nines>d`
(OverflowError, with uvicorn's traceback on stderr). Each runs on SQLite and on PostgreSQL:
the PostgreSQL run of the routes then failed on a NUL character in a path id (psycopg refuses
NUL in text), which the SQLite run never saw. The routes include /mcp, both event feeds (long
poll, with bad cursors and waits) and approve/reject; 1500 + 3000 with random seeds on
PostgreSQL, 0 5xx.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

import httpx
import jwt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.server.gateway import IDENTITY_SECRET, identity_token, write_project
from tests.server.served import Served, serving
from tests.upstream import Upstream

FUZZ = settings(
    deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck), print_blob=False
)

ANY_CHAR = st.one_of(st.characters(), st.characters(categories=["Cs"]))  # lone surrogates included
TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=40),
    st.sampled_from(
        ["\ud800", "a\ud83d", "\udfff\ud800", "\x00", "\u202e", "\U0001f642", "", " ", "A" * 5000,
         "%00", "../../etc/passwd", "c_" + "0" * 16, "1" * 400, "show me the usage of proj_8f2k1",
         "I want to talk to a human", "yes", "rotate the key of proj_8f2k1"]
    ),
)
SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**300), max_value=10**300),
    st.floats(allow_nan=False, allow_infinity=False), TEXT,
)
JSON = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4), max_leaves=10)
# Bodies JSON itself cannot make: huge numbers, NaN, deep nesting, escapes, bytes that are not text.
RAW_BODIES = st.one_of(
    st.binary(max_size=200),
    st.sampled_from(
        [b'{"message": ' + b"9" * 5000 + b"}", b'{"message": 1e999}', b'{"message": NaN}', b"[" * 5000,
         b'{"message":' + b"[" * 60000 + b"]" * 60000 + b"}", b'{"message": "\\ud800"}', b'{"message": "\\u0000"}',
         b'{"message": "a", "message": 1}', b'{"message": "hi", "\\udfff": 1}', b"", b"null", b'"\\ud800"',
         b'{"message": "\xff\xfe"}']
    ),
)
CONTENT_TYPES = st.sampled_from(
    ["application/json", "application/json", "text/plain", "application/x-www-form-urlencoded",
     "multipart/form-data; boundary=x", "application/json; charset=latin-1", None]
)
HEADERS = st.dictionaries(
    st.sampled_from(["authorization", "x-forwarded-for", "forwarded", "x-real-ip", "cookie", "accept"]),
    # Valid HTTP only: uvicorn itself refuses a control character in a header (a plain-text 400
    # the app never sees); test_internal_errors.py checks that its log line is JSON.
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40).map(str.strip),
    max_size=2,
)


@st.composite
def signed_tokens(draw: st.DrawFn) -> str:
    """Correctly signed tokens whose claims are anything: surrogates, huge numbers, odd `exp` and `sub`."""
    claims = draw(st.dictionaries(TEXT, JSON, max_size=3))
    for name in ("sub", "exp"):
        if draw(st.booleans()):
            claims[name] = draw(JSON)
    if draw(st.booleans()):
        return identity_token({**claims, "sub": draw(TEXT)})
    return jwt.encode(claims, IDENTITY_SECRET, algorithm="HS256")


TOKENS = st.one_of(
    st.none(), TEXT, JSON, signed_tokens(),
    st.from_regex(r"\A[A-Za-z0-9_-]{0,30}\.[A-Za-z0-9_-]{0,30}\.[A-Za-z0-9_=-]{0,30}\Z"),
    st.just(jwt.encode({"sub": "u1", "exp": 9999999999}, key=None, algorithm="none")),
)


def test_chat_fuzz_answers_4xx_never_5xx_and_logs_json_only(
    tmp_path: Path, upstream: Upstream, each_store: str, record_property: Any
) -> None:
    config = write_project(tmp_path, upstream.url)
    stats: Counter[str] = Counter()
    with serving(config) as served, httpx.Client(base_url=served.url, timeout=60) as client:
        owned = _say(client, "show me the usage of proj_8f2k1", identity_token({"sub": "u1"}))
        anonymous = _say(client, "hello")
        ids = st.one_of(st.none(), TEXT, JSON, st.sampled_from([owned, anonymous]), st.from_regex(r"\Ac_[0-9a-f]{16}\Z"))
        fields = st.fixed_dictionaries(
            {}, optional={"message": st.one_of(TEXT, TEXT, JSON), "conversation_id": ids, "identity_token": TOKENS, "extra": JSON}
        )
        bodies = st.one_of(fields.map(_encode), fields.map(_encode), JSON.map(_encode), RAW_BODIES)

        @given(body=bodies, content_type=CONTENT_TYPES, headers=HEADERS)
        def chat(body: bytes, content_type: str | None, headers: dict[str, str]) -> None:
            sent = {**headers, **({"content-type": content_type} if content_type else {})}
            _check(stats, client.post("/v1/chat", content=body, headers=sent))

        _run(chat, settings(FUZZ, max_examples=420))
    _report(stats, served, record_property, "chat")


def test_operator_and_query_fuzz_answers_4xx_never_5xx_and_logs_json_only(
    tmp_path: Path, upstream: Upstream, each_store: str, record_property: Any
) -> None:
    config = write_project(tmp_path, upstream.url)  # no operator token: loopback clients are the operator
    stats: Counter[str] = Counter()
    with serving(config) as served, httpx.Client(base_url=served.url, timeout=60) as client:
        conversation = _say(client, "I want to talk to a human")
        handoff = client.get("/v1/handoffs").json()["handoffs"][0]["id"]
        requests = _route_requests(handoff, conversation)

        @given(request=requests, content_type=CONTENT_TYPES, headers=HEADERS)
        def routes(request: tuple[str, str, bytes | None], content_type: str | None, headers: dict[str, str]) -> None:
            method, url, body = request
            sent = {**headers, **({"content-type": content_type} if content_type else {})}
            _check(stats, client.request(method, url, content=body, headers=sent))

        _run(routes, settings(FUZZ, max_examples=360))
    _report(stats, served, record_property, "routes")


def _route_requests(handoff: str, conversation: str) -> st.SearchStrategy[tuple[str, str, bytes | None]]:
    """(method, path and query, body) for every route a client can reach, each with its own inputs."""
    segments = st.one_of(
        st.sampled_from([handoff, conversation, "h_nope", "..", "%2e%2e", "%00", "%ff%fe", "a" * 3000]),
        TEXT.map(_segment), st.binary(max_size=20).map(lambda raw: quote(raw, safe="")),
    )
    since = st.one_of(
        TEXT.map(_segment), st.from_regex(r"\A[0-9]{1,500}[smhdw]\Z"),
        st.sampled_from(["7d", "0d", "-1d", "1e9d", "%00", "%ff", "7d&since=1h", "\u0667d", "520w", "521w"]),
        st.builds(lambda digits, unit: "9" * digits + unit, st.integers(300, 5000), st.sampled_from("smhdw")),
    )
    status = st.one_of(st.sampled_from(["open", "claimed", "resolved", "OPEN", "%ff", ""]), TEXT.map(_segment))
    agent_bodies = st.fixed_dictionaries({}, optional={"agent": st.one_of(TEXT, JSON), "text": st.one_of(TEXT, JSON), "x": JSON})
    bodies = st.one_of(st.none(), agent_bodies.map(_encode), agent_bodies.map(_encode), JSON.map(_encode), RAW_BODIES)
    inbox = st.sampled_from(["claim", "messages", "resolve"])
    methods = st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
    templates = st.sampled_from(
        ["/v1/handoffs", "/v1/handoffs/{}", "/v1/insights", "/v1/conversations/{}", "/inbox", "/insights", "/",
         "/healthz", "/readyz", "/metrics", "/static/{}", "/{}", "/v1/chat", "/v1/handoffs/{}/claim"]
    )
    rpc = st.fixed_dictionaries(
        {"jsonrpc": st.just("2.0"), "id": st.one_of(st.integers(), TEXT)},
        optional={"method": st.sampled_from(["tools/list", "tools/call", "initialize", "nope"]),
                  "params": st.fixed_dictionaries({}, optional={"name": st.one_of(TEXT, st.sampled_from(["rotate_key", "show_usage"])),
                                                                 "arguments": st.one_of(JSON, st.dictionaries(st.just("project_id"), TEXT))})},
    )
    cursors = st.one_of(TEXT.map(_segment), st.integers().map(str), st.sampled_from(["", "-1", "1.5", "%00", "9" * 400]))
    return st.one_of(
        st.tuples(st.just("POST"), st.just("/mcp"), st.one_of(rpc.map(_encode), RAW_BODIES)),
        st.tuples(st.just("GET"), st.builds(lambda c, w: f"/v1/events?cursor={c}&wait={w}", cursors, st.sampled_from(["0", "-1", "nan", "1e999", "%00"])), st.none()),
        st.tuples(st.just("GET"), st.builds(lambda seg, c: f"/v1/conversations/{seg}/events?wait=0&cursor={c}", st.one_of(st.just(conversation), segments), cursors), st.none()),
        st.tuples(st.just("POST"), st.builds(lambda seg, verb: f"/v1/handoffs/{seg}/{verb}", st.one_of(st.just(handoff), segments), st.sampled_from(["approve", "reject"])), bodies),
        st.tuples(st.just("GET"), since.map(lambda value: f"/v1/insights?since={value}"), st.none()),
        st.tuples(st.just("GET"), status.map(lambda value: f"/v1/handoffs?status={value}"), st.none()),
        st.tuples(st.just("GET"), segments.map("/v1/handoffs/{}".format), st.none()),
        st.tuples(st.just("GET"), segments.map("/v1/conversations/{}".format), st.none()),
        st.tuples(st.just("POST"), st.builds(lambda seg, verb: f"/v1/handoffs/{seg}/{verb}", st.one_of(st.just(handoff), segments), inbox), bodies),
        st.tuples(st.just("GET"), st.one_of(segments.map("/static/{}".format), st.sampled_from(["/inbox", "/insights", "/", "/healthz", "/readyz", "/metrics"])), st.none()),
        st.tuples(methods, st.builds(lambda template, seg: template.format(seg), templates, segments), bodies),
    )


def _run(test: Callable[..., None], chosen: settings) -> None:
    chosen(test)()


def _say(client: httpx.Client, message: str, token: str | None = None) -> str:
    body = {"message": message, **({"identity_token": token} if token else {})}
    response = client.post("/v1/chat", json=body)
    assert response.status_code == 200, response.text
    return response.json()["conversation_id"]


def _encode(value: Any) -> bytes:
    return json.dumps(value).encode()  # ASCII: a lone surrogate goes as its \ud800 escape


def _segment(text: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def _check(stats: Counter[str], response: httpx.Response) -> None:
    stats["requests"] += 1
    if response.status_code >= 500:
        stats["5xx"] += 1
    assert response.status_code < 500, (response.request.method, str(response.request.url)[:200], response.text[:300])
    if response.status_code >= 400:
        error = response.json()["error"]
        assert isinstance(error["code"], str) and isinstance(error["message"], str), response.text[:300]


def _report(stats: Counter[str], served: Served, record_property: Any, name: str) -> None:
    print(f"fuzz {name}: {stats['requests']} requests, {stats['5xx']} 5xx")
    record_property(f"{name}_requests", stats["requests"])
    record_property(f"{name}_5xx", stats["5xx"])
    assert "Traceback" not in served.stderr
    logged = served.events()  # each line one JSON object, or this raises
    assert [e for e in logged if e["event"] == "internal_error"] == []
    assert {"started", "stopped"} <= {e["event"] for e in logged}
