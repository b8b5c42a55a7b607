"""Problems of the spec itself, as located records: broken $refs, duplicate operationIds,
undeclared path parameters. Never a crash, never silent."""

from __future__ import annotations

import json
from pathlib import Path

from chatgw.openapi import SpecProblem, load_spec

BROKEN_YAML = """\
openapi: 3.0.3
info: {title: Broken, version: '1'}
paths:
  /orders/{order_id}/items/{item}:
    parameters:
      - {name: order_id, in: path, required: true, schema: {type: string}}
    get:
      operationId: getItem
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  owner:
                    $ref: '#/components/schemas/Ownr'
  /orders:
    get:
      operationId: getItem
      responses: {'200': {description: ok}}
components:
  schemas:
    Owner: {type: object}
"""


def test_broken_ref_is_a_located_problem(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN_YAML, encoding="utf-8")
    spec = load_spec(path, cache_dir=tmp_path / "cache")
    operation = spec.operation("GET /orders/{order_id}/items/{item}")
    assert operation is not None
    codes = {problem.code: problem for problem in spec.findings}
    broken = codes["ref-missing"]
    assert broken == SpecProblem(
        "ref-missing",
        "$ref '#/components/schemas/Ownr' points at nothing in the spec; fix the reference",
        "/paths/~1orders~1{order_id}~1items~1{item}/get/responses/200/content/application~1json/schema/properties/owner/$ref",
        18,
        21,
    )
    assert str(broken) == broken.message and broken.message in spec.problems


def test_duplicate_operation_id_and_undeclared_path_parameter_are_located(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN_YAML, encoding="utf-8")
    spec = load_spec(path, cache_dir=tmp_path / "cache")
    (duplicate,) = spec.findings  # found on load, before any operation is built
    assert duplicate.code == "operation-id-duplicate" and (duplicate.line, duplicate.column) == (21, 7)
    assert "GET /orders/{order_id}/items/{item}" in duplicate.message
    spec.operation("getItem")
    undeclared = [p for p in spec.findings if p.code == "path-parameter-undeclared"]
    assert [(p.line, "'item'" in p.message) for p in undeclared] == [(7, True)]


def test_problems_in_json_specs_are_located_too(tmp_path: Path) -> None:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "j"},
        "paths": {"/a": {"get": {"operationId": "a", "parameters": [{"$ref": "#/components/parameters/Nope"}],
                                 "responses": {"200": {"description": "ok"}}}}},
    }
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    spec = load_spec(path, cache_dir=tmp_path / "cache")
    assert spec.operation("a") is not None
    (problem,) = spec.findings
    assert problem.code == "ref-missing" and problem.pointer == "/paths/~1a/get/parameters/0/$ref"
    assert problem.line is not None and '"$ref"' in path.read_text().splitlines()[problem.line - 1]


def test_external_ref_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "ext.yaml"
    path.write_text(BROKEN_YAML.replace("'#/components/schemas/Ownr'", "'other.yaml#/Owner'"), encoding="utf-8")
    spec = load_spec(path, cache_dir=tmp_path / "cache")
    spec.operation("GET /orders/{order_id}/items/{item}")
    assert "ref-external" in {problem.code for problem in spec.findings}
