from __future__ import annotations

from chatgw.runtime.coerce import coerce


def test_coerce_numeric_text_to_integer():
    assert coerce("2000", {"type": "integer"}) == 2000
    assert coerce(" 1,500 ", {"type": "integer"}) == 1500
    assert coerce(12.0, {"type": "integer"}) == 12


def test_coerce_leaves_ambiguous_values_for_validation():
    assert coerce("1,5", {"type": "number"}) == "1,5"
    assert coerce("twelve", {"type": "integer"}) == "twelve"
    assert coerce(2.5, {"type": "integer"}) == 2.5


def test_coerce_text_to_number_and_boolean():
    assert coerce("2.5", {"type": "number"}) == 2.5
    assert coerce("true", {"type": "boolean"}) is True
    assert coerce("No", {"type": "boolean"}) is False


def test_coerce_numbers_and_booleans_to_string():
    assert coerce(2000, {"type": "string"}) == "2000"
    assert coerce(True, {"type": "string"}) == "true"


def test_coerce_recurses_into_objects_and_arrays():
    schema = {
        "type": "object",
        "properties": {"qty": {"type": "integer"}, "ids": {"type": "array", "items": {"type": "string"}}},
    }
    assert coerce({"qty": "3", "ids": [1, 2], "other": "x"}, schema) == {"qty": 3, "ids": ["1", "2"], "other": "x"}


def test_coerce_wraps_a_scalar_for_an_array():
    assert coerce("5", {"type": "array", "items": {"type": "integer"}}) == [5]


def test_coerce_picks_the_fitting_branch_of_any_of():
    schema = {"anyOf": [{"type": "integer"}, {"type": "string", "enum": ["all"]}]}
    assert coerce("7", schema) == 7
    assert coerce("all", schema) == "all"


def test_coerce_applies_own_properties_next_to_one_of():
    schema = {
        "type": "object",
        "properties": {"qty": {"type": "integer"}},
        "oneOf": [{"required": ["id"]}, {"required": ["email"]}],
    }
    assert coerce({"id": "x", "qty": "2"}, schema) == {"id": "x", "qty": 2}
