"""Turn pydantic validation errors into located diagnostics with "did you mean" hints."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, Iterable

from pydantic import BaseModel, ValidationError

from chatgw.compiler.diagnostics import Diagnostic, diagnostic
from chatgw.config.interpolate import has_reference, restore
from chatgw.config.yamlpos import SourceDoc


def located_errors(
    error: ValidationError, doc: SourceDoc, model: type[BaseModel], removed: Iterable[tuple[Any, ...]] = ()
) -> list[Diagnostic]:
    """One diagnostic per pydantic error, at the key or value it is about.

    `removed` are values already reported and taken out (config/lenient.py): an error about
    one of them or about what held them (now missing a key, or a list too short) is no news.
    """
    found: list[Diagnostic] = []
    seen: set[tuple[Any, ...]] = set()
    removed = tuple(removed)
    for kind, loc, item in error_paths(error, doc.data):
        if (loc, kind) in seen or any(path[: len(loc)] == loc for path in removed):
            continue
        seen.add((loc, kind))
        dotted = ".".join(str(part) for part in loc) or "(top level)"
        if kind == "extra_forbidden":
            key = str(loc[-1])
            allowed = field_names(model, loc[:-1])
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"allowed here: {', '.join(sorted(allowed))}"
            found.append(diagnostic("CGW103", f"unknown key '{key}' in {_parent(loc)}", doc.at(loc, key=True), hint))
        elif kind == "missing":
            parent = loc[:-1]
            found.append(
                diagnostic(
                    "CGW105",
                    f"missing required key '{loc[-1]}' in {_parent(loc)}",
                    doc.at(parent, key=True) if parent else doc.at(()),
                    hint=f"add '{loc[-1]}:'",
                )
            )
        else:
            message = _without_environment_value(_plain(item["msg"]), _value_at(doc.data, loc), item.get("input"))
            found.append(diagnostic("CGW104", f"{dotted}: {message}", doc.at(loc), hint=_hint_for(kind, item)))
    return found


def error_paths(error: ValidationError, data: Any) -> list[tuple[str, tuple[Any, ...], Any]]:
    """Each error's type and the path in `data` it is about (pydantic's union-branch names dropped)."""
    return [(item["type"], _data_path(item["loc"], data), item) for item in error.errors()]


def _without_environment_value(message: str, written: Any, value: Any) -> str:
    """`message` with a value that came from `${VAR}` replaced by the reference: whatever the
    environment holds (a secret given to the wrong setting, say) never reaches a report."""
    if not (isinstance(written, str) and isinstance(value, str) and value):
        return message
    written = restore(written)
    if not has_reference(written) or written == value:
        return message
    hidden = f"{written} (value not shown)"
    message = message.replace(f"'{value}'", hidden)
    return message.replace(value, hidden) if len(value) >= 4 else message


def _value_at(data: Any, loc: tuple[Any, ...]) -> Any:
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def _data_path(loc: Iterable[Any], data: Any) -> tuple[Any, ...]:
    """Drop pydantic's union-branch names from `loc`, keeping only keys present in the data."""
    path: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part.isdigit() and int(part) in node:
            path.append(int(part))
            node = node[int(part)]
        elif isinstance(node, (dict, list)):
            if isinstance(part, (str, int)) and not _is_branch_name(part):
                path.append(part)
                node = None
        # else: a union branch name ("str", "int", "function-after[...]"); skip it
    return tuple(path)


def _is_branch_name(part: Any) -> bool:
    return isinstance(part, str) and (part in {"str", "int", "float", "bool", "list", "dict"} or "[" in part)


def field_names(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed at `loc` inside `model` (aliases where the field has one)."""
    current: Any = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return []
    current = _model_in(current)
    if current is None:
        return []
    return [info.alias or name for name, info in current.model_fields.items()]


def _step(annotation: Any, part: Any) -> Any:
    model = _model_in(annotation)
    if model is not None and isinstance(part, str) and not isinstance(annotation, (list, dict)):
        for name, info in model.model_fields.items():
            if part in (name, info.alias):
                return info.annotation
    for arg in _args(annotation):
        origin = typing.get_origin(arg)
        if origin in (list, dict):
            inner = typing.get_args(arg)
            return inner[-1] if inner else None
    return None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    for arg in _args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _args(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        return [inner for arg in typing.get_args(annotation) for inner in _args(arg)]
    if origin is typing.Annotated:
        return _args(typing.get_args(annotation)[0])
    return [annotation]


def _parent(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc[:-1]) or "the top level"


def _plain(message: str) -> str:
    message = message.replace("Input should be", "should be").replace("Value error, ", "")
    return message[0].lower() + message[1:] if message else message


def _hint_for(kind: str, item: dict[str, Any]) -> str | None:
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return "check the value's type (quote it to make it a string)"
    if kind == "literal_error":
        expected = item.get("ctx", {}).get("expected")
        return f"use one of {expected}" if expected else None
    return None
