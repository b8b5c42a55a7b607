"""Specs for the openapi tests: the two real ones, and a small one with every tricky shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatgw.openapi import Spec, load_spec

SPECS = Path(__file__).resolve().parents[2].parent / "shared" / "specs"
INTERCOM = SPECS / "intercom-2.11.yaml"
TWILIO = SPECS / "twilio_accounts_v1.json"

# OpenAPI 3.0: path-level parameters, $ref'd parameter/body/response/example, a recursive
# schema, nullable in its three shapes, boolean exclusive bounds, allOf/anyOf composition.
SMALL_30 = """\
openapi: 3.0.3
info: {title: Acme Cloud, version: '1'}
servers:
  - url: https://{region}.acme.test/v1
    variables: {region: {default: eu}}
paths:
  /projects/{project_id}/keys:
    parameters:
      - {name: project_id, in: path, schema: {type: string, pattern: '^proj_[a-z0-9]{5}$'}}
      - {name: verbose, in: query, schema: {type: boolean}}
      - $ref: '#/components/parameters/Limit'
    get:
      operationId: listKeys
      parameters:
        - {name: verbose, in: query, required: true, schema: {type: integer}}
      responses:
        200:
          $ref: '#/components/responses/KeyList'
        default:
          description: error
          content:
            application/problem+json:
              schema: {$ref: '#/components/schemas/Problem'}
    post:
      operationId: rotateProjectKey
      requestBody:
        $ref: '#/components/requestBodies/Rotate'
      responses:
        '201':
          description: rotated
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Key'}
              examples:
                rotated: {$ref: '#/components/examples/RotatedKey'}
  /folders/{id}:
    get:
      operationId: getFolder
      parameters: [{name: id, in: path, schema: {type: string}}]
      responses:
        '200':
          description: a folder tree
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Folder'}
  /uploads:
    post:
      operationId: upload
      requestBody:
        content:
          text/plain: {schema: {type: string}}
          multipart/form-data: {schema: {type: object, properties: {file: {type: string, format: binary}}}}
      responses: {'204': {description: done}}
components:
  parameters:
    Limit: {name: limit, in: query, schema: {type: integer, minimum: 0, exclusiveMinimum: true, maximum: 100}}
  requestBodies:
    Rotate:
      required: true
      content:
        application/json:
          schema:
            allOf:
              - $ref: '#/components/schemas/Reason'
              - type: object
                required: [notify]
                properties:
                  notify: {type: boolean}
                  seats: {type: integer, minimum: 1, maximum: 72}
  responses:
    KeyList:
      description: the keys
      content:
        application/json:
          example: {data: [{key_suffix: a1b2, plan: pro}]}
          schema:
            type: object
            properties:
              data: {type: array, items: {$ref: '#/components/schemas/Key'}}
  examples:
    RotatedKey: {value: {key_suffix: z9y8, plan: team}}
  schemas:
    Reason:
      type: object
      required: [reason]
      properties:
        reason: {type: string, enum: [support-chat, leaked]}
    Key:
      type: object
      required: [key_suffix]
      properties:
        key_suffix: {type: string, description: last four characters}
        plan: {type: string, enum: [pro, team], nullable: true}
        owner:
          $ref: '#/components/schemas/Owner'
          nullable: true
          description: who holds it
        revoked_at: {type: string, format: date-time, nullable: true}
        meta:
          nullable: true
          anyOf: [{type: object, properties: {source: {type: string}}}, {type: string}]
    Owner:
      type: object
      properties:
        email: {type: string, format: email}
    Folder:
      type: object
      properties:
        name: {type: string}
        children: {type: array, items: {$ref: '#/components/schemas/Folder'}}
    Problem:
      type: object
      properties:
        detail: {type: string}
"""

# OpenAPI 3.1: type lists, numeric exclusive bounds, `examples` arrays, $ref with siblings.
SMALL_31 = """\
{
  "openapi": "3.1.0",
  "info": {"title": "Acme 3.1", "version": "1"},
  "paths": {
    "/plans/{plan}": {
      "put": {
        "operationId": "setPlan",
        "parameters": [{"name": "plan", "in": "path", "required": true,
                        "schema": {"type": "string", "enum": ["pro", "team"]}}],
        "requestBody": {"content": {"application/json": {"schema": {
          "type": "object",
          "properties": {
            "seats": {"type": ["integer", "null"], "exclusiveMinimum": 0, "maximum": 500},
            "owner": {"$ref": "#/components/schemas/Owner", "description": "new owner"}
          }
        }}}},
        "responses": {"200": {"description": "ok"}}
      }
    }
  },
  "components": {"schemas": {"Owner": {
    "type": "object", "properties": {"email": {"type": "string", "examples": ["ops@acme.test"]}}
  }}}
}
"""


@pytest.fixture(scope="session")
def intercom(tmp_path_factory: pytest.TempPathFactory) -> Spec:
    return load_spec(INTERCOM, cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def twilio(tmp_path_factory: pytest.TempPathFactory) -> Spec:
    return load_spec(TWILIO, cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture
def small_path(tmp_path: Path) -> Path:
    path = tmp_path / "acme.yaml"
    path.write_text(SMALL_30, encoding="utf-8")
    return path


@pytest.fixture
def small(small_path: Path, tmp_path: Path) -> Spec:
    return load_spec(small_path, cache_dir=tmp_path / "cache")


@pytest.fixture
def small31(tmp_path: Path) -> Spec:
    path = tmp_path / "acme31.json"
    path.write_text(SMALL_31, encoding="utf-8")
    return load_spec(path, cache_dir=tmp_path / "cache")
