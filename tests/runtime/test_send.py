from __future__ import annotations

import asyncio
import base64
import socket
from datetime import datetime, timezone

import aiohttp
import pytest
from aiohttp.abc import AbstractResolver

from chatgw.compiler.plans import AuthPlan, CallPlan
from chatgw.config.secrets import SecretRef
from chatgw.errors import UpstreamError
from chatgw.runtime import HttpSender, prepare_request
from chatgw.runtime.retry import RetryPolicy, parse_retry_after

from tests.runtime.builders import context, header_param, operation, path_param, upstream_plan
from tests.upstream import Reply

NOTE_BODY = {"type": "object", "properties": {"note": {"type": "string"}, "qty": {"type": "integer"}}}


def send(upstream_url, call, ctx=None, *, retries=0, timeout=5.0, auth=None, resolver=None):
    """Prepare and send one call with a fresh HttpSender (resolving host names with `resolver`
    when given); returns (request, result, delays)."""
    plan = upstream_plan(upstream_url, retries=retries, timeout=timeout, auth=auth)
    request = prepare_request(call, plan, ctx or context())
    delays: list[float] = []

    async def record(seconds: float) -> None:
        delays.append(seconds)

    async def go():
        session = None if resolver is None else aiohttp.ClientSession(connector=aiohttp.TCPConnector(resolver=resolver, use_dns_cache=False))
        try:
            async with HttpSender(plan, session, backoff_base=0.0, sleep=record) as sender:
                return await sender.send(request)
        finally:
            if session is not None:
                await session.close()

    return request, asyncio.run(go()), delays


class RefusedFirst(AbstractResolver):
    """Resolves the test's host name to a port nobody listens on for the first `failures`
    connections (a real refused connection), then to the real upstream."""

    def __init__(self, failures: int, port: int) -> None:
        self.failures = failures
        self.port = port
        self.lookups = 0

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list[dict]:
        self.lookups += 1
        target = _closed_port() if self.lookups <= self.failures else self.port
        return [{"hostname": host, "host": "127.0.0.1", "port": target, "family": socket.AF_INET, "proto": 0, "flags": 0}]

    async def close(self) -> None:
        pass


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_http_sender_sends_json_body(upstream):
    op = operation("POST", "/notes", body=NOTE_BODY)
    _, result, _ = send(upstream.url, CallPlan(operation=op, body={"note": "{{ slots.note }}", "qty": "{{ slots.qty }}"}), context(note="hello", qty="3"))
    assert result.status == 200 and result.attempts == 1
    received = upstream.received[0]
    assert received.headers["content-type"] == "application/json"
    assert received.json() == {"note": "hello", "qty": 3}


def test_http_sender_sends_customer_template_syntax_literally(upstream):
    op = operation("POST", "/notes", body=NOTE_BODY)
    send(upstream.url, CallPlan(operation=op, body={"note": "{{ slots.note }}"}), context(note="{{ 7*7 }}"))
    assert upstream.received[0].json() == {"note": "{{ 7*7 }}"}


def test_http_sender_sends_nested_form_body(upstream):
    schema = {"type": "object", "properties": {"To": {"type": "string"}, "metadata": {"type": "object"}, "Events": {"type": "array", "items": {"type": "string"}}}}
    op = operation("POST", "/Messages.json", body=schema, media_type="application/x-www-form-urlencoded")
    body = {"To": "{{ slots.to }}", "metadata": {"order": "{{ slots.order }}"}, "Events": ["initiated", "ringing"]}
    send(upstream.url, CallPlan(operation=op, body=body), context(to="+1 555 0100", order=42))
    received = upstream.received[0]
    assert received.headers["content-type"] == "application/x-www-form-urlencoded"
    assert received.form() == [("To", "+1 555 0100"), ("metadata[order]", "42"), ("Events", "initiated"), ("Events", "ringing")]


def test_http_sender_path_traversal_arrives_as_one_encoded_segment(upstream):
    op = operation("GET", "/projects/{project_id}/keys", parameters=(path_param("project_id"),))
    send(upstream.url + "/v1", CallPlan(operation=op, path={"project_id": "{{ slots.p }}"}), context(p="../../admin"))
    received = upstream.received[0]
    assert received.path == "/v1/projects/..%2F..%2Fadmin/keys"
    assert received.segments == ["v1", "projects", "../../admin", "keys"]


