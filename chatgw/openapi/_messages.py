"""jsonschema errors in plain words, for operators and, through prompts, for customers."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

_ENUM_SHOWN = 8  # a longer enum is cut short: the message is read in a chat or a terminal

_ARTICLES = {
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "boolean": "true or false",
    "object": "an object",
    "array": "a list",
    "null": "null",
}

_FORMATS = {
    "date": "a date like 2024-05-31",
    "date-time": "a date and time like 2024-05-31T14:30:00Z",
    "time": "a time like 14:30:00",
    "email": "an email address",
    "idn-email": "an email address",
    "uuid": "a UUID",
    "ipv4": "an IPv4 address",
    "ipv6": "an IPv6 address",
    "hostname": "a host name",
    "uri": "a URL",
    "url": "a URL",
    "duration": "a duration like P3D",
}


def describe(error: ValidationError) -> str:
    """One line saying what is wrong with the value, prefixed by where when it is nested."""
    error = _speaking(error)
    wording = _WORDING.get(str(error.validator))
    text = wording(error) if wording else " ".join(error.message.split())
    where = ".".join(str(part) for part in error.absolute_path)
    return f"{where}: {text}" if where else text


def show(value: Any) -> str:
    """A value as an operator would write it: 'text' in quotes, JSON for everything else."""
    if isinstance(value, str):
        return f"'{value}'"
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def _one_of_values(values: Iterable[Any]) -> str:
    values = list(values)
    shown = ", ".join(show(value) for value in values[:_ENUM_SHOWN])
    if len(values) > _ENUM_SHOWN:
        shown += f", ... ({len(values)} in all)"
    return f"must be one of {shown}"


def _type(error: ValidationError) -> str:
    kinds = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
    return "must be " + " or ".join(_ARTICLES.get(str(kind), str(kind)) for kind in kinds)


def _range(error: ValidationError) -> str:
    """Both bounds in one phrase when the schema has both: "must be between 1 and 72"."""
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    low, low_open = _bound(schema, "minimum", "exclusiveMinimum")
    high, high_open = _bound(schema, "maximum", "exclusiveMaximum")
    if low is not None and high is not None and not low_open and not high_open:
        return f"must be between {show(low)} and {show(high)}"
    parts = []
    if low is not None:
        parts.append(f"{'greater than' if low_open else 'at least'} {show(low)}")
    if high is not None:
        parts.append(f"{'less than' if high_open else 'at most'} {show(high)}")
    return "must be " + " and ".join(parts)


def _bound(schema: Mapping[str, Any], inclusive: str, exclusive: str) -> tuple[Any, bool]:
    if isinstance(schema.get(exclusive), (int, float)) and not isinstance(schema[exclusive], bool):
        return schema[exclusive], True
    return schema.get(inclusive), False


def _length(error: ValidationError) -> str:
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    low, high = schema.get("minLength"), schema.get("maxLength")
    if low == 1 and high is None:
        return "must not be empty"
    if low is not None and high is not None:
        if low == high:
            return f"must be exactly {low} characters long"
        return f"must be between {low} and {high} characters long"
    if low is not None:
        return f"must be at least {low} characters long"
    return f"must be at most {high} characters long"


def _required(error: ValidationError) -> str:
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    missing = [name for name in error.validator_value if name not in instance]
    return f"missing required field {show(missing[0] if missing else error.validator_value[0])}"


def _additional(error: ValidationError) -> str:
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    known = schema.get("properties") or {}
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    unknown = [name for name in instance if name not in known]
    return f"has unknown field {show(unknown[0])}" if unknown else "has unknown fields"


def _speaking(error: ValidationError) -> ValidationError:
    """The error worth reporting: inside anyOf/oneOf, the one real problem when every other
    branch only wanted another type (as with a nullable enum: "must be one of ...")."""
    from jsonschema.exceptions import best_match

    while error.validator in ("anyOf", "oneOf") and error.context:
        rest = [errors for errors in _by_branch(error) if not _only_type(errors)]
        if len(rest) != 1:
            break
        error = best_match(rest[0]) or error
    return error


def _alternatives(error: ValidationError) -> str:
    if not error.context:
        return "must match exactly one of the allowed forms, not several"
    branches = _by_branch(error)
    if all(_only_type(errors) for errors in branches):
        kinds: list[Any] = []
        for (sub,) in branches:
            kinds.extend(sub.validator_value if isinstance(sub.validator_value, list) else [sub.validator_value])
        return "must be " + " or ".join(_ARTICLES.get(str(kind), str(kind)) for kind in dict.fromkeys(kinds))
    return "does not match any of the allowed forms"


def _by_branch(error: ValidationError) -> list[list[ValidationError]]:
    grouped: dict[Any, list[ValidationError]] = {}
    for sub in error.context or ():
        grouped.setdefault(sub.relative_schema_path[0], []).append(sub)
    return list(grouped.values())


def _only_type(errors: list[ValidationError]) -> bool:
    return len(errors) == 1 and errors[0].validator == "type" and not errors[0].relative_path


_WORDING: dict[str, Callable[[ValidationError], str]] = {
    "type": _type,
    "enum": lambda error: _one_of_values(error.validator_value),
    "const": lambda error: f"must be {show(error.validator_value)}",
    "pattern": lambda error: f"must match {error.validator_value}",
    "format": lambda error: f"must be {_FORMATS.get(str(error.validator_value), f'a valid {error.validator_value}')}",
    "minimum": _range,
    "maximum": _range,
    "exclusiveMinimum": _range,
    "exclusiveMaximum": _range,
    "multipleOf": lambda error: f"must be a multiple of {show(error.validator_value)}",
    "minLength": _length,
    "maxLength": _length,
    "minItems": lambda error: f"must have at least {error.validator_value} item(s)",
    "maxItems": lambda error: f"must have at most {error.validator_value} item(s)",
    "uniqueItems": lambda error: "must not repeat items",
    "minProperties": lambda error: f"must have at least {error.validator_value} field(s)",
    "maxProperties": lambda error: f"must have at most {error.validator_value} field(s)",
    "required": _required,
    "additionalProperties": _additional,
    "unevaluatedProperties": _additional,
    "anyOf": lambda error: _alternatives(error),
    "oneOf": lambda error: _alternatives(error),
    "not": lambda error: "is not allowed here",
}
