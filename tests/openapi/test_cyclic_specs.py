"""Specs whose schemas reference each other in cycles (Stripe's expandable fields): resolved
into a graph of shared schemas, checked at any depth, and walked without looping."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from chatgw.compiler import compile_project
from chatgw.openapi import Spec, load_spec
from chatgw.openapi import schema as s
from chatgw.openapi._graph import AGAIN, reachable
from tests.projects import write_files

# customer <-> subscription <-> invoice, through expandable fields (`anyOf: [id, $ref]`),
# lists, nullable $refs and allOf; the body of updateCustomer reaches every one of them.
CYCLIC = """\
openapi: 3.0.3
info: {title: Cyclic, version: '1'}
paths:
  /customers/{customer}:
    get:
      operationId: getCustomer
      parameters: [{name: customer, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/customer'}}}
    post:
      operationId: updateCustomer
      parameters: [{name: customer, in: path, required: true, schema: {type: string}}]
      requestBody:
        content: {application/json: {schema: {$ref: '#/components/schemas/customer'}}}
      responses: {'200': {description: ok}}
components:
  schemas:
    customer:
      type: object
      additionalProperties: false
      properties:
        id: {type: string}
        name: {type: string, nullable: true}
        subscription:
          anyOf: [{type: string}, {$ref: '#/components/schemas/subscription'}]
          nullable: true
        invoices:
          type: object
          properties:
            data: {type: array, items: {$ref: '#/components/schemas/invoice'}}
    subscription:
      type: object
      additionalProperties: false
      properties:
        id: {type: string}
        customer:
          $ref: '#/components/schemas/customer'
          nullable: true
          description: who pays
        latest_invoice: {anyOf: [{type: string}, {$ref: '#/components/schemas/invoice'}]}
    invoice:
      allOf:
        - $ref: '#/components/schemas/invoice_base'
      description: a bill
    invoice_base:
      type: object
      additionalProperties: false
      properties:
        id: {type: string}
        amount_due: {type: integer, minimum: 0}
        subscription: {$ref: '#/components/schemas/subscription'}
"""


@pytest.fixture
def cyclic(tmp_path: Path) -> Spec:
    path = tmp_path / "cyclic.yaml"
    path.write_text(CYCLIC, encoding="utf-8")
    return load_spec(path, cache_dir=tmp_path / "cache")


def _customer(spec: Spec) -> dict:
    operation = spec.operation("getCustomer")
    assert operation is not None
    response = operation.success_response()
    assert response is not None and response.schema is not None
    return response.schema  # type: ignore[return-value]


def test_cycles_point_back_at_the_same_schema(cyclic: Spec) -> None:
    customer = _customer(cyclic)
    around = s.at_path(customer, ["subscription", "latest_invoice", "subscription", "customer"])
    assert around is not None and around["description"] == "who pays"
    assert s.properties(around) == s.properties(customer)
    assert s.at_path(customer, ["invoices", "data", "0", "subscription"]) is s.at_path(
        customer, ["subscription", "latest_invoice", "subscription"]
    ) or s.properties(s.at_path(customer, ["invoices", "data", "0", "subscription"])) is not None
    assert cyclic.findings == ()


def test_deep_field_through_cycles_is_known_and_a_typo_is_not(cyclic: Spec) -> None:
    customer = _customer(cyclic)
    deep = ["subscription", "customer", "subscription", "latest_invoice", "amount_due"]
    assert s.type_name(s.at_path(customer, deep)) == "integer"
    assert s.at_path(customer, [*deep[:-1], "amount_dew"]) is None


def test_jsonschema_validates_finite_values_against_the_cyclic_graph(cyclic: Spec) -> None:
    customer = _customer(cyclic)
    good = {"id": "cus_1", "subscription": {"id": "sub_1", "customer": {"id": "cus_1", "subscription": "sub_1"}}}
    assert s.check_value(customer, good) is None
    bad = {"subscription": {"customer": {"subscription": {"latest_invoice": {"amount_due": -1}}}}}
    assert s.check_value(customer, bad) is not None


def test_walks_that_must_stop_stop_at_a_revisit(cyclic: Spec) -> None:
    customer = _customer(cyclic)
    example = s.example_for(customer)
    json.dumps(example)  # finite
    tree = s.finite(customer)
    text = json.dumps(tree)  # finite, with markers where a schema comes again
    assert AGAIN in text
    assert len(reachable(customer)) < 200
    copy = pickle.loads(pickle.dumps(customer))  # pickle keeps the cycles
    assert s.type_name(s.at_path(copy, ["subscription", "customer", "subscription", "id"])) == "string"
    assert repr(customer)  # Python's repr marks the cycles itself


def test_a_loop_without_a_property_step_is_cut_and_reported(tmp_path: Path) -> None:
    spec_file = tmp_path / "loop.json"
    spec_file.write_text(json.dumps({
        "openapi": "3.1.0",
        "info": {"title": "loop"},
        "paths": {"/a": {"get": {"operationId": "a", "responses": {"200": {"description": "ok", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}}},
        "components": {"schemas": {
            "A": {"allOf": [{"$ref": "#/components/schemas/B"}]},
            "B": {"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "string"}]},
        }},
    }))
    spec = load_spec(spec_file, cache_dir=tmp_path / "cache")
    operation = spec.operation("a")
    assert operation is not None and operation.success_response() is not None
    schema = operation.success_response().schema  # type: ignore[union-attr]
    assert s.check_value(schema, 5) is None or isinstance(s.check_value(schema, 5), str)  # terminates
    s.example_for(schema)
    (problem,) = spec.findings
    assert problem.code == "ref-loop" and problem.pointer.startswith("/components/schemas/")
    assert problem.line is not None


# -- through the compiler -------------------------------------------------------------------

UPDATE = """\
description: Change a customer's name, deep in the graph
intent:
  examples: [rename the customer, change the customer name, update customer name]
slots:
  customer: {prompt: Which customer?}
call:
  operation: updateCustomer
  path: {customer: "{{ slots.customer }}"}
  body:
    invoices:
      data:
        - subscription:
            customer:
              nmae: Ada
reply:
  ok: Done.
"""


def _compile(tmp_path: Path, action: str) -> list:
    write_files(tmp_path, {
        "cyclic.yaml": CYCLIC,
        "chatgw.yaml": "version: 1\nname: cyclic\nopenapi: cyclic.yaml\nupstream: {base_url: http://127.0.0.1:9}\nactions: actions/\n",
        "actions/update.yaml": action,
    })
    return list(compile_project(tmp_path / "chatgw.yaml", cache_dir=tmp_path / "cache").errors)


def test_compile_catches_a_body_field_typo_deep_through_cycles(tmp_path: Path) -> None:
    # customer -> invoices.data[] -> invoice (allOf) -> subscription -> customer (nullable $ref):
    # the old inliner cut the second `customer` to `{}` and accepted anything below it.
    (typo,) = _compile(tmp_path, UPDATE)
    assert (typo.code, typo.line, typo.column) == ("CGW205", 14, 15)
    assert "nmae" in typo.message and "'name'" in (typo.hint or "")


def test_compile_catches_a_typo_below_an_expandable_field(tmp_path: Path) -> None:
    body = "    subscription:\n      customer:\n        subscription:\n          latest_invoice: {amount_dew: 5}\n"
    action = UPDATE[: UPDATE.index("    invoices:")] + body + "reply:\n  ok: Done.\n"
    (error,) = _compile(tmp_path, action)
    assert error.line == 11 and "amount_dew" in error.message
