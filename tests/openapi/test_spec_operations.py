"""Spec.operation / operations / suggest: lookup, merging, $refs, inlining, normalisation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chatgw.openapi import Operation, Spec, load_spec
from chatgw.openapi import schema as s
from chatgw.openapi._graph import reachable


def _refs_in(node: Any) -> list[str]:
    """Every `$ref` value anywhere below `node` (records, dicts, lists), each node seen once."""
    return [str(item["$ref"]) for item in reachable(node).values() if isinstance(item, dict) and "$ref" in item]


def _op(spec: Spec, ref: str) -> Operation:
    operation = spec.operation(ref)
    assert operation is not None, ref
    return operation


# -- lookup -----------------------------------------------------------------------------


def test_operation_by_operation_id(intercom: Spec) -> None:
    operation = _op(intercom, "retrieveConversation")
    assert operation.key == "GET /conversations/{conversation_id}"
    assert operation.operation_id == "retrieveConversation"
    assert operation.tags == ("Conversations",)
    assert operation.security == ("bearerAuth",)


def test_operation_by_method_and_path_any_case(intercom: Spec) -> None:
    by_key = _op(intercom, "get /conversations/{conversation_id}")
    assert by_key is intercom.operation("retrieveConversation")  # built once, then cached
    assert by_key is intercom.operation("GET /conversations/{conversation_id}")


@pytest.mark.parametrize(
    "ref", ["retrieveConversationz", "GET /conversations/{id}", "DELETE /me", "/me", "", "GET"]
)
def test_operation_unknown_is_none(intercom: Spec, ref: str) -> None:
    assert intercom.operation(ref) is None


def test_operations_lists_every_operation_in_order(intercom: Spec) -> None:
    operations = list(intercom.operations())
    assert len(operations) == 108
    assert operations[0].key == "GET /me"
    assert len({operation.key for operation in operations}) == 108


def test_suggest_close_operation_ids(intercom: Spec) -> None:
    assert intercom.suggest("retreiveConversation")[0] == "retrieveConversation"
    assert intercom.suggest("listcontacts")[0] == "ListContacts"
    assert len(intercom.suggest("listContacts", limit=2)) <= 2


def test_suggest_close_method_and_path_keys(intercom: Spec) -> None:
    assert intercom.suggest("GET /conversation/{conversation_id}")[0] == "GET /conversations/{conversation_id}"
    assert intercom.suggest("/contacts") == ["GET /contacts", "POST /contacts"]
    assert intercom.suggest("zzzzzzzz") == []


# -- parameters, bodies, responses --------------------------------------------------------


def test_operation_merges_path_level_parameters(small: Spec) -> None:
    operation = _op(small, "listKeys")
    assert [(p.name, p.location) for p in operation.parameters] == [
        ("project_id", "path"),
        ("verbose", "query"),
        ("limit", "query"),
    ]
    verbose = operation.parameter("verbose", "query")
    assert verbose is not None and verbose.required and verbose.schema == {"type": "integer"}  # operation wins
    project = operation.parameter("project_id", "path")
    assert project is not None and project.required  # path parameters always are
    rotate = _op(small, "rotateProjectKey")
    assert {p.name for p in rotate.parameters} == {"project_id", "verbose", "limit"}


def test_operation_resolves_ref_parameters_and_normalises_bounds(small: Spec) -> None:
    limit = _op(small, "listKeys").parameter("limit", "query")
    assert limit is not None
    assert limit.schema == {"type": "integer", "exclusiveMinimum": 0, "maximum": 100}


def test_operation_resolves_ref_request_body(small: Spec) -> None:
    body = _op(small, "rotateProjectKey").request_body
    assert body is not None
    assert body.required is True
    assert body.media_type == "application/json"
    assert s.required(body.schema) == {"reason", "notify"}
    assert set(s.properties(body.schema)) == {"reason", "notify", "seats"}


def test_operation_resolves_ref_responses_and_examples(small: Spec) -> None:
    listed = _op(small, "listKeys")
    ok = listed.success_response()
    assert ok is not None and ok.status == "200" and ok.description == "the keys"
    assert ok.example == {"data": [{"key_suffix": "a1b2", "plan": "pro"}]}
    assert s.at_path(ok.schema, ["data", "0", "key_suffix"]) == {
        "type": "string",
        "description": "last four characters",
    }
    problem = listed.responses["default"]  # application/problem+json counts as JSON
    assert problem.schema is not None and "detail" in s.properties(problem.schema)
    rotated = _op(small, "rotateProjectKey").responses["201"]
    assert rotated.example == {"key_suffix": "z9y8", "plan": "team"}  # from a $ref'd Example


def test_operation_prefers_multipart_over_other_media_types(small: Spec) -> None:
    body = _op(small, "upload").request_body
    assert body is not None and body.media_type == "multipart/form-data"
    assert _op(small, "upload").responses["204"].schema is None


def test_operation_twilio_form_body(twilio: Spec) -> None:
    operation = _op(twilio, "CreateCredentialAws")
    assert operation.key == "POST /v1/Credentials/AWS"
    body = operation.request_body
    assert body is not None and body.media_type == "application/x-www-form-urlencoded"
    assert s.required(body.schema) == {"Credentials"}
    assert set(s.properties(body.schema)) == {"Credentials", "FriendlyName", "AccountSid"}
    assert not s.is_open(body.schema)
    sid = s.property_schema(body.schema, "AccountSid")
    assert s.check_value(sid, "AC" + "0" * 32) is None
    assert s.check_value(sid, "AC" + "g" * 32) == "must match ^AC[0-9a-fA-F]{32}$"


def test_operation_twilio_path_parameter_and_response(twilio: Spec) -> None:
    operation = _op(twilio, "POST /v1/Credentials/AWS/{Sid}")
    assert [(p.name, p.location, p.required) for p in operation.parameters] == [("Sid", "path", True)]
    ok = operation.success_response()
    assert ok is not None and s.type_name(s.at_path(ok.schema, ["date_created"])) == "string"


# -- inlining and normalisation ------------------------------------------------------------


@pytest.mark.parametrize("name", ["intercom", "twilio", "small", "small31"])
def test_operation_leaves_no_ref_anywhere(name: str, request: pytest.FixtureRequest) -> None:
    spec: Spec = request.getfixturevalue(name)
    for operation in spec.operations():
        assert _refs_in(operation) == [], operation.key


def test_operation_resolves_recursion_into_a_cycle(small: Spec) -> None:
    ok = _op(small, "getFolder").success_response()
    assert ok is not None
    folder = ok.schema
    assert s.at_path(folder, ["name"]) == {"type": "string"}
    assert s.at_path(folder, ["children", "0"]) is folder  # the same object, not a copy
    assert s.at_path(folder, ["children", "0", "children", "5", "name"]) == {"type": "string"}
    assert s.at_path(folder, ["children", "0", "nmae"]) is None  # typos are seen at any depth
    assert small.problems == ()


def test_operation_resolves_intercom_search_filter_recursion(intercom: Spec) -> None:
    body = _op(intercom, "searchConversations").request_body
    assert body is not None and _refs_in(body) == []
    assert s.at_path(body.schema, ["query", "operator"]) is not None


def test_operation_normalises_nullable(small: Spec) -> None:
    key = _op(small, "rotateProjectKey").responses["201"].schema
    assert s.property_schema(key, "revoked_at") == {"type": ["string", "null"], "format": "date-time"}
    assert s.property_schema(key, "plan") == {"type": ["string", "null"], "enum": ["pro", "team", None]}
    owner = s.property_schema(key, "owner")  # nullable next to a $ref
    assert owner is not None
    assert owner["type"] == ["object", "null"] and owner["description"] == "who holds it"
    meta = s.property_schema(key, "meta")
    assert meta is not None and meta["anyOf"][-1] == {"type": "null"}
    assert not _contains_key(key, "nullable")


def test_operation_normalises_every_intercom_nullable(intercom: Spec) -> None:
    for operation in intercom.operations():
        for response in operation.responses.values():
            assert not _contains_key(response.schema, "nullable"), operation.key
        if operation.request_body is not None:
            assert not _contains_key(operation.request_body.schema, "nullable"), operation.key


def test_operation_reads_openapi_31_schemas(small31: Spec) -> None:
    operation = _op(small31, "PUT /plans/{plan}")
    body = operation.request_body
    assert body is not None
    seats = s.property_schema(body.schema, "seats")
    assert seats == {"type": ["integer", "null"], "exclusiveMinimum": 0, "maximum": 500}
    assert s.check_value(seats, 0) == "must be greater than 0 and at most 500"
    assert s.check_value(seats, None) is None
    owner = s.property_schema(body.schema, "owner")
    assert owner is not None and owner["description"] == "new owner"
    assert s.example_for(s.at_path(body.schema, ["owner", "email"])) == "ops@acme.test"


def test_spec_records_broken_references_instead_of_failing(intercom: Spec) -> None:
    conversation = _op(intercom, "retrieveConversation").success_response()
    assert conversation is not None
    assert s.at_path(conversation.schema, ["custom_attributes", "anything"]) == {}
    assert any("custom_attributes" in problem for problem in intercom.problems)


def _contains_key(node: Any, key: str, seen: set[int] | None = None) -> bool:
    """Whether `key` is a keyword (not a property name) anywhere in the schema graph `node`."""
    seen = set() if seen is None else seen
    if isinstance(node, dict):
        if id(node) in seen:
            return False  # a recursive schema: already looked at
        seen.add(id(node))
        if key in node:
            return True
        return any(
            _contains_key(value, key, seen)
            if name != "properties"
            else any(_contains_key(v, key, seen) for v in value.values())
            for name, value in node.items()
        )
    if isinstance(node, list):
        return any(_contains_key(value, key, seen) for value in node)
    return False


def test_spec_builds_operations_only_when_asked(tmp_path: Path) -> None:
    paths = {
        f"/items{n}": {"get": {"operationId": f"item{n}", "responses": {"200": {"$ref": f"#/missing/{n}"}}}}
        for n in range(2000)
    }
    spec_file = tmp_path / "big.json"
    spec_file.write_text(json.dumps({"openapi": "3.0.0", "info": {"title": "big"}, "paths": paths}))
    spec = load_spec(spec_file, cache_dir=tmp_path / "cache")
    assert spec.problems == ()  # nothing was resolved yet
    assert spec.suggest("item1999")[0] == "item1999"
    assert _op(spec, "item7").responses["200"].schema is None
    assert spec.problems == ("$ref '#/missing/7' points at nothing in the spec; fix the reference",)


def test_openapi_public_surface_is_sorted_and_complete() -> None:
    import chatgw.openapi as package

    for module in (package, s):
        assert module.__all__ == sorted(module.__all__)
        assert all(hasattr(module, name) for name in module.__all__)
    assert {"load_spec", "Spec", "Operation"} <= set(package.__all__)
