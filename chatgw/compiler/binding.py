"""Binding a `call:` to its OpenAPI operation: parameters, body fields and literal values.

Checks run over the action file's own data with positions, so each finding points at the
exact key or value. Where a value is exactly `{{ slots.x }}`, the schema it feeds is
remembered so the slot can take that schema's type and constraints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from chatgw.compiler.diagnostics import Diagnostic, diagnostic
from chatgw.compiler.suggest import close_names, did_you_mean, listing
from chatgw.compiler.templates import is_template, whole_expression
from chatgw.config.yamlpos import PathKey, SourceDoc
from chatgw.openapi import schema as schemas
from chatgw.openapi.model import Operation

_LOCATIONS = {"path": "path", "query": "query", "headers": "header"}


@dataclass(slots=True)
class Binding:
    """What binding one call found: diagnostics, and which schema each slot feeds."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    feeds: dict[str, tuple[str, Mapping[str, Any]]] = field(default_factory=dict)  # slot -> (where, schema)
    templates: list[tuple[PathKey, str]] = field(default_factory=list)  # every template and its path


def bind_call(operation: Operation, call: Mapping[str, Any], doc: SourceDoc, base: PathKey) -> Binding:
    """Check the parameters and body of one call against `operation`."""
    binding = Binding()
    # A required parameter given under a wrong name is one mistake: CGW202 says "did you mean
    # it", so no CGW203 says it is missing too.
    misnamed: set[tuple[str, str]] = set()
    for section, location in _LOCATIONS.items():
        given = call.get(section) or {}
        for name, value in given.items():
            path = (*base, section, name)
            parameter = _parameter(operation, str(name), location)
            if parameter is None:
                unknown, meant = _unknown_parameter(operation, str(name), location, doc, path)
                binding.diagnostics.append(unknown)
                misnamed.update(meant)
                binding.templates.extend(templates_in(value, path))  # their names are still checked
                continue
            _check_leaf(value, parameter.schema, f"{location} parameter '{name}'", doc, path, binding)
    for section, location in _LOCATIONS.items():
        given = call.get(section) or {}
        for parameter in operation.parameters:
            if (parameter.location, parameter.name) in misnamed:
                continue
            if parameter.location == location and parameter.required and not _has_parameter(given, parameter.name, location):
                where = doc.at((*base, section), key=True) if section in call else doc.at(base, key=True)
                binding.diagnostics.append(
                    diagnostic(
                        "CGW203",
                        f"{operation.key} needs the {location} parameter '{parameter.name}'",
                        where,
                        hint=f"add it under {section}: {{{parameter.name}: \"{{{{ slots.{_slot_like(parameter.name)} }}}}\"}}",
                    )
                )
    _bind_body(operation, call, doc, base, binding)
    return binding


def _bind_body(operation: Operation, call: Mapping[str, Any], doc: SourceDoc, base: PathKey, binding: Binding) -> None:
    body = call.get("body")
    request_body = operation.request_body
    if body is None:
        if request_body is not None and request_body.required:
            binding.diagnostics.append(
                diagnostic(
                    "CGW204",
                    f"{operation.key} needs a request body",
                    doc.at(base, key=True),
                    hint=_required_hint(request_body.schema),
                )
            )
        return
    if request_body is None:
        binding.diagnostics.append(
            diagnostic(
                "CGW207",
                f"{operation.key} takes no request body",
                doc.at((*base, "body"), key=True),
                hint="remove 'body:' or check the operation",
            )
        )
        return
    _check_value_tree(body, request_body.schema, "body", doc, (*base, "body"), binding)


def _check_value_tree(
    value: Any, schema: Mapping[str, Any], label: str, doc: SourceDoc, path: PathKey, binding: Binding
) -> None:
    if isinstance(value, dict) and schemas.type_name(schema) in ("object", None) and not _is_free(schema):
        listed = schemas.properties(schema)
        for key, item in value.items():
            child = (*path, key)
            sub = listed.get(str(key))
            if sub is None:
                if not schemas.is_open(schema):
                    hint = did_you_mean(str(key), listed) or _known_hint(listed)
                    binding.diagnostics.append(
                        diagnostic("CGW205", f"{label} has no field '{key}'", doc.at(child, key=True), hint)
                    )
                    binding.templates.extend(templates_in(item, child))
                    continue
                sub = {}
            _check_value_tree(item, sub, f"{label}.{key}", doc, child, binding)
        missing = sorted(name for name in schemas.required(schema) if name not in value)
        for name in missing:
            binding.diagnostics.append(
                diagnostic(
                    "CGW204",
                    f"{label} is missing the required field '{name}'",
                    doc.at(path, key=True),
                    hint=f"add '{name}:' under {label.rsplit('.', 1)[-1]}",
                )
            )
        return
    if isinstance(value, list) and schemas.type_name(schema) == "array":
        items = schema.get("items") or {}
        for index, item in enumerate(value):
            _check_value_tree(item, items, f"{label}[{index}]", doc, (*path, index), binding)
        return
    _check_leaf(value, schema, label, doc, path, binding)


