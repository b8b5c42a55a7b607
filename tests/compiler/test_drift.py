"""Spec drift: `chatgw validate --against NEW_SPEC` reports what a new spec version breaks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import chatgw.cli.commands  # noqa: F401  (registers the commands)
from chatgw.cli import app
from chatgw.compiler import compile_project
from chatgw.compiler.drift import check_drift
from tests.projects import write_files

V1 = """\
openapi: 3.0.3
info: {title: Shop, version: "1"}
paths:
  /orders/{order_id}:
    parameters:
      - {name: order_id, in: path, required: true, schema: {type: string}}
    get:
      operationId: getOrder
      parameters:
        - {name: expand, in: query, schema: {type: string, enum: [items, customer]}}
        - {name: X-Customer-Id, in: header, required: true, schema: {type: string}}
      responses:
        "200":
          description: the order
          content:
            application/json:
              schema:
                type: object
                properties: {id: {type: string}, status: {type: string}, total: {type: number}}
    delete:
      operationId: cancelOrder
      responses: {"204": {description: cancelled}}
  /orders/{order_id}/refunds:
    parameters:
      - {name: order_id, in: path, required: true, schema: {type: string}}
    post:
      operationId: refundOrder
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              required: [amount]
              properties: {amount: {type: number}, note: {type: string}, currency: {type: string}}
      responses: {"201": {description: refunded}}
"""

# v2: cancelOrder removed; getOrder's `expand` renamed to `include`, a required header added
# and `total` gone from its response; refundOrder's body drops `note` and requires `currency`.
V2 = (
    V1.replace(
        """    delete:
      operationId: cancelOrder
      responses: {"204": {description: cancelled}}
""",
        "",
    )
    .replace("name: expand, in: query", "name: include, in: query")
    .replace(
        "        - {name: X-Customer-Id, in: header, required: true, schema: {type: string}}\n",
        "        - {name: X-Customer-Id, in: header, required: true, schema: {type: string}}\n"
        "        - {name: X-Api-Version, in: header, required: true, schema: {type: string}}\n",
    )
    .replace(", total: {type: number}}", "}")
    .replace("required: [amount]", "required: [amount, currency]")
    .replace("note: {type: string}, ", "")
)

CONFIG = """\
version: 1
name: shop
openapi: v1.yaml
upstream: {base_url: "http://127.0.0.1:9"}
"""

ACTIONS = {
    "get_order.yaml": """\
description: Show an order
intent: {examples: [where is my order, show order ord_1, what did I order]}
slots:
  order_id: {prompt: Which order?}
  customer_id: {from: identity.customer_id}
call:
  operation: getOrder
  path: {order_id: "{{ slots.order_id }}"}
  query: {expand: items}
  headers: {X-Customer-Id: "{{ slots.customer_id }}"}
reply:
  ok: Order {{ response.body.id }} is {{ response.body.status }}, total {{ response.body.total }}.
""",
    "cancel_order.yaml": """\
