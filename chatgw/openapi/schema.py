"""Pure functions over the resolved, normalised schemas of an `Operation`.

The schemas hold no `$ref` and speak JSON Schema 2020-12 (see `_resolve`); a recursive schema
is a cycle of shared dicts, so none of these functions mutate a schema, and those that walk a
schema without a value to follow stop at a revisit (`example_for`, `finite`). `{}` means "any
value" (also what a broken `$ref` became, recorded in `Spec.findings`).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import Any, Mapping, Sequence

from chatgw.openapi import _examples
from chatgw.openapi._graph import finite
from chatgw.openapi._messages import describe
from chatgw.openapi._walk import SCALARS, branches, flatten, items, properties, required, type_name

__all__ = [
    "at_path",
    "check_value",
    "constraints",
    "example_for",
    "finite",
    "is_open",
    "properties",
    "property_schema",
    "required",
    "type_name",
    "validator_for",
]

_INDEX_WORDS = frozenset({"first", "last"})


def property_schema(schema: Any, name: str) -> Mapping[str, Any] | None:
    """The schema of property `name`: listed, by pattern, or additionalProperties; None if absent.

    An open object without a schema for its extra properties gives `{}` (anything).
    """
    listed = properties(schema).get(name)
    if listed is not None:
        return listed
    if not isinstance(schema, Mapping) or not is_open(schema):
        return None
    for candidate in _with_branches(schema):
        patterns = candidate.get("patternProperties")
        if isinstance(patterns, Mapping):
            for pattern, sub in patterns.items():
                if isinstance(sub, Mapping) and _search(pattern, name):
                    return sub
        extra = candidate.get("additionalProperties")
        if isinstance(extra, Mapping):
            return extra
    return {}


def is_open(schema: Any) -> bool:
    """True when unlisted properties are allowed.

    That is: additionalProperties is true or a schema (or patternProperties are given), or no
    properties are listed anywhere and additionalProperties is not false. An object listing its
    properties and silent on additionalProperties is *not* open: chatgw flags unknown names.
    """
    if not isinstance(schema, Mapping):
        return schema is True
    kind = type_name(schema)
    if kind is not None and kind != "object":
        return False
    listed = closed = False
    for candidate in _with_branches(schema):
        extra = candidate.get("additionalProperties")
        if extra is True or isinstance(extra, Mapping) or candidate.get("patternProperties"):
            return True
        closed = closed or extra is False
        listed = listed or bool(candidate.get("properties"))
    return not listed and not closed


def at_path(schema: Any, parts: Sequence[str]) -> Mapping[str, Any] | None:
    """The schema at a dotted path ("data", "0", "key_suffix"), or None when it cannot exist.

    Objects are walked through allOf/anyOf/oneOf; on an array a number, "first" or "last"
    means the items.
    """
    current: Any = schema
    for part in parts:
        part = str(part)
        if current is True or current == {}:
            return {}  # anything goes below "anything"
        if not isinstance(current, Mapping):
            return None
        if type_name(current) == "array":
            if not _is_index(part):
                return None
            current = items(current)
            continue
        current = property_schema(current, part)
        if current is None:
            return None
    return current if isinstance(current, Mapping) else ({} if current is True else None)


def check_value(schema: Any, value: Any) -> str | None:
    """The first problem of `value` against `schema`, in plain words, or None if it is valid.

    For example "must be one of 'pro', 'team'", "must be an integer", "must be between 1 and
    72", "must match ^proj_[a-z0-9]{5}$"; nested problems are prefixed by their path ("plan: ...").
    """
    if not isinstance(schema, Mapping):
        return None if schema is not False else "is not allowed here"
    from jsonschema.exceptions import SchemaError, UnknownType, best_match

    try:
        error = best_match(validator_for(schema).iter_errors(value))
    except (re.error, UnknownType, SchemaError):
        # The spec's own schema is broken (a regex Python cannot read, an unknown type):
        # nothing the value can be blamed for.
        return None
    return describe(error) if error is not None else None


def constraints(schema: Any) -> dict[str, Any]:
    """The constraints of a scalar schema, under snake_case keys, only those the schema gives.

    Keys: type (string|integer|number|boolean), enum (without null), pattern, format, minimum,
    maximum, exclusive_minimum/exclusive_maximum (bools, present with their bound), min_length,
    max_length, description. Looks through allOf and a lone non-null anyOf/oneOf branch.
    """
    flat = flatten(schema)
    found: dict[str, Any] = {}
    kind = type_name({key: flat[key] for key in ("type",) if key in flat})
    if kind in SCALARS:
        found["type"] = kind
    enum = flat.get("enum")
    if isinstance(enum, list) and any(value is not None for value in enum):
        found["enum"] = [value for value in enum if value is not None]
    for key in ("pattern", "format"):
        if isinstance(flat.get(key), str):
            found[key] = flat[key]
    for bound, exclusive, name in (
        ("minimum", "exclusiveMinimum", "minimum"),
        ("maximum", "exclusiveMaximum", "maximum"),
    ):
        inclusive_value, exclusive_value = flat.get(bound), flat.get(exclusive)
        if _is_number(exclusive_value) and not (
            _is_number(inclusive_value) and _stricter(inclusive_value, exclusive_value, bound)
        ):
            found[name], found[f"exclusive_{name}"] = exclusive_value, True
        elif _is_number(inclusive_value):
            found[name], found[f"exclusive_{name}"] = inclusive_value, False
    for key, name in (("minLength", "min_length"), ("maxLength", "max_length")):
        if isinstance(flat.get(key), int) and not isinstance(flat[key], bool):
            found[name] = flat[key]
    if isinstance(flat.get("description"), str):
        found["description"] = flat["description"]
    return found


def example_for(schema: Any) -> Any:
    """The schema's example/default/first enum value, else a value generated from the schema.

    Objects get all their properties, arrays one item, strings honour format and simple
    patterns; generation stops a few levels deep.
    """
    return _examples.example_for(schema)


# -- helpers -------------------------------------------------------------------------------


def _with_branches(schema: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """`schema` and, recursively, every allOf/anyOf/oneOf branch in it."""
    found = [schema]
    for keyword in ("allOf", "anyOf", "oneOf"):
        for branch in branches(schema, keyword):
            found.extend(_with_branches(branch))
    return found


def _is_index(part: str) -> bool:
    return part in _INDEX_WORDS or part.lstrip("-").isdigit()


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _stricter(inclusive: float, exclusive: float, bound: str) -> bool:
    """Whether the inclusive bound excludes more than the exclusive one does."""
    return inclusive > exclusive if bound == "minimum" else inclusive < exclusive


def _search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


# Building a validator is much dearer than running it, and the compiler and the engine check
# many values against the same few schemas. Schemas are unhashable dicts, so the cache is keyed
# by identity and keeps the schema alive (the entry also holds it, so an id is never reused
# while cached); LRU-bounded, and locked because the server may check from several threads.
_VALIDATORS: OrderedDict[tuple[int, type], tuple[Mapping[str, Any], Any]] = OrderedDict()
_VALIDATORS_MAX = 2048
_VALIDATORS_LOCK = threading.Lock()


def validator_for(schema: Mapping[str, Any], kind: type | None = None) -> Any:
    """A format-checking validator of class `kind` (Draft 2020-12 by default, or an extension
    of it) for `schema`, built once per schema object and reused."""
    # jsonschema and its format checkers cost ~50 ms to import: only what checks a value pays.
    from jsonschema import Draft202012Validator

    kind = kind or Draft202012Validator
    key = (id(schema), kind)
    with _VALIDATORS_LOCK:
        hit = _VALIDATORS.get(key)
        if hit is not None and hit[0] is schema:
            _VALIDATORS.move_to_end(key)
            return hit[1]
    validator = kind(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    with _VALIDATORS_LOCK:
        _VALIDATORS[key] = (schema, validator)
        while len(_VALIDATORS) > _VALIDATORS_MAX:
            _VALIDATORS.popitem(last=False)
    return validator