def test_http_sender_adds_bearer_credential_absent_from_preview(upstream, monkeypatch):
    monkeypatch.setenv("RUNTIME_TEST_TOKEN", "tok-live-123")
    auth = AuthPlan(type="bearer", token=SecretRef("RUNTIME_TEST_TOKEN"))
    request, _, _ = send(upstream.url, CallPlan(operation=operation("GET", "/me")), auth=auth)
    assert upstream.received[0].headers["authorization"] == "Bearer tok-live-123"
    assert "tok-live-123" not in repr(request.preview()) and "tok-live-123" not in repr(request)


def test_http_sender_adds_header_and_basic_credentials(upstream, monkeypatch):
    monkeypatch.setenv("RUNTIME_TEST_KEY", "key-1")
    monkeypatch.setenv("RUNTIME_TEST_PASSWORD", "pw")
    call = CallPlan(operation=operation("GET", "/me"))
    send(upstream.url, call, auth=AuthPlan(type="header", header="X-Api-Key", token=SecretRef("RUNTIME_TEST_KEY")))
    send(upstream.url, call, auth=AuthPlan(type="basic", username="acme", password=SecretRef("RUNTIME_TEST_PASSWORD")))
    assert upstream.received[0].headers["x-api-key"] == "key-1"
    assert upstream.received[1].headers["authorization"] == "Basic " + base64.b64encode(b"acme:pw").decode()


def test_http_sender_credential_overrides_a_plan_header(upstream, monkeypatch):
    monkeypatch.setenv("RUNTIME_TEST_TOKEN", "real")
    op = operation("GET", "/me", parameters=(header_param("Authorization"),))
    auth = AuthPlan(type="bearer", token=SecretRef("RUNTIME_TEST_TOKEN"))
    call = CallPlan(operation=op, headers={"authorization": "Bearer {{ slots.t }}"})
    send(upstream.url, call, context(t="forged"), auth=auth)
    assert upstream.received[0].headers["authorization"] == "Bearer real"
    sent = [value for name, value in upstream.received[0].raw_headers if name.lower() == "authorization"]
    assert sent == ["Bearer real"]


def test_http_sender_unset_credential_is_upstream_error_naming_the_variable(upstream, monkeypatch):
    monkeypatch.delenv("RUNTIME_TEST_UNSET", raising=False)
    auth = AuthPlan(type="bearer", token=SecretRef("RUNTIME_TEST_UNSET"))
    with pytest.raises(UpstreamError, match="RUNTIME_TEST_UNSET"):
        send(upstream.url, CallPlan(operation=operation("GET", "/me")), auth=auth)
    assert upstream.received == []


def test_http_sender_post_carries_idempotency_key(upstream):
    request, _, _ = send(upstream.url, CallPlan(operation=operation("POST", "/notes", body=NOTE_BODY), body={"note": "x"}))
    assert upstream.received[0].headers["idempotency-key"] == request.idempotency_key


def test_http_sender_retries_get_on_503_honouring_retry_after(upstream):
    upstream.respond(Reply(503, headers={"Retry-After": "2"}), Reply(503, headers={"Retry-After": "1"}), Reply(200, {"ok": True}))
    _, result, delays = send(upstream.url, CallPlan(operation=operation("GET", "/status")), retries=2)
    assert len(upstream.received) == 3
    assert delays == [2.0, 1.0]
    assert result.status == 200 and result.body == {"ok": True} and result.attempts == 3


def test_http_sender_gives_up_after_the_allowed_retries(upstream):
    upstream.respond(*[Reply(429)] * 5)
    _, result, delays = send(upstream.url, CallPlan(operation=operation("GET", "/status")), retries=2)
    assert len(upstream.received) == 3 and len(delays) == 2
    assert result.status == 429 and result.attempts == 3