description: Cancel an order
intent: {examples: [cancel my order, stop order ord_1, I don't want it any more]}
slots:
  order_id: {prompt: Which order?}
call:
  operation: cancelOrder
  path: {order_id: "{{ slots.order_id }}"}
reply:
  ok: Cancelled.
""",
    "refund_order.yaml": """\
description: Refund an order
intent: {examples: [refund my order, I want my money back, give me a refund for ord_1]}
slots:
  order_id: {prompt: Which order?}
  amount: {prompt: How much?}
call:
  operation: refundOrder
  path: {order_id: "{{ slots.order_id }}"}
  body:
    amount: "{{ slots.amount }}"
    note: refund from chat
reply:
  ok: Refunded.
""",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_files(
        tmp_path,
        {"v1.yaml": V1, "v2.yaml": V2, "chatgw.yaml": CONFIG, **{f"actions/{name}": text for name, text in ACTIONS.items()}},
    )
    return tmp_path


def _found(project: Path) -> dict[tuple[str, int, int, str], str]:
    result = check_drift(project / "chatgw.yaml", project / "v2.yaml", environ={}, cache_dir=project / "cache")
    return {(d.file, d.line, d.column, d.code): d.message for d in result.diagnostics}


def test_drift_project_is_clean_with_the_current_spec(project: Path) -> None:
    result = compile_project(project / "chatgw.yaml", environ={}, cache_dir=project / "cache")

    # Only the warnings that this identity-less project acts on typed order ids (CGW505).
    assert [d.one_line() for d in result.diagnostics if d.code != "CGW505"] == []
    assert len(result.diagnostics) == 2


def test_drift_reports_exactly_what_the_new_spec_breaks(project: Path) -> None:
    assert set(_found(project)) == {
        ("actions/cancel_order.yaml", 6, 14, "CGW201"),
        ("actions/get_order.yaml", 9, 11, "CGW202"),
        ("actions/get_order.yaml", 10, 3, "CGW203"),
        ("actions/get_order.yaml", 12, 76, "CGW303"),
        ("actions/refund_order.yaml", 9, 3, "CGW204"),
        ("actions/refund_order.yaml", 11, 5, "CGW205"),
    }


def test_drift_removed_operation_is_named_as_removed(project: Path) -> None:
    message = _found(project)[("actions/cancel_order.yaml", 6, 14, "CGW201")]

    assert message == "operation 'cancelOrder' (DELETE /orders/{order_id}) is removed in v2.yaml"


def test_drift_renamed_parameter_names_its_new_name(project: Path) -> None:
    result = check_drift(project / "chatgw.yaml", project / "v2.yaml", environ={}, cache_dir=project / "cache")
    renamed = next(d for d in result.diagnostics if d.code == "CGW202")

    assert renamed.message == "query parameter 'expand' of getOrder is gone in v2.yaml"
    assert renamed.hint == "renamed to 'include'? write include: instead"


def test_drift_newly_required_parameter_and_body_field_say_so(project: Path) -> None:
    found = _found(project)

    assert found[("actions/get_order.yaml", 10, 3, "CGW203")] == (
        "header parameter 'X-Api-Version' of getOrder is newly required in v2.yaml"
    )
    assert found[("actions/refund_order.yaml", 9, 3, "CGW204")] == (
        "body field 'currency' of refundOrder is newly required in v2.yaml"
    )
    assert found[("actions/refund_order.yaml", 11, 5, "CGW205")] == "body field 'note' of refundOrder is gone in v2.yaml"


def test_drift_vanished_response_field_is_reported_at_the_template(project: Path) -> None:
    message = _found(project)[("actions/get_order.yaml", 12, 76, "CGW303")]

    assert "has no field 'total'" in message
    assert message.endswith("(changed in v2.yaml)")


def test_drift_against_the_same_spec_finds_nothing(project: Path) -> None:
    result = check_drift(project / "chatgw.yaml", project / "v1.yaml", environ={}, cache_dir=project / "cache")

    assert {d.code for d in result.diagnostics} <= {"CGW505"}  # the current spec's own warnings


def test_drift_keeps_findings_the_current_spec_already_has_as_they_are(project: Path) -> None:
    broken = ACTIONS["cancel_order.yaml"].replace("{{ slots.order_id }}", "{{ slots.order }}")
    (project / "actions" / "cancel_order.yaml").write_text(broken, encoding="utf-8")
    before = compile_project(project / "chatgw.yaml", environ={}, cache_dir=project / "cache")

    after = check_drift(project / "chatgw.yaml", project / "v1.yaml", environ={}, cache_dir=project / "cache")

    assert after.diagnostics == before.diagnostics != ()


@pytest.mark.usefixtures("spec_cache")
def test_validate_against_new_spec_exits_1_with_the_drift_as_json(project: Path) -> None:
    result = CliRunner().invoke(
        app, ["validate", "--config", str(project / "chatgw.yaml"), "--against", str(project / "v2.yaml"), "-f", "json"]
    )

    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert sorted(d["code"] for d in payload["diagnostics"]) == ["CGW201", "CGW202", "CGW203", "CGW204", "CGW205", "CGW303"]
    assert payload["summary"] == {"errors": 6, "warnings": 0, "actions": 3}


@pytest.mark.usefixtures("spec_cache")
def test_validate_against_a_missing_spec_exits_2(project: Path) -> None:
    result = CliRunner().invoke(
        app, ["validate", "--config", str(project / "chatgw.yaml"), "--against", str(project / "v3.yaml")]
    )

    assert result.exit_code == 2
    assert "v3.yaml not found" in result.stderr
