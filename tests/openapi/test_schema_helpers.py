"""chatgw.openapi.schema: pure helpers over inlined, normalised schemas."""

from __future__ import annotations

from typing import Any

import pytest

from chatgw.openapi import Spec
from chatgw.openapi import schema as s

NULLABLE_OBJECT = {"anyOf": [{"type": "object", "properties": {"a": {}}, "required": ["a"]}, {"type": "null"}]}


def _response(spec: Spec, ref: str) -> Any:
    operation = spec.operation(ref)
    assert operation is not None
    response = operation.success_response()
    assert response is not None and response.schema is not None
    return response.schema


def _body(spec: Spec, ref: str) -> Any:
    operation = spec.operation(ref)
    assert operation is not None and operation.request_body is not None
    return operation.request_body.schema


# -- properties / required -------------------------------------------------------------------


def test_properties_merges_all_of_and_own() -> None:
    schema = {
        "properties": {"own": {"type": "string"}},
        "allOf": [{"properties": {"base": {"type": "integer"}}}, {"allOf": [{"properties": {"deep": {}}}]}],
    }
    assert list(s.properties(schema)) == ["own", "base", "deep"]


def test_properties_combines_a_name_defined_in_alternative_branches() -> None:
    schema = {
        "oneOf": [
            {"properties": {"type": {"type": "string", "enum": ["user"]}}},
            {"properties": {"type": {"type": "string", "enum": ["admin"]}}},
        ]
    }
    kind = s.properties(schema)["type"]
    assert s.check_value(kind, "admin") is None and s.check_value(kind, "user") is None
    assert s.check_value(kind, "bot") is not None


def test_properties_through_intercom_one_of_of_all_of(intercom: Spec) -> None:
    body = _body(intercom, "replyConversation")  # oneOf[contact: oneOf[allOf...], admin]
    assert {"body", "message_type", "type", "admin_id", "email", "intercom_user_id"} <= set(s.properties(body))
    assert s.required(body) == {"message_type", "type"}  # the ones every branch requires


def test_properties_through_intercom_all_of_with_ref(intercom: Spec) -> None:
    article = _response(intercom, "retrieveArticle")  # own `statistics` + allOf[article_list_item]
    assert {"statistics", "title", "author_id", "state"} <= set(s.properties(article))


def test_required_all_of_is_a_union() -> None:
    schema = {"required": ["a"], "allOf": [{"required": ["b"]}, {"required": ["c"]}]}
    assert s.required(schema) == {"a", "b", "c"}


def test_required_any_of_keeps_only_what_every_branch_requires() -> None:
    schema = {"anyOf": [{"required": ["a", "b"]}, {"required": ["b", "c"]}]}
    assert s.required(schema) == {"b"}


def test_required_ignores_the_null_branch_of_a_nullable_object() -> None:
    assert s.required(NULLABLE_OBJECT) == {"a"}


def test_required_intercom_create_contact_any_of_requires_nothing(intercom: Spec) -> None:
    assert s.required(_body(intercom, "CreateContact")) == set()


# -- property_schema / is_open -------------------------------------------------------------------


def test_property_schema_listed_extra_and_absent() -> None:
    closed = {"type": "object", "properties": {"a": {"type": "string"}}}
    assert s.property_schema(closed, "a") == {"type": "string"}
    assert s.property_schema(closed, "b") is None
    mapping = {"type": "object", "additionalProperties": {"type": "integer"}}
    assert s.property_schema(mapping, "anything") == {"type": "integer"}
    patterned = {"type": "object", "patternProperties": {"^x-": {"type": "string"}}}
    assert s.property_schema(patterned, "x-id") == {"type": "string"}
    assert s.property_schema({"type": "object"}, "free") == {}
    assert s.property_schema({"type": "string"}, "length") is None


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({}, True),
        ({"type": "object"}, True),
        ({"type": "object", "properties": {"a": {}}}, False),
        ({"type": "object", "properties": {"a": {}}, "additionalProperties": True}, True),
        ({"type": "object", "properties": {"a": {}}, "additionalProperties": {"type": "string"}}, True),
        ({"type": "object", "additionalProperties": False}, False),
        ({"allOf": [{"properties": {"a": {}}}]}, False),
        ({"allOf": [{"properties": {"a": {}}}, {"additionalProperties": True}]}, True),
        ({"type": "string"}, False),
        ({"type": ["object", "null"]}, True),
    ],
)
def test_is_open(schema: dict[str, Any], expected: bool) -> None:
    assert s.is_open(schema) is expected


def test_is_open_intercom_request_bodies(intercom: Spec) -> None:
    assert not s.is_open(_body(intercom, "CreateContact"))
    custom = s.property_schema(_body(intercom, "CreateContact"), "custom_attributes")
    assert custom is not None and s.is_open(custom)


