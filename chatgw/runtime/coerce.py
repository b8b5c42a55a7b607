"""Bring rendered values to the JSON types the spec declares, before validation.

Slots arrive as text from a chat and templates render to text; the spec says `integer`.
Coercion is lenient only where the meaning is unambiguous ("2000" -> 2000, "true" -> True,
2000 -> "2000"); anything else is left as it is for validation to refuse with a reason.
"""

from __future__ import annotations

import math
import re
from typing import Any, Mapping

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, UnknownType

_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")  # 1,000,000.50 but never 1,5
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def coerce(value: Any, schema: Mapping[str, Any] | None) -> Any:
    """`value` converted to the type `schema` declares, when that is unambiguous."""
    if not schema or value is None:
        return value
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list):
            value = _first_fitting(value, schema[key])
    if isinstance(schema.get("allOf"), list):
        for branch in schema["allOf"]:
            value = coerce(value, branch)
    types = _types(schema)
    if isinstance(value, Mapping):
        return _coerce_object(value, schema) if "object" in types or not types else value
    if isinstance(value, (list, tuple)):
        return _coerce_array(value, schema) if "array" in types or not types else list(value)
    if not types or _fits_type(value, types):
        return value
    for name in types:
        converted = _SCALARS.get(name, _unchanged)(value)
        if converted is not _NO:
            return converted
    if "array" in types:
        return _coerce_array([value], schema)
    return value


def _types(schema: Mapping[str, Any]) -> tuple[str, ...]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return (declared,)
    if isinstance(declared, list):
        return tuple(declared)
    if "properties" in schema:
        return ("object",)
    if "items" in schema:
        return ("array",)
    return ()


def _fits_type(value: Any, types: tuple[str, ...]) -> bool:
    if isinstance(value, bool):
        return "boolean" in types
    if isinstance(value, int):
        return "integer" in types or "number" in types
    if isinstance(value, float):
        return "number" in types or ("integer" in types and value.is_integer())
    if isinstance(value, str):
        return "string" in types
    return False


def _coerce_object(value: Mapping[str, Any], schema: Mapping[str, Any]) -> dict[str, Any]:
    properties = schema.get("properties") or {}
    extra = schema.get("additionalProperties")
    result = {}
    for key, item in value.items():
        if key in properties:
            result[key] = coerce(item, properties[key])
        elif isinstance(extra, Mapping):
            result[key] = coerce(item, extra)
        else:
            result[key] = item
    return result


def _coerce_array(value: list[Any] | tuple[Any, ...], schema: Mapping[str, Any]) -> list[Any]:
    prefix = schema.get("prefixItems") or []
    items = schema.get("items")
    result = []
    for index, item in enumerate(value):
        if index < len(prefix):
            result.append(coerce(item, prefix[index]))
        elif isinstance(items, Mapping):
            result.append(coerce(item, items))
        else:
            result.append(item)
    return result


def _first_fitting(value: Any, branches: list[Mapping[str, Any]]) -> Any:
    for branch in branches:
        if _fits(value, branch):
            return value
    for branch in branches:
        converted = coerce(value, branch)
        if _fits(converted, branch):
            return converted
    return value


def _fits(value: Any, schema: Mapping[str, Any]) -> bool:
    try:
        return Draft202012Validator(schema).is_valid(value)
    except (re.error, UnknownType, SchemaError):
        return False


_NO: Any = object()  # "cannot convert", distinct from a converted None


def _unchanged(value: Any) -> Any:
    return _NO


def _to_integer(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = _plain_number(value)
        if _INTEGER.fullmatch(text):
            return int(text)
        if _NUMBER.fullmatch(text) and float(text).is_integer():
            return int(float(text))
    return _NO


def _to_number(value: Any) -> Any:
    if isinstance(value, str):
        text = _plain_number(value)
        if _INTEGER.fullmatch(text):
            return int(text)
        if _NUMBER.fullmatch(text):
            number = float(text)
            return number if math.isfinite(number) else _NO
    return _NO


def _plain_number(text: str) -> str:
    text = text.strip()
    return text.replace(",", "") if _GROUPED.fullmatch(text) else text


def _to_boolean(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return _NO


def _to_string(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return _NO


def _to_null(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in {"", "null", "none"}:
        return None
    return _NO


_SCALARS = {
    "integer": _to_integer,
    "number": _to_number,
    "boolean": _to_boolean,
    "string": _to_string,
    "null": _to_null,
}
