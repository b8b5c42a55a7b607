"""Lenient validation: every error of a file, and a model of the rest to compile."""

from __future__ import annotations

from chatgw.config.lenient import validate_leniently
from chatgw.config.models import ActionConfig
from chatgw.config.yamlpos import parse_yaml

ACTION = """\
description: Show an order
intent:
  examples: [where is my order, show my order, order status]
slots:
  order_id: {promt: Which order?, type: text}
steps:
  - as: order
    operation: getOrder
    retry: 2
  - operation: listOrders
answer: 7
"""


def test_validate_leniently_reports_every_error_and_keeps_the_valid_rest() -> None:
    doc, _ = parse_yaml(ACTION, "actions/show_order.yaml")
    assert doc is not None

    validated = validate_leniently(ActionConfig, doc)

    assert sorted((d.line, d.column, d.code) for d in validated.diagnostics) == [
        (5, 14, "CGW103"),  # promt
        (5, 41, "CGW104"),  # type: text
        (9, 5, "CGW103"),  # retry
        (10, 5, "CGW105"),  # the second step has no as:
        (11, 9, "CGW104"),  # answer is not text
    ]
    model = validated.model
    assert model is not None
    assert list(model.slots) == ["order_id"] and model.slots["order_id"].prompt is None
    assert [step.operation for step in model.steps or []] == ["getOrder"]
    assert model.answer is None
    assert validated.doc.at(("steps", 0, "operation")).line == 8


def test_validate_leniently_gives_no_model_when_a_required_part_is_unusable() -> None:
    doc, _ = parse_yaml("description: x\nintent: [a, b]\n", "actions/x.yaml")
    assert doc is not None

    validated = validate_leniently(ActionConfig, doc)

    assert validated.model is None
    assert [(d.line, d.column, d.code) for d in validated.diagnostics] == [(2, 9, "CGW104")]  # not also "intent missing"