# -- at_path -----------------------------------------------------------------------------


def test_at_path_through_arrays_of_refs(intercom: Spec) -> None:
    contacts = _response(intercom, "ListContacts")
    email = {"type": "string", "description": "The contact's email.", "example": "joe@example.com"}
    for index in ("0", "12", "first", "last", "-1"):
        assert s.at_path(contacts, ["data", index, "email"]) == email
    assert s.at_path(contacts, ["data", "email"]) is None  # a list has no fields
    assert s.at_path(contacts, ["data", "0", "emial"]) is None
    assert s.at_path(contacts, []) is contacts


def test_at_path_through_all_of_and_nullable_ref(intercom: Spec) -> None:
    article = _response(intercom, "retrieveArticle")
    assert s.type_name(s.at_path(article, ["statistics"])) == "object"  # {$ref, nullable}
    assert s.at_path(article, ["statistics", "views"])["type"] == "integer"  # type: ignore[index]
    assert s.at_path(article, ["title"])["type"] == "string"  # type: ignore[index]  # from allOf
    tag = _response(intercom, "attachTagToContact")
    assert s.at_path(tag, ["applied_by", "id"]) is not None  # {type, nullable, allOf: [$ref]}
    assert s.at_path(tag, ["applied_by", "nope"]) is None


def test_at_path_into_open_objects_is_anything(intercom: Spec) -> None:
    contacts = _response(intercom, "ListContacts")
    assert s.at_path(contacts, ["data", "0", "custom_attributes", "plan", "x"]) == {}
    assert s.at_path({"type": "string"}, ["x"]) is None


# -- check_value ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "value", "message"),
    [
        ({"type": "string", "enum": ["pro", "team"]}, "free", "must be one of 'pro', 'team'"),
        ({"type": "integer"}, "5", "must be an integer"),
        ({"type": "integer"}, 2.5, "must be an integer"),
        ({"type": "integer", "minimum": 1, "maximum": 72}, 100, "must be between 1 and 72"),
        ({"type": "integer", "minimum": 1}, 0, "must be at least 1"),
        ({"type": "number", "exclusiveMaximum": 10}, 10, "must be less than 10"),
        ({"type": "string", "pattern": "^proj_[a-z0-9]{5}$"}, "proj_1", "must match ^proj_[a-z0-9]{5}$"),
        ({"type": "string", "minLength": 1}, "", "must not be empty"),
        ({"type": "string", "maxLength": 3}, "abcd", "must be at most 3 characters long"),
        ({"type": "string", "format": "email"}, "nobody", "must be an email address"),
        ({"type": "string", "format": "date"}, "tomorrow", "must be a date like 2024-05-31"),
        ({"type": ["string", "null"]}, 3, "must be a string or null"),
        ({"type": "boolean"}, "yes", "must be true or false"),
        (NULLABLE_OBJECT, "text", "must be an object or null"),
        ({"anyOf": [{"enum": ["a", "b"]}, {"type": "null"}]}, "c", "must be one of 'a', 'b'"),
        ({"type": "object", "required": ["seats"]}, {}, "missing required field 'seats'"),
        (
            {"type": "object", "properties": {"a": {}}, "additionalProperties": False},
            {"a": 1, "zz": 2},
            "has unknown field 'zz'",
        ),
        (
            {"type": "object", "properties": {"plan": {"enum": ["pro", "team"]}}},
            {"plan": "free"},
            "plan: must be one of 'pro', 'team'",
        ),
        ({"type": "array", "items": {"type": "integer"}}, [1, "x"], "1: must be an integer"),
    ],
)
def test_check_value_messages(schema: dict[str, Any], value: Any, message: str) -> None:
    assert s.check_value(schema, value) == message


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        ({"type": "string", "enum": ["pro", "team"]}, "pro"),
        ({"type": "integer", "minimum": 1, "maximum": 72}, 72),
        ({"type": ["string", "null"]}, None),
        ({}, {"anything": [1, 2]}),
        ({"type": "string", "pattern": "(unclosed"}, "x"),  # a broken spec pattern blames nobody
    ],
)
def test_check_value_accepts_valid_values(schema: dict[str, Any], value: Any) -> None:
    assert s.check_value(schema, value) is None


def test_check_value_long_enum_is_cut_short(intercom: Spec) -> None:
    operation = intercom.operation("identifyAdmin")
    assert operation is not None
    version = operation.parameter("Intercom-Version", "header")
    assert version is not None
    message = s.check_value(version.schema, "3.0")
    assert message is not None and message.startswith("must be one of '1.0', '1.1'")
    assert message.endswith("(18 in all)")


# -- constraints / type_name / example_for ------------------------------------------------------


