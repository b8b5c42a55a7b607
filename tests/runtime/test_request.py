from __future__ import annotations

import uuid

import pytest

from chatgw.compiler.plans import AuthPlan, CallPlan
from chatgw.config.secrets import SecretRef
from chatgw.errors import RenderError
from chatgw.runtime import prepare_request

from tests.runtime.builders import INTEGER, context, header_param, operation, path_param, query_param, upstream_plan

REFUND = {
    "type": "object",
    "required": ["amount", "reason"],
    "properties": {"amount": {"type": "integer", "minimum": 1, "maximum": 500}, "reason": {"type": "string"}, "note": {"type": "string"}},
}


def refund_call(**body):
    op = operation("POST", "/charges/{charge_id}/refunds", operation_id="refund", parameters=(path_param("charge_id"),), body=REFUND)
    return CallPlan(operation=op, path={"charge_id": "{{ slots.charge }}"}, body=body)


def test_prepare_request_keeps_native_types_from_lone_expressions():
    request = prepare_request(refund_call(amount="{{ slots.n }}", reason="chat"), upstream_plan(), context(charge="ch_1", n=20))
    assert request.body == {"amount": 20, "reason": "chat"}


def test_prepare_request_coerces_text_to_the_declared_type():
    request = prepare_request(refund_call(amount="{{ slots.n }}", reason="chat"), upstream_plan(), context(charge="ch_1", n="200"))
    assert request.body["amount"] == 200


def test_prepare_request_refuses_an_invalid_value_with_a_plain_reason():
    with pytest.raises(RenderError) as caught:
        prepare_request(refund_call(amount="{{ slots.n }}", reason="chat"), upstream_plan(), context(charge="ch_1", n="2000"))
    assert str(caught.value) == "amount must be at most 500"


def test_prepare_request_refuses_a_missing_required_field():
    with pytest.raises(RenderError, match="reason is required"):
        prepare_request(refund_call(amount=5), upstream_plan(), context(charge="ch_1"))


def test_prepare_request_leaves_out_fields_whose_template_yields_nothing():
    call = refund_call(amount=5, reason="chat", note="{{ slots.note }}")
    assert "note" not in prepare_request(call, upstream_plan(), context(charge="ch_1", note=None)).body


def test_prepare_request_builds_url_from_base_url_and_encoded_path():
    request = prepare_request(refund_call(amount=5, reason="x"), upstream_plan("http://api.test/v1/"), context(charge="../../admin"))
    assert request.url == "http://api.test/v1/charges/..%2F..%2Fadmin/refunds"
    assert request.method == "POST" and request.operation == "refund"


def test_prepare_request_validates_and_encodes_query_parameters():
    op = operation("GET", "/invoices", parameters=(query_param("limit", {"type": "integer", "maximum": 100}), query_param("status", {"enum": ["open", "paid"]}, required=True)))
    call = CallPlan(operation=op, query={"limit": "{{ slots.limit }}", "status": "open"})
    assert prepare_request(call, upstream_plan(), context(limit="25")).url == "http://api.test/v1/invoices?limit=25&status=open"
    with pytest.raises(RenderError, match="limit must be at most 100"):
        prepare_request(call, upstream_plan(), context(limit="250"))
    with pytest.raises(RenderError, match="status is required"):
        prepare_request(CallPlan(operation=op), upstream_plan(), context())


def test_prepare_request_refuses_header_with_line_breaks():
    op = operation("GET", "/me", parameters=(header_param("X-Customer-Note"),))
    call = CallPlan(operation=op, headers={"X-Customer-Note": "{{ slots.note }}"})
    with pytest.raises(RenderError, match="line breaks"):
        prepare_request(call, upstream_plan(), context(note="hi\r\nAuthorization: Bearer stolen"))


def test_prepare_request_gives_every_post_an_idempotency_key():
    first = prepare_request(refund_call(amount=5, reason="x"), upstream_plan(), context(charge="ch_1"))
    second = prepare_request(refund_call(amount=5, reason="x"), upstream_plan(), context(charge="ch_1"))
    assert uuid.UUID(first.idempotency_key) and first.headers["Idempotency-Key"] == first.idempotency_key
    assert first.idempotency_key != second.idempotency_key


def test_prepare_request_get_has_no_idempotency_key():
    request = prepare_request(CallPlan(operation=operation()), upstream_plan(), context())
    assert request.idempotency_key is None and "Idempotency-Key" not in request.headers


def test_prepare_request_preview_has_no_credentials(monkeypatch):
    monkeypatch.setenv("RUNTIME_TEST_TOKEN", "s3cr3t-token")
    upstream = upstream_plan(auth=AuthPlan(type="bearer", token=SecretRef("RUNTIME_TEST_TOKEN")))
    request = prepare_request(refund_call(amount=5, reason="x"), upstream, context(charge="ch_1"))
    preview = request.preview()
    assert set(preview) == {"method", "url", "headers", "body"}
    assert "s3cr3t-token" not in repr(preview) and "Authorization" not in preview["headers"]


def test_prepare_request_preview_redacts_sensitive_headers_from_the_plan():
    op = operation("GET", "/me", parameters=(header_param("X-Api-Key"),))
    request = prepare_request(CallPlan(operation=op, headers={"X-Api-Key": "k-123"}), upstream_plan(), context())
    assert request.preview()["headers"]["X-Api-Key"] == "[redacted]"


def test_prepare_request_form_body_keeps_the_object():
    op = operation("POST", "/Messages", body={"type": "object", "properties": {"Body": {"type": "string"}, "Count": INTEGER}}, media_type="application/x-www-form-urlencoded")
    request = prepare_request(CallPlan(operation=op, body={"Body": "hi", "Count": "2"}), upstream_plan(), context())
    assert request.body == {"Body": "hi", "Count": 2}
    assert request.content == b"Body=hi&Count=2"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