def test_http_sender_does_not_wait_past_the_cap_for_retry_after(upstream):
    upstream.respond(Reply(503, headers={"Retry-After": "3600"}))
    _, result, delays = send(upstream.url, CallPlan(operation=operation("GET", "/status")), retries=2)
    assert result.status == 503 and delays == [] and len(upstream.received) == 1


def test_http_sender_never_retries_post_on_a_server_error(upstream):
    upstream.respond(Reply(500), Reply(503))
    call = CallPlan(operation=operation("POST", "/notes", body=NOTE_BODY), body={"note": "x"})
    _, result, _ = send(upstream.url, call, retries=3)
    assert result.status == 500 and len(upstream.received) == 1
    _, result, _ = send(upstream.url, call, retries=3)
    assert result.status == 503 and len(upstream.received) == 2


def test_http_sender_retries_post_on_connect_error_with_the_same_idempotency_key(upstream):
    port = int(upstream.url.rsplit(":", 1)[1])
    resolver = RefusedFirst(failures=1, port=port)
    call = CallPlan(operation=operation("POST", "/notes", body=NOTE_BODY), body={"note": "x"})
    request, result, _ = send(f"http://upstream.test:{port}", call, retries=2, resolver=resolver)
    assert result.status == 200 and result.attempts == 2 and resolver.lookups == 2
    assert len(upstream.received) == 1
    assert upstream.received[0].headers["idempotency-key"] == request.idempotency_key


def test_http_sender_never_retries_post_once_it_may_have_been_sent(upstream):
    """A POST whose connection broke after it was written may have been applied: one attempt."""
    upstream.respond(Reply(200, delay=30))
    call = CallPlan(operation=operation("POST", "/notes", body=NOTE_BODY), body={"note": "x"})
    with pytest.raises(UpstreamError, match="no answer within") as caught:
        send(upstream.url, call, retries=3, timeout=0.2)
    assert len(upstream.received) == 1 and caught.value.maybe_sent


def test_http_sender_timeout_is_upstream_error(upstream):
    upstream.respond(Reply(200, delay=30), Reply(200, delay=30))
    with pytest.raises(UpstreamError, match="no answer within") as caught:
        send(upstream.url, CallPlan(operation=operation("GET", "/slow")), retries=1, timeout=0.2)
    assert len(upstream.received) == 2  # a GET is retried after a timeout
    assert "2 attempt" in str(caught.value)


def test_http_sender_refused_connection_is_upstream_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(UpstreamError, match="could not connect"):
        send(f"http://127.0.0.1:{port}", CallPlan(operation=operation("GET", "/x")), retries=1)


def test_http_sender_parses_json_and_text_bodies(upstream):
    upstream.respond(Reply(200, {"a": 1}), Reply(200, "plain words"), Reply(204))
    call = CallPlan(operation=operation("GET", "/x"))
    assert send(upstream.url, call)[1].body == {"a": 1}
    assert send(upstream.url, call)[1].body == "plain words"
    assert send(upstream.url, call)[1].body is None


def test_http_sender_does_not_follow_redirects(upstream):
    upstream.respond(Reply(302, headers={"Location": "http://elsewhere.test/"}))
    _, result, _ = send(upstream.url, CallPlan(operation=operation("GET", "/x")))
    assert result.status == 302 and len(upstream.received) == 1


def test_parse_retry_after_reads_seconds_and_http_dates():
    now = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Wed, 01 May 2024 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Wed, 01 May 2024 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon") is None


def test_retry_policy_only_repeats_what_is_safe():
    policy = RetryPolicy()
    assert policy.retry_status("GET", 503) and policy.retry_status("DELETE", 429)
    assert not policy.retry_status("POST", 503) and not policy.retry_status("GET", 500)
    assert policy.retry_error("POST", maybe_sent=False)  # never left: safe to repeat
    assert not policy.retry_error("POST", maybe_sent=True)
    assert policy.retry_error("GET", maybe_sent=True)


def test_retry_policy_backs_off_exponentially_with_jitter():
    policy = RetryPolicy(backoff_base=1.0, max_delay=5.0, random=lambda: 1.0)
    assert [policy.delay(n) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 5.0]
    assert RetryPolicy(backoff_base=1.0, random=lambda: 0.0).delay(1) == 0.5