def test_constraints_of_a_twilio_sid(twilio: Spec) -> None:
    body = _body(twilio, "CreateCredentialAws")
    sid = s.property_schema(body, "AccountSid")
    assert s.constraints(sid) == {
        "type": "string",
        "pattern": "^AC[0-9a-fA-F]{32}$",
        "min_length": 34,
        "max_length": 34,
        "description": sid["description"],  # type: ignore[index]
    }


def test_constraints_normalised_bounds_and_nullable_enum() -> None:
    assert s.constraints({"type": "integer", "exclusiveMinimum": 0, "maximum": 100}) == {
        "type": "integer",
        "minimum": 0,
        "exclusive_minimum": True,
        "maximum": 100,
        "exclusive_maximum": False,
    }
    assert s.constraints({"type": ["string", "null"], "enum": ["pro", "team", None]}) == {
        "type": "string",
        "enum": ["pro", "team"],
    }


def test_constraints_look_through_single_branches() -> None:
    schema = {"description": "seats", "allOf": [{"type": "integer", "minimum": 1, "description": "inner"}]}
    assert s.constraints(schema) == {"type": "integer", "minimum": 1, "exclusive_minimum": False, "description": "seats"}
    nullable = {"anyOf": [{"type": "string", "format": "uuid"}, {"type": "null"}]}
    assert s.constraints(nullable) == {"type": "string", "format": "uuid"}
    assert s.constraints({"type": "object", "properties": {}}) == {}


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "string"}, "string"),
        ({"type": ["null", "integer"]}, "integer"),
        ({"allOf": [{"type": "object"}]}, "object"),
        (NULLABLE_OBJECT, "object"),
        ({"properties": {"a": {}}}, "object"),
        ({"items": {}}, "array"),
        ({"type": "null"}, "null"),
        ({}, None),
    ],
)
def test_type_name(schema: dict[str, Any], expected: str | None) -> None:
    assert s.type_name(schema) == expected


def test_example_for_prefers_the_spec_examples() -> None:
    assert s.example_for({"type": "string", "example": "ex", "default": "de"}) == "ex"
    assert s.example_for({"type": "string", "default": "de", "enum": ["a"]}) == "de"
    assert s.example_for({"type": ["string", "null"], "enum": [None, "pro"]}) == "pro"
    assert s.example_for({"type": "string", "examples": ["first", "second"]}) == "first"


def test_example_for_generates_from_the_schema() -> None:
    schema = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "pattern": "^proj_[a-z0-9]{5}$"},
            "email": {"type": "string", "format": "email"},
            "seats": {"type": "integer", "minimum": 5, "maximum": 9},
            "ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
            "tags": {"type": "array", "items": {"type": "string", "minLength": 8}},
            "active": {"type": "boolean"},
            "owner": {"anyOf": [{"type": "object", "properties": {"name": {"type": "string"}}}, {"type": "null"}]},
        },
    }
    value = s.example_for(schema)
    assert s.check_value(schema, value) is None
    assert value["id"].startswith("proj_") and value["email"] == "user@example.com"
    assert value["seats"] == 5 and 0 < value["ratio"] <= 1 and value["active"] is True
    assert len(value["tags"]) == 1 and len(value["tags"][0]) >= 8
    assert value["owner"] == {"name": "string"}


def test_example_for_is_depth_bounded_and_returns_copies() -> None:
    deep: dict[str, Any] = {"type": "string"}
    for _ in range(20):
        deep = {"type": "object", "properties": {"next": deep}}
    value = s.example_for(deep)
    depth = 0
    while isinstance(value, dict) and value:
        value, depth = value["next"], depth + 1
    assert depth < 20
    shared = {"type": "object", "example": {"a": [1]}}
    s.example_for(shared)["a"].append(2)
    assert shared["example"] == {"a": [1]}


def test_example_for_intercom_responses_validate(intercom: Spec) -> None:
    # (Not every Intercom response: some of its own examples break its schema, e.g. an
    # article's integer `parent_id` has the example "125685".)
    for ref in ("ListContacts", "identifyAdmin", "listTags"):
        schema = _response(intercom, ref)
        value = s.example_for(schema)
        assert isinstance(value, dict) and value, ref
        assert s.check_value(schema, value) is None, ref


def test_example_for_twilio_body_honours_patterns(twilio: Spec) -> None:
    body = _body(twilio, "CreateCredentialAws")
    value = s.example_for(body)
    assert s.check_value(body, value) is None
    assert value["AccountSid"] == "AC" + "0" * 32


def test_example_for_fills_every_listed_property(intercom: Spec) -> None:
    conversation = _response(intercom, "retrieveConversation")
    # Intercom requires `topics` without listing it, so only the listed ones can be filled.
    assert set(s.example_for(conversation)) == set(s.properties(conversation))