def _check_leaf(
    value: Any, schema: Mapping[str, Any], label: str, doc: SourceDoc, path: PathKey, binding: Binding
) -> None:
    if is_template(value):
        binding.templates.append((path, value))
        expression = whole_expression(value)
        if expression and expression.startswith("slots.") and expression.count(".") == 1:
            binding.feeds.setdefault(expression.split(".", 1)[1], (label, schema))
        return
    if isinstance(value, (dict, list)):
        # A mapping or list where the schema wants something else (a scalar, or the other shape).
        # Wholly literal, it is checked as it is; holding templates, only its shape can be.
        templates = templates_in(value, path)
        binding.templates.extend(templates)
        shape = "object" if isinstance(value, dict) else "array"
        kind = schemas.type_name(schema) if schema else None
        if not templates:
            problem = schemas.check_value(schema, value) if schema else None
        else:
            problem = f"must be {_article(kind)} {kind}" if kind is not None and kind != shape else None
        if problem:
            got = "a mapping" if shape == "object" else "a list"
            binding.diagnostics.append(
                diagnostic("CGW206", f"{label} {problem}, got {got}", doc.at(path), hint=_value_hint(schema, value))
            )
        return
    problem = schemas.check_value(schema, value) if schema else None
    if problem:
        binding.diagnostics.append(
            diagnostic("CGW206", f"{label} {problem}, got {value!r}", doc.at(path), hint=_value_hint(schema, value))
        )


def templates_in(value: Any, path: PathKey) -> list[tuple[PathKey, str]]:
    """Every template string in a nested value, with its path."""
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in templates_in(item, (*path, key))]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in templates_in(item, (*path, index))]
    return [(path, value)] if is_template(value) else []


def _parameter(operation: Operation, name: str, location: str) -> Any:
    if location == "header":
        for parameter in operation.parameters:
            if parameter.location == "header" and parameter.name.lower() == name.lower():
                return parameter
        return None
    return operation.parameter(name, location)  # type: ignore[arg-type]


def _has_parameter(given: Mapping[Any, Any], name: str, location: str) -> bool:
    if location == "header":
        return name.lower() in {str(key).lower() for key in given}
    return name in given


def _unknown_parameter(
    operation: Operation, name: str, location: str, doc: SourceDoc, path: PathKey
) -> tuple[Diagnostic, list[tuple[str, str]]]:
    """CGW202 for `name`, and the parameters (location, name) the hint says it is meant to be."""
    same_place = [p.name for p in operation.parameters if p.location == location]
    close = close_names(name, same_place)
    elsewhere = [p.location for p in operation.parameters if p.name == name]
    if close:
        hint = did_you_mean(name, same_place) or ""
        meant = [(location, close[0])]
    elif elsewhere:
        hint = f"'{name}' is a {elsewhere[0]} parameter of this operation; move it there"
        meant = [(elsewhere[0], name)]
    else:
        hint = f"{location} parameters of {operation.key}: {', '.join(same_place)}" if same_place else f"{operation.key} has no {location} parameters"
        meant = []
    message = f"{operation.key} has no {location} parameter '{name}'"
    return diagnostic("CGW202", message, doc.at(path, key=True), hint), meant


def _is_free(schema: Mapping[str, Any]) -> bool:
    """An object schema that says nothing of its fields (anything goes)."""
    return not schemas.properties(schema) and schemas.is_open(schema)


def _known_hint(listed: Mapping[str, Any]) -> str:
    return f"known fields: {listing(sorted(listed))}" if listed else "this object takes no fields"


def _required_hint(schema: Mapping[str, Any]) -> str:
    names = sorted(schemas.required(schema))
    return f"add body: with {', '.join(names)}" if names else "add body: {}"


def _value_hint(schema: Mapping[str, Any], value: Any) -> str | None:
    found = schemas.constraints(schema)
    if "enum" in found:
        return "use one of: " + ", ".join(repr(item) for item in found["enum"])
    if "type" in found and schemas.check_value({"type": found["type"]}, value) is not None:
        return f"write {_article(found['type'])} {found['type']} value, or use a slot"
    return "change the value to one the spec allows, or fill it from a slot"


def _article(word: str) -> str:
    return "an" if word[:1] in ("a", "e", "i", "o", "u") else "a"


def _slot_like(name: str) -> str:
    """A parameter name as a slot name: `X-Customer-Id` -> `x_customer_id`."""
    return re.sub(r"\W+", "_", name).strip("_").lower()