@pytest.mark.parametrize("auth_type", ["bearer", "header", "basic"])
def test_http_sender_takes_echoed_credentials_out_of_the_answer(upstream, monkeypatch, auth_type):
    # An upstream's error page that quotes the request it refused: before, the token went on to
    # the reply templates, the transcript, the handoff and `chatgw try --format json`.
    monkeypatch.setenv("RUNTIME_TEST_TOKEN", "tok-live-123")
    auth = {
        "bearer": AuthPlan(type="bearer", token=SecretRef("RUNTIME_TEST_TOKEN")),
        "header": AuthPlan(type="header", header="X-Api-Key", token=SecretRef("RUNTIME_TEST_TOKEN")),
        "basic": AuthPlan(type="basic", username="acme", password=SecretRef("RUNTIME_TEST_TOKEN")),
    }[auth_type]
    basic = base64.b64encode(b"acme:tok-live-123").decode()
    echo = {"error": "token tok-live-123 refused", "seen": {"authorization": f"Basic {basic}"}, "tok-live-123": [basic]}
    upstream.respond(Reply(401, echo, headers={"WWW-Authenticate": 'Bearer error="tok-live-123"'}))
    _, result, _ = send(upstream.url, CallPlan(operation=operation("GET", "/me")), auth=auth)
    assert result.status == 401
    assert "tok-live-123" not in repr(result.body) + repr(dict(result.headers))
    assert (basic in repr(result.body)) == (auth_type != "basic")  # the header value, only when it is one
    assert result.body["error"] == "token [redacted] refused"
    assert result.headers["www-authenticate"] == 'Bearer error="[redacted]"'


def test_http_sender_keeps_an_answer_without_credentials_as_it_is(upstream, monkeypatch):
    monkeypatch.setenv("RUNTIME_TEST_TOKEN", "tok-live-123")
    body = {"id": "tok", "items": [1, 2.5, None, True, {"token": "a new one"}]}
    upstream.respond(Reply(200, body))
    auth = AuthPlan(type="bearer", token=SecretRef("RUNTIME_TEST_TOKEN"))
    _, result, _ = send(upstream.url, CallPlan(operation=operation("GET", "/me")), auth=auth)
    assert result.body == body


def test_http_sender_reads_no_more_of_an_answer_than_the_limit(upstream, monkeypatch):
    # Before, the whole body was read into memory, however large the upstream made it.
    monkeypatch.setattr("chatgw.runtime.send.MAX_ANSWER_BYTES", 1000)
    upstream.respond(Reply(200, {"blob": "x" * 5000}), Reply(201, {"blob": "x" * 900}), Reply(200, {"blob": "y" * 300_000}))
    call = CallPlan(operation=operation("GET", "/me"))
    _, big, _ = send(upstream.url, call)
    _, small, _ = send(upstream.url, call)
    assert (big.status, big.body, big.headers["content-type"]) == (200, None, "application/json")
    assert small.status == 201 and small.body == {"blob": "x" * 900}
    monkeypatch.setattr("chatgw.runtime.send.MAX_ANSWER_BYTES", 1_000_000)
    _, chunked, _ = send(upstream.url, call)  # arrives in many reads: all of it is kept
    assert chunked.body == {"blob": "y" * 300_000}


def test_a_cookie_the_upstream_sets_is_never_sent_on_a_later_call(upstream):
    """One sender serves every customer: a cookie one answer sets (a session, a tracking id)
    would otherwise ride along on the next customer's request."""
    upstream.respond(Reply(200, {"ok": 1}, headers={"Set-Cookie": "session=customer-a; Path=/"}), Reply(200, {"ok": 2}))
    # by a host name: aiohttp's jar keeps no cookie of an IP address
    plan = upstream_plan(upstream.url.replace("127.0.0.1", "localhost"))
    call = CallPlan(operation=operation("GET", "/x"))

    async def twice():
        async with HttpSender(plan) as sender:
            for _ in range(2):
                await sender.send(prepare_request(call, plan, context()))

    asyncio.run(twice())
    assert [r.headers.get("cookie") for r in upstream.received] == [None, None]
