"""Example values for schemas: the spec's own when it has one, else made up from the schema."""

from __future__ import annotations

import copy
import math
import re
from typing import Any, Mapping

from chatgw.openapi._walk import COMBINATORS, branches, flatten, items, non_null, properties, type_name

try:  # the regex parser of the standard library (3.11+), used to make strings that match
    import re._constants as _sre
    import re._parser as _sre_parse
except ImportError:  # pragma: no cover - a Python without it just gets plain strings
    _sre = _sre_parse = None  # type: ignore[assignment]

_MAX_DEPTH = 6  # deep enough for real responses, and it bounds the example of a wide graph

_FORMATS = {
    "date-time": "2024-05-31T14:30:00Z",
    "date": "2024-05-31",
    "time": "14:30:00",
    "duration": "P3D",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "uri": "https://example.com",
    "url": "https://example.com",
    "uri-reference": "https://example.com",
    "iri": "https://example.com",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "byte": "ZXhhbXBsZQ==",
    "binary": "",
    "password": "secret",
}


def example_for(schema: Any, depth: int = 0, path: tuple[int, ...] = ()) -> Any:
    """The schema's example/default/first enum value, else one generated from the schema.

    `path` holds the ids of the schemas being generated around this one: a recursive schema
    met again on it stops there (an empty object or list, else None), as the depth bound does.
    """
    if not isinstance(schema, Mapping):
        return None
    for key in ("example", "default", "const"):
        if key in schema:
            return copy.deepcopy(schema[key])
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return copy.deepcopy(examples[0])
    enum = [value for value in schema.get("enum") or () if value is not None]
    if enum:
        return copy.deepcopy(enum[0])
    return _generate(schema, depth, path)


def _generate(schema: Mapping[str, Any], depth: int, path: tuple[int, ...]) -> Any:
    kind = type_name(schema)
    again = id(schema) in path
    path = (*path, id(schema))
    alternatives = non_null(branches(schema, "oneOf")) or non_null(branches(schema, "anyOf"))
    if alternatives and not schema.get("properties") and not again:
        # An object made of every branch's properties would satisfy none of them: take the first.
        return example_for(alternatives[0], depth + 1, path)
    if kind == "object":
        if depth >= _MAX_DEPTH or again:
            return {}
        value = {}
        for branch in branches(schema, "allOf"):  # a branch's own example is worth keeping
            sample = example_for(branch, depth + 1, path)
            if isinstance(sample, dict):
                value.update(sample)
        for name, sub in properties(schema).items():
            if name not in value:
                value[name] = example_for(sub, depth + 1, path)
        return value
    if kind == "array":
        if depth >= _MAX_DEPTH or again:
            return []
        return [example_for(items(schema), depth + 1, path)]
    if again:
        return None
    flat = flatten(schema)
    if any(key in flat for key in ("example", "default", "enum")):  # found through allOf
        return example_for({key: value for key, value in flat.items() if key not in COMBINATORS}, depth)
    if kind == "string":
        return _string(flat)
    if kind in ("integer", "number"):
        return _number(flat, integer=kind == "integer")
    if kind == "boolean":
        return True
    return None


def _string(schema: Mapping[str, Any]) -> str:
    low, high = schema.get("minLength"), schema.get("maxLength")
    value = _FORMATS.get(str(schema.get("format")))
    pattern = schema.get("pattern")
    if value is None and isinstance(pattern, str):
        value = _matching(pattern)
    if value is None:
        value = "string"
    if isinstance(low, int) and len(value) < low:
        value += "x" * (low - len(value))
    if isinstance(high, int) and len(value) > high:
        value = value[:high]
    return value


def _number(schema: Mapping[str, Any], *, integer: bool) -> int | float:
    low, high = schema.get("minimum"), schema.get("maximum")
    step = 1 if integer else 0.5
    if _is_number(schema.get("exclusiveMinimum")):
        low = schema["exclusiveMinimum"] + step
    if _is_number(schema.get("exclusiveMaximum")):
        high = schema["exclusiveMaximum"] - step
    value: float = 1
    if _is_number(low):
        value = max(value, low)
    if _is_number(high):
        value = min(value, high)
    multiple = schema.get("multipleOf")
    if _is_number(multiple) and multiple > 0:
        value = math.ceil(value / multiple) * multiple
    return math.ceil(value) if integer else value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _matching(pattern: str) -> str | None:
    """A short string matching `pattern`, or None when the pattern is beyond this sketch."""
    if _sre_parse is None:
        return None
    try:
        value = _render(_sre_parse.parse(pattern))
        return value if re.search(pattern, value) else None
    except (re.error, _Unsupported, ValueError, OverflowError, RecursionError):
        return None


class _Unsupported(Exception):
    """A regex construct `_render` does not make strings for (back references, ...)."""


def _render(parsed: Any) -> str:
    out = []
    for op, arg in parsed:
        if op is _sre.LITERAL:
            out.append(chr(arg))
        elif op is _sre.NOT_LITERAL:
            out.append("a" if arg != ord("a") else "b")
        elif op is _sre.ANY:
            out.append("x")
        elif op is _sre.IN:
            out.append(_one_of(arg))
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)):
            low, high, sub = arg
            count = min(max(low, 1), high)  # one of `x*` reads better than none
            out.append(_render(sub) * count)
        elif op is _sre.SUBPATTERN:
            out.append(_render(arg[-1]))
        elif op is _sre.BRANCH:
            out.append(_render(arg[1][0]))
        elif op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            continue  # anchors and lookarounds take no characters
        else:
            raise _Unsupported(str(op))
    return "".join(out)


_CATEGORIES = {
    "CATEGORY_DIGIT": "0",
    "CATEGORY_NOT_DIGIT": "a",
    "CATEGORY_WORD": "a",
    "CATEGORY_NOT_WORD": "-",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": "a",
}


def _one_of(members: Any) -> str:
    if members and members[0][0] is _sre.NEGATE:
        return "x"  # `re.search` in `_matching` rejects the rare class that excludes it
    op, arg = members[0]
    if op is _sre.LITERAL:
        return chr(arg)
    if op is _sre.RANGE:
        return chr(arg[0])
    if op is _sre.CATEGORY:
        return _CATEGORIES.get(str(arg), "a")
    raise _Unsupported(str(op))
