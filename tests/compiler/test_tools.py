"""Tool definitions from compiled plans: inputs from message slots only, outputs from what the
replies read, hints from the methods."""

from __future__ import annotations

from pathlib import Path

from chatgw.compiler import load_project
from chatgw.compiler.tools import pick_output, tool_definitions
from tests.projects import CANCEL, write_shop

# Two steps: the order is read first (as `order`), then cancelled; the reply reads both.
CANCEL_AFTER_LOOKUP = """\
description: Cancel an order after looking it up. It cannot be undone.
intent:
  examples: [cancel my order, I don't want order ord_ab12cd any more, stop my order]
slots:
  order_id: {prompt: Which order?}
  customer_id: {from: identity.customer_id}
  note: {from: support-chat}
steps:
  - as: order
    operation: getOrder
    path: {order_id: "{{ slots.order_id }}"}
    headers: {X-Customer-Id: "{{ slots.customer_id }}"}
  - as: cancel
    operation: cancelOrder
    path: {order_id: "{{ slots.order_id }}"}
    headers: {X-Customer-Id: "{{ slots.customer_id }}"}
reply:
  ok: >-
    Cancelled ({{ response.status }}); {{ steps.order.body.total.amount }} {{ steps.order.body.total.currency }}
    comes back{% if steps.order.body.shipping %} from {{ steps.order.body.shipping.carrier }}{% endif %}.
"""
REFUND = """\
description: Refund part of an order
intent:
  examples: [refund my order, I want my money back for ord_ab12cd, refund 20 dollars]
slots:
  order_id: {prompt: Which order?}
  amount: {prompt: How much?, minimum: 5}
  reason: {prompt: Why?}
  note: {prompt: Anything to add?, required: false}
  customer_id: {from: identity.customer_id}
call:
  operation: refundOrder
  path: {order_id: "{{ slots.order_id }}"}
  headers: {X-Customer-Id: "{{ slots.customer_id }}"}
  body: {amount: "{{ slots.amount }}", reason: "{{ slots.reason }}", note: "{{ slots.note }}"}
reply:
  ok: Refund {{ response.body.id }} is on its way.
  404: No such order.
"""
LIST = """\
description: List the customer's orders
intent:
  examples: [show my orders, list my orders, what did I order]
slots:
  customer_id: {from: identity.customer_id}
call:
  operation: listOrders
  headers: {X-Customer-Id: "{{ slots.customer_id }}"}
reply:
  ok: "{% for order in response.body.orders %}{{ order.id }} {% endfor %}({{ response.body.total }})"
"""


def _tools(tmp_path: Path, actions: dict[str, str]) -> dict:
    config = write_shop(tmp_path, {f"actions/{name}.yaml": text for name, text in actions.items()})
    return {tool.name: tool for tool in tool_definitions(load_project(config))}


def test_inputs_are_the_message_slots_with_the_spec_constraints(tmp_path: Path) -> None:
    tool = _tools(tmp_path, {"refund": REFUND})["refund"]

    assert tool.input_schema == {
        "type": "object",
        "properties": {
            "order_id": {"type": "string", "description": "Which order?", "pattern": "^ord_[a-z0-9]{6}$"},
            "amount": {"type": "integer", "description": "How much?", "minimum": 5, "maximum": 1000},
            "reason": {"type": "string", "description": "Why?", "enum": ["damaged", "late", "other"]},
            "note": {"type": "string", "description": "Anything to add?", "maxLength": 200},
        },
        "additionalProperties": False,
        "required": ["order_id", "amount", "reason"],
    }


def test_identity_and_literal_slots_are_never_inputs(tmp_path: Path) -> None:
    tool = _tools(tmp_path, {"cancel": CANCEL_AFTER_LOOKUP})["cancel"]

    assert list(tool.input_schema["properties"]) == ["order_id"]
    assert tool.input_schema["additionalProperties"] is False


def test_outputs_are_the_fields_the_reply_reads_across_steps(tmp_path: Path) -> None:
    tool = _tools(tmp_path, {"cancel": CANCEL_AFTER_LOOKUP})["cancel"]

    assert tool.output_fields == (
        ("response", "status"),
        ("steps", "order", "body", "total", "amount"),
        ("steps", "order", "body", "total", "currency"),
        ("steps", "order", "body", "shipping"),
    )
    order = tool.output_schema["properties"]["steps"]["properties"]["order"]["properties"]["body"]
    assert order["properties"]["total"]["properties"] == {"amount": {"type": "integer"}, "currency": {"type": "string"}}
    assert order["properties"]["shipping"]["anyOf"][1] == {"type": "null"}
    assert tool.output_schema["required"] == ["response"]
    assert tool.output_schema["properties"]["response"] == {
        "type": "object", "properties": {"status": {"type": "integer"}}, "required": ["status"],
    }


def test_an_array_the_reply_loops_over_is_kept_whole(tmp_path: Path) -> None:
    tool = _tools(tmp_path, {"orders": LIST})["orders"]

    assert tool.output_fields == (("response", "body", "orders"), ("response", "body", "total"))
    orders = tool.output_schema["properties"]["response"]["properties"]["body"]["properties"]["orders"]
    assert orders["type"] == "array" and "allOf" in orders["items"]


def test_pick_output_keeps_only_what_the_replies_read(tmp_path: Path) -> None:
    tool = _tools(tmp_path, {"refund": REFUND})["refund"]
    answer = {"status": 201, "headers": {"x-secret": "s"}, "body": {"id": "re_1", "amount": 20, "card": "4242"}}

    assert pick_output(tool.output_fields, {"response": answer, "steps": {}}) == {"response": {"body": {"id": "re_1"}}}
    assert pick_output(tool.output_fields, {"response": {"status": 201, "body": None}, "steps": {}}) == {}


def test_hints_follow_the_methods(tmp_path: Path) -> None:
    tools = _tools(tmp_path, {"cancel": CANCEL_AFTER_LOOKUP, "refund": REFUND, "orders": LIST, "plain_cancel": CANCEL})

    hints = {name: (t.methods, t.read_only, t.destructive, t.idempotent, t.confirm) for name, t in tools.items()}
    assert hints == {
        "cancel": (("GET", "DELETE"), False, True, True, True),
        "refund": (("POST",), False, False, False, True),
        "orders": (("GET",), True, False, True, False),
        "plain_cancel": (("DELETE",), False, True, True, True),
    }


def test_description_carries_the_intent_examples_and_the_title_its_first_sentence(tmp_path: Path) -> None:
    tool = _tools(tmp_path, {"cancel": CANCEL_AFTER_LOOKUP})["cancel"]

    assert tool.title == "Cancel an order after looking it up"
    assert tool.description == (
        "Cancel an order after looking it up. It cannot be undone.\n\nCustomers ask for it like this:\n"
        "- cancel my order\n- I don't want order ord_ab12cd any more\n- stop my order"
    )


def test_names_are_valid_tool_names_and_distinct(tmp_path: Path) -> None:
    tools = _tools(tmp_path, {"orders.list": LIST, "orders list": LIST})

    assert sorted(tools) == ["orders_list", "orders_list_2"]
    assert sorted(tool.action for tool in tools.values()) == ["orders list", "orders.list"]
