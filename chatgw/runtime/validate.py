"""Check a value against a JSON Schema (2020-12) and say what is wrong in one plain sentence.

The sentence may reach the customer ("amount must be at most 500"), so it names fields and
limits from the spec, never the value that was given.
"""

from __future__ import annotations

import re
from typing import Any, Iterator, Mapping, Sequence

from jsonschema import Draft202012Validator, ValidationError
from jsonschema.exceptions import SchemaError, UnknownType, relevance
from jsonschema.validators import extend

from chatgw.openapi.schema import validator_for

_TYPE_WORDS = {
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "string": "text",
    "array": "a list",
    "object": "an object",
    "null": "empty",
}
_FORMAT_WORDS = {
    "email": "an email address",
    "date": "a date (YYYY-MM-DD)",
    "date-time": "a date and time (like 2024-05-01T12:00:00Z)",
    "time": "a time (like 12:00:00Z)",
    "uuid": "a UUID",
    "uri": "a URL",
    "ipv4": "an IPv4 address",
    "ipv6": "an IPv6 address",
    "hostname": "a host name",
}


def _required_unless_read_only(
    validator: Any, required: Sequence[str], instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    # A readOnly property is the server's to fill; OpenAPI says requests need not carry it.
    if not validator.is_type(instance, "object"):
        return
    properties = schema.get("properties") or {}
    for name in required:
        if name not in instance and not (properties.get(name) or {}).get("readOnly"):
            yield ValidationError(f"{name!r} is a required property")


_RequestValidator = extend(Draft202012Validator, {"required": _required_unless_read_only})


def check(
    value: Any, schema: Mapping[str, Any] | bool, name: str = "", *, root: str = "the value"
) -> str | None:
    """None when `value` fits `schema`, else a sentence naming `name` and what it must be.

    Fields inside the value are named by their path (`items[0].price`) after `name`; `root`
    names the value itself when `name` is empty.
    """
    if isinstance(schema, bool):
        validator = _RequestValidator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    else:  # chat time checks the same few operation schemas over and over: reuse their validators
        validator = validator_for(schema, _RequestValidator)
    try:
        error = _closest(list(validator.iter_errors(value)))
    except (re.error, UnknownType, SchemaError):
        return None  # the spec's schema is broken (a regex Python cannot read): the API judges
    if error is None:
        return None
    return _sentence(error, name, root)


def _closest(errors: list[ValidationError]) -> ValidationError | None:
    # Like jsonschema's best_match, but inside anyOf/oneOf it follows the branch that came
    # nearest (fewest problems), so the reason is "intercom_user_id is required" rather than
    # a complaint from an alternative the caller never meant.
    best = max(errors, key=relevance, default=None)
    while best is not None and best.validator in ("anyOf", "oneOf") and best.context:
        nearest = min(_branches(best), key=_distance)
        best = max(nearest, key=relevance)
    return best


def _branches(error: ValidationError) -> list[list[ValidationError]]:
    grouped: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        grouped.setdefault(sub.relative_schema_path[0], []).append(sub)
    return list(grouped.values())


def _distance(errors: list[ValidationError]) -> int:
    """How far a value is from fitting a branch: its problems, a wrong type counting most."""
    total = 0
    for error in errors:
        if error.validator in ("anyOf", "oneOf") and error.context:
            total += min(_distance(branch) for branch in _branches(error))
        elif error.validator == "type" and not error.relative_path:
            total += 100
        else:
            total += 1
    return total


def _sentence(error: ValidationError, name: str, root: str) -> str:
    where = _where(name, error.absolute_path)
    kind, limit, instance = error.validator, error.validator_value, error.instance
    subject = where or root
    if kind == "required":
        missing = next((key for key in limit if key not in instance), "?")
        return f"{_where(where, [missing])} is required"
    if kind == "type":
        wanted = [limit] if isinstance(limit, str) else list(limit)
        return f"{subject} must be {' or '.join(_TYPE_WORDS.get(t, t) for t in wanted)}"
    if kind == "maximum":
        return f"{subject} must be at most {_number(limit)}"
    if kind == "exclusiveMaximum":
        return f"{subject} must be less than {_number(limit)}"
    if kind == "minimum":
        return f"{subject} must be at least {_number(limit)}"
    if kind == "exclusiveMinimum":
        return f"{subject} must be more than {_number(limit)}"
    if kind == "multipleOf":
        return f"{subject} must be a multiple of {_number(limit)}"
    if kind == "maxLength":
        return f"{subject} must be at most {limit} characters long"
    if kind == "minLength":
        if limit == 1:
            return f"{subject} must not be empty"
        return f"{subject} must be at least {limit} characters long"
    if kind == "pattern":
        return f"{subject} is not in the expected format"
    if kind == "format":
        return f"{subject} must be {_FORMAT_WORDS.get(limit, f'a valid {limit}')}"
    if kind == "enum":
        choices = ", ".join(str(choice) for choice in limit[:12])
        return f"{subject} must be one of: {choices}" + (", ..." if len(limit) > 12 else "")
    if kind == "const":
        return f"{subject} must be {limit}"
    if kind == "maxItems":
        return f"{subject} must have at most {limit} item(s)"
    if kind == "minItems":
        return f"{subject} must have at least {limit} item(s)"
    if kind == "uniqueItems":
        return f"{subject} must not repeat items"
    if kind in ("additionalProperties", "unevaluatedProperties") and isinstance(instance, Mapping):
        return f"{subject} has fields that are not allowed"
    if kind == "oneOf" and not error.context:
        return f"{subject} matches more than one of the allowed forms"
    if kind in ("anyOf", "oneOf"):
        return f"{subject} does not match any of the allowed forms"
    if kind in ("not", None):
        return f"{subject} is not allowed here"
    return f"{subject} is not valid ({kind})"


def _where(name: str, path: Sequence[Any]) -> str:
    text = name
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text = f"{text}.{part}" if text else str(part)
    return text


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
