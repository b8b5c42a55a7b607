"""Messy customers on an action set that is not the demo's (a shop: orders, refunds): refusals,
one action over a list of ids, one verb over two objects, "yes but ...", relative corrections.

The demo's figures are in bench/understanding.py; these pin the mechanisms on other words.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from chatgw.compiler import compile_project
from chatgw.compiler.plans import ActionPlan, CallPlan, NluPlan, SlotPlan
from chatgw.engine import ConversationState, Engine, TurnResult
from chatgw.runtime import DryRunSender
from tests.engine.plans import acme
from tests.projects import CANCEL, write_shop
from tests.runtime.builders import operation, path_param

REFUND = """\
description: Refund part of an order
intent:
  examples: [refund my order, I want my money back for ord_ab12cd, give me a refund, the parcel was damaged, refund 20 on my order]
slots:
  order_id: {prompt: Which order?}
  amount: {prompt: How much?}
  reason: {prompt: Why?}
  customer_id: {from: identity.customer_id}
call:
  operation: refundOrder
  path: {order_id: "{{ slots.order_id }}"}
  headers: {X-Customer-Id: "{{ slots.customer_id }}"}
  body: {amount: "{{ slots.amount }}", reason: "{{ slots.reason }}"}
reply:
  ok: Refunded.
"""
TRACK = """\
description: Say where an order is
intent:
  examples: [where is my order, track my order, has ord_ab12cd shipped, show me my order status, order status please]
slots:
  order_id: {prompt: Which order?}
  customer_id: {from: identity.customer_id}
call:
  operation: getOrder
  path: {order_id: "{{ slots.order_id }}"}
  headers: {X-Customer-Id: "{{ slots.customer_id }}"}
reply:
  ok: Here it is.
"""
CONFIG = """\
version: 1
name: shop-support
openapi: shop.openapi.yaml
upstream:
  base_url: http://127.0.0.1:9
actions: actions/
nlu: {engine: builtin}
"""


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root: Path = tmp_path_factory.mktemp("shop")
    config = write_shop(
        root,
        {
            "chatgw.yaml": CONFIG,
            "actions/cancel_order.yaml": CANCEL,
            "actions/refund_order.yaml": REFUND,
            "actions/track_order.yaml": TRACK,
        },
    )
    compiled = compile_project(config)
    assert compiled.plan is not None, compiled.errors
    return Engine(compiled.plan, DryRunSender())


def _talk(engine: Engine, *messages: str) -> list[TurnResult]:
    async def run() -> list[TurnResult]:
        state: ConversationState | None = None
        results = []
        for message in messages:
            result = await engine.turn(state, message, identity={"customer_id": "cus_1"}, conversation_id="c1")
            results.append(result)
            state = result.state
        return results

    return asyncio.run(run())


def _path(result: TurnResult) -> str | None:
    request = result.turn.request
    return None if request is None else str(request["url"]).removeprefix("http://127.0.0.1:9")


def test_a_refused_request_is_not_started_and_the_other_one_is(shop: Engine):
    (turn,) = _talk(shop, "don't cancel my order, just track my order ord_ab12cd")
    assert turn.turn.intent == "track_order"
    assert (turn.turn.request or {}).get("method") == "GET"


def test_a_message_that_only_refuses_starts_nothing(shop: Engine):
    (turn,) = _talk(shop, "please do not cancel order ord_ab12cd")
    assert turn.turn.state == "idle" and turn.turn.request is None and not turn.runs


def test_one_action_over_two_ids_runs_once_per_id(shop: Engine):
    first, second, third = _talk(shop, "cancel orders ord_ab12cd and ord_zz99yy", "yes", "yes")
    assert first.turn.state == "confirming" and first.turn.slots["order_id"] == "ord_ab12cd"
    assert [run.outcome for run in second.runs] == ["ok"]
    assert second.turn.state == "confirming" and second.turn.slots["order_id"] == "ord_zz99yy"
    assert _path(third) == "/orders/ord_zz99yy" and [run.outcome for run in third.runs] == ["ok"]


def test_each_id_keeps_the_words_it_carries(shop: Engine):
    (turn,) = _talk(shop, "refund ord_ab12cd 20 and ord_zz99yy 10, they were damaged")
    assert turn.turn.slots["order_id"] == "ord_ab12cd" and turn.turn.slots["reason"] == "damaged"
    assert turn.state.queue == (("refund_order", "refund ord_zz99yy 10 , they were damaged"),)


def test_yes_but_another_order_sends_nothing_and_asks_again(shop: Engine):
    _, turn = _talk(shop, "cancel order ord_ab12cd", "yes but the other order")
    assert not turn.runs and turn.turn.state == "collecting" and "order_id" not in turn.state.slots


def test_yes_but_with_a_value_corrects_instead_of_sending(shop: Engine):
    _, turn = _talk(shop, "refund 30 on ord_ab12cd, it was damaged", "yes but 25")
    assert not turn.runs and turn.turn.state == "confirming" and turn.turn.slots["amount"] == 25


@pytest.mark.parametrize(("correction", "amount"), [("make it 5 more", 35), ("double that", 60), ("actually half that", 15)])
def test_a_relative_correction_moves_the_value_it_names(shop: Engine, correction: str, amount: int):
    _, turn = _talk(shop, "refund 30 on ord_ab12cd, it was damaged", correction)
    assert turn.turn.state == "confirming" and turn.turn.slots["amount"] == amount and not turn.runs


def test_a_list_the_action_itself_takes_stays_one_request():
    # "merge ord_a and ord_b" fills two slots with the two ids: one request, not one per id
    order = {"type": "string", "pattern": "^ord_[a-z0-9]{6}$"}
    merge = operation(
        "POST", "/orders/{first}/merge/{second}", operation_id="mergeOrders",
        parameters=(path_param("first", order), path_param("second", order)),
    )
    action = ActionPlan(
        name="merge_orders",
        description="Merge two orders into one.",
        source="actions/merge_orders.yaml",
        examples=("merge my orders", "combine ord_ab12cd and ord_zz99yy", "put two orders together"),
        slots=(SlotPlan("first", pattern=order["pattern"], prompt="Which order first?"),
               SlotPlan("second", pattern=order["pattern"], prompt="And the other one?")),
        confirm="Merge {{ slots.first }} and {{ slots.second }}?",
        steps=(CallPlan(operation=merge, path={"first": "{{ slots.first }}", "second": "{{ slots.second }}"}),),
    )
    project = replace(acme(), actions=(*acme().actions, action), nlu=NluPlan(engine="builtin"))
    (turn,) = _talk(Engine(project, DryRunSender()), "merge orders ord_ab12cd and ord_zz99yy")
    assert turn.turn.intent == "merge_orders" and turn.turn.state == "confirming"
    assert (turn.turn.slots["first"], turn.turn.slots["second"]) == ("ord_ab12cd", "ord_zz99yy")
    assert turn.state.queue == ()
