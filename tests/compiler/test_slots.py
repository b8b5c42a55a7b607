"""Slot plans take type and constraints from the parameter or field each slot feeds."""

from __future__ import annotations

from chatgw.compiler.plans import SlotPlan
from tests.compiler.rulecases import CompileFiles

LIST_ORDERS = """\
description: List the customer's orders
intent:
  examples: [list my orders, what did I order, show my recent orders]
slots:
  count:
    prompt: How many?
  status: {}
  customer_id:
    from: identity.customer_id
call:
  operation: listOrders
  query: {limit: "{{ slots.count }}", status: "{{ slots.status }}"}
  headers: {X-Customer-Id: "{{ slots.customer_id }}"}
reply:
  ok: You have {{ response.body.total }} orders.
"""

REFUND = """\
description: Refund one of the customer's orders
intent:
  examples: [refund my order, I want my money back, my parcel arrived broken]
slots:
  order_id: {}
  amount: {}
  reason: {}
  country: {}
  customer_id: {from: identity.customer_id}
call:
  operation: refundOrder
  path: {order_id: "{{ slots.order_id }}"}
  headers: {X-Customer-Id: "{{ slots.customer_id }}"}
  body:
    amount: "{{ slots.amount }}"
    reason: "{{ slots.reason }}"
    address: {line1: on file, country: "{{ slots.country }}"}
reply:
  ok: Refunded.
"""

SUBSCRIBE = """\
description: Start a subscription
intent:
  examples: [subscribe me, start a subscription, I want the monthly box]
slots:
  customer_id: {from: identity.customer_id}
  plan: {}
  seats:
    type: number
    minimum: 2
    maximum: 10
    enum: [2, 5, 10]
  origin:
    from: support-chat
  email: {}
call:
  operation: createSubscription
  body:
    customer: "{{ slots.customer_id }}"
    plan: "{{ slots.plan }}"
    quantity: "{{ slots.seats }}"
    receipt_email: "{{ slots.email }}"
    metadata: {origin: "{{ slots.origin }}"}
reply:
  ok: Subscribed.
"""


def _slot(compile_files: CompileFiles, source: str, action: str, name: str) -> SlotPlan:
    result = compile_files({f"actions/{action}.yaml": source})
    assert result.diagnostics == ()
    assert result.plan is not None
    plan = result.plan.action(action)
    assert plan is not None
    slot = plan.slot(name)
    assert slot is not None
    return slot


def test_slot_feeding_an_integer_parameter_gets_its_type_and_bounds(compile_files: CompileFiles) -> None:
    slot = _slot(compile_files, LIST_ORDERS, "list_orders", "count")

    assert (slot.type, slot.minimum, slot.maximum) == ("integer", 1, 50)
    assert (slot.exclusive_minimum, slot.exclusive_maximum) == (False, False)
    assert slot.prompt == "How many?"


def test_slot_feeding_an_enum_parameter_gets_its_enum_through_a_ref(compile_files: CompileFiles) -> None:
    slot = _slot(compile_files, LIST_ORDERS, "list_orders", "status")

    assert (slot.type, slot.enum) == ("string", ("open", "shipped", "cancelled"))
    assert slot.prompt == "What is the status? Options: open, shipped, cancelled."


def test_slot_feeding_a_path_parameter_gets_its_pattern(compile_files: CompileFiles) -> None:
    slot = _slot(compile_files, REFUND, "refund", "order_id")

    assert (slot.type, slot.pattern) == ("string", "^ord_[a-z0-9]{6}$")


def test_slot_feeding_body_fields_gets_their_constraints(compile_files: CompileFiles) -> None:
    amount = _slot(compile_files, REFUND, "refund", "amount")
    reason = _slot(compile_files, REFUND, "refund", "reason")
    country = _slot(compile_files, REFUND, "refund", "country")

    assert (amount.type, amount.minimum, amount.maximum) == ("integer", 1, 1000)
    assert reason.enum == ("damaged", "late", "other")
    assert country.pattern == "^[A-Z]{2}$"


def test_slot_feeding_a_form_field_gets_its_enum(compile_files: CompileFiles) -> None:
    slot = _slot(compile_files, SUBSCRIBE, "subscribe", "plan")

    assert (slot.type, slot.enum) == ("string", ("basic", "pro"))


def test_slot_feeding_a_form_field_gets_its_format_and_length(compile_files: CompileFiles) -> None:
    slot = _slot(compile_files, SUBSCRIBE, "subscribe", "email")

    assert (slot.type, slot.format, slot.max_length) == ("string", "email", 254)


def test_slot_own_type_enum_and_bounds_win_over_the_field(compile_files: CompileFiles) -> None:
    slot = _slot(compile_files, SUBSCRIBE, "subscribe", "seats")

    assert (slot.type, slot.minimum, slot.maximum, slot.enum) == ("number", 2, 10, (2, 5, 10))


def test_slot_own_type_wins_over_the_parameter(compile_files: CompileFiles) -> None:
    source = LIST_ORDERS.replace("    prompt: How many?\n", "    prompt: How many?\n    type: number\n")

    slot = _slot(compile_files, source, "list_orders", "count")

    assert slot.type == "number"


def test_slot_sources_message_identity_and_literal(compile_files: CompileFiles) -> None:
    message = _slot(compile_files, SUBSCRIBE, "subscribe", "plan")
    identity = _slot(compile_files, SUBSCRIBE, "subscribe", "customer_id")
    literal = _slot(compile_files, SUBSCRIBE, "subscribe", "origin")

    assert (message.source, message.claim, message.default) == ("message", None, None)
    assert (identity.source, identity.claim) == ("identity", "customer_id")
    assert (literal.source, literal.default) == ("literal", "support-chat")


def test_slot_that_feeds_nothing_is_a_plain_string(compile_files: CompileFiles) -> None:
    source = LIST_ORDERS.replace(
        "  ok: You have {{ response.body.total }} orders.", "  ok: Here you go, {{ slots.nickname }}."
    ).replace("  status: {}\n", "  status: {}\n  nickname: {}\n")

    slot = _slot(compile_files, source, "list_orders", "nickname")

    assert (slot.type, slot.enum, slot.pattern, slot.minimum) == ("string", None, None, None)
