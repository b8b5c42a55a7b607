from __future__ import annotations

from chatgw.runtime.validate import check

AMOUNT = {"type": "object", "required": ["amount"], "properties": {"amount": {"type": "integer", "maximum": 500}}}


def test_check_accepts_a_valid_value():
    assert check({"amount": 20}, AMOUNT) is None


def test_check_says_the_limit_in_plain_words():
    assert check({"amount": 2000}, AMOUNT) == "amount must be at most 500"


def test_check_names_a_missing_field():
    assert check({}, AMOUNT) == "amount is required"


def test_check_names_the_parameter_and_nested_path():
    schema = {"type": "array", "items": {"type": "object", "properties": {"email": {"type": "string", "format": "email"}}}}
    assert check([{"email": "nope"}], schema, "people") == "people[0].email must be an email address"


def test_check_lists_enum_choices_and_types():
    assert check("gold", {"enum": ["free", "pro"]}, "plan") == "plan must be one of: free, pro"
    assert check("x", {"type": "integer"}, "limit") == "limit must be a whole number"
    assert check("", {"type": "string", "minLength": 1}, "name") == "name must not be empty"
    assert check("abc", {"type": "string", "pattern": "^proj_"}, "project_id") == "project_id is not in the expected format"


def test_check_does_not_require_read_only_fields():
    schema = {"type": "object", "required": ["id", "name"], "properties": {"id": {"type": "string", "readOnly": True}, "name": {"type": "string"}}}
    assert check({"name": "n"}, schema) is None


def test_check_message_never_contains_the_value():
    assert "hunter2" not in check("hunter2", {"type": "string", "maxLength": 3}, "code")


def test_check_follows_the_nearest_one_of_branch():
    by_id = {"type": "object", "required": ["type", "user_id"], "properties": {"type": {"enum": ["user"]}, "user_id": {"type": "string"}}}
    by_email = {"type": "object", "required": ["type", "email"], "properties": {"type": {"enum": ["user"]}, "email": {"type": "string"}}}
    admin = {"type": "object", "required": ["type", "admin_id"], "properties": {"type": {"enum": ["admin"]}, "admin_id": {"type": "string"}}}
    schema = {"oneOf": [{"oneOf": [by_id, by_email]}, admin]}
    assert check({"type": "user"}, schema) == "user_id is required"
    assert check({"type": "admin"}, schema) == "admin_id is required"
    assert check({"type": "user", "user_id": "u", "email": "e"}, schema) == "the value matches more than one of the allowed forms"


def test_check_does_not_blame_the_value_for_a_broken_spec_pattern():
    assert check("abc", {"type": "string", "pattern": "(?<name"}, "code") is None
