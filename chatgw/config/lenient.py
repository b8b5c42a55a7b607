"""Validating a file strictly, yet still getting a model to check the rest of the file with.

A strict model that fails gives nothing to compile, so one typo would hide every other finding
until it is fixed. Instead each error is reported, the value it is about is taken out (an
unknown key, a value of the wrong shape; for a missing key, the mapping that lacks it), and the
rest is validated again. What remains is compiled as if the file said only that.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from chatgw.compiler.diagnostics import Diagnostic
from chatgw.config.errors import error_paths, located_errors
from chatgw.config.yamlpos import PathKey, SourceDoc

Model = TypeVar("Model", bound=BaseModel)

# Each round takes at least one value out, and a file's errors nest only a few levels deep.
_ROUNDS = 8


@dataclass(frozen=True, slots=True)
class Validated(Generic[Model]):
    """The model of what was valid (None when nothing usable remained), every error, and the doc
    without the values taken out: positions of the remaining values are those of the file."""

    model: Model | None
    diagnostics: tuple[Diagnostic, ...]
    doc: SourceDoc
    removed: tuple[PathKey, ...]


def validate_leniently(model: type[Model], doc: SourceDoc, data: Any = None) -> Validated[Model]:
    """Validate `data` (by default `doc.data`, which it mirrors path for path) against `model`."""
    data = doc.data if data is None else data
    found: list[Diagnostic] = []
    removed: list[PathKey] = []
    for _ in range(_ROUNDS):
        try:
            return Validated(model.model_validate(data), tuple(found), doc, tuple(removed))
        except ValidationError as error:
            found += located_errors(error, doc, model, removed)
            targets = _targets(error, doc.data)
        if targets is None:
            break
        pruned = doc.without(targets)
        data = pruned.data if data is doc.data else SourceDoc(file=doc.file, data=data).without(targets).data
        doc = pruned
        removed += targets
    return Validated(None, tuple(found), doc, tuple(removed))


def _targets(error: ValidationError, data: Any) -> list[PathKey] | None:
    """What to take out so the rest validates; None when that would be the whole file."""
    targets: list[PathKey] = []
    for kind, path, _ in error_paths(error, data):
        target = _existing(path[:-1] if kind == "missing" else path, data)
        if not target:
            return None
        if target not in targets:
            targets.append(target)
    return targets


def _existing(path: tuple[Any, ...], data: Any) -> PathKey:
    """The longest prefix of `path` that names a value in `data`."""
    node, found = data, 0
    for part in path:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            break
        found += 1
    return tuple(path[:found])
