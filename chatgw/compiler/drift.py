"""Spec drift: what a new version of the product's spec would break in the actions.

The actions are compiled against the new spec; each finding the current spec does not
produce is a breakage. Comparing each called operation in the two specs then says what
changed (the operation was removed, a parameter renamed or newly required, a body field
dropped), so the finding explains itself instead of only saying what is wrong now. Codes are
the compiler's own: CGW201 for a removed operation, CGW202/CGW203 for parameters, CGW204/
CGW205 for body fields, CGW303 for response fields.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from chatgw.compiler.diagnostics import Diagnostic, Location, diagnostic
from chatgw.compiler.paths import spec_files_hint
from chatgw.compiler.project import CompileResult, compile_project
from chatgw.config.loader import ActionSource, load_sources
from chatgw.config.yamlpos import PathKey, SourceDoc
from chatgw.errors import SpecError
from chatgw.openapi import schema as schemas
from chatgw.openapi.loader import Spec
from chatgw.openapi.model import Operation, Parameter

_SECTIONS = (("path", "path"), ("query", "query"), ("headers", "header"))

_Key = tuple[str, int, int, str]


def check_drift(
    config_path: Path,
    new_spec: Path,
    *,
    environ: Mapping[str, str] | None = None,
    cache_dir: Path | None = None,
) -> CompileResult:
    """Compile against `new_spec`; findings the current spec does not cause say what changed.

    Raises ConfigError/SpecError, as `compile_project` does, when either compile cannot run.
    """
    if Path(new_spec).is_dir():
        raise SpecError(f"new spec {new_spec} is a folder, not a file; {spec_files_hint(Path(new_spec))}")
    if not Path(new_spec).is_file():
        raise SpecError(f"new spec {new_spec} not found; check the path given to --against")
    current = compile_project(config_path, environ=environ, cache_dir=cache_dir)
    after = compile_project(config_path, spec_path=new_spec, environ=environ, cache_dir=cache_dir)
    if current.spec is None or after.spec is None:
        return after  # chatgw.yaml names no spec: nothing to compare
    before = {_key(d) for d in current.diagnostics}
    # A comparison finding stands in for the compiler's findings at the same place and code.
    compared = [d for d in _compare(config_path, current.spec, after.spec, environ) if _key(d) not in before]
    covered = {_key(d) for d in compared}
    label = Path(new_spec).name
    diagnostics = list(compared)
    for found in after.diagnostics:
        key = _key(found)
        if key in before:
            diagnostics.append(found)
        elif key not in covered:
            diagnostics.append(_with_message(found, f"{found.message} (changed in {label})"))
    diagnostics.sort(key=lambda d: (d.file != "chatgw.yaml", d.file, d.line, d.column, d.code))
    return CompileResult(after.plan, tuple(diagnostics), after.spec, after.action_count)


def _compare(config_path: Path, old: Spec, new: Spec, environ: Mapping[str, str] | None) -> Iterator[Diagnostic]:
    """One diagnostic per change of a called operation that the action's call runs into."""
    label = Path(new.path).name
    for source in load_sources(Path(config_path), environ).actions:
        for base, call in _calls(source):
            reference = str(call.get("operation"))
            before = old.operation(reference)
            if before is None:
                continue  # already unknown with the current spec: not drift
            after = new.operation(reference)
            if after is None:
                yield _removed(reference, before, new, source.doc, base, label)
                continue
            yield from _parameters(reference, before, after, call, source.doc, base, label)
            yield from _body(reference, before, after, call, source.doc, base, label)


@dataclass(frozen=True, slots=True)
class _Change:
    removed: tuple[str, ...]
    added: tuple[str, ...]


def _removed(reference: str, before: Operation, new: Spec, doc: SourceDoc, base: PathKey, label: str) -> Diagnostic:
    same_place = new.operation(before.key)
    if same_place is not None and same_place.operation_id:
        hint = f"{label} has {before.key} as '{same_place.operation_id}': use operation: {same_place.operation_id}"
    else:
        close = new.suggest(reference)
        hint = (
            f"did you mean {', '.join(repr(c) for c in close)}?"
            if close
            else "find what replaces it in the new spec, or remove this action"
        )
    return diagnostic(
        "CGW201",
        f"operation '{reference}' ({before.key}) is removed in {label}",
        doc.at((*base, "operation")),
        hint,
    )


def _parameters(
    reference: str, before: Operation, after: Operation, call: Mapping[str, Any], doc: SourceDoc, base: PathKey, label: str
) -> Iterator[Diagnostic]:
    for section, location in _SECTIONS:
        given = {_fold(str(name), location): str(name) for name in call.get(section) or {}}
        change = _parameter_change(before, after, location)
        for folded, name in given.items():
            if folded not in change.removed:
                continue
            renamed = _renamed_to(folded, change)
            hint = f"renamed to '{renamed}'? write {renamed}: instead" if renamed else f"{label} no longer takes it: remove it"
            yield diagnostic(
                "CGW202",
                f"{location} parameter '{name}' of {reference} is gone in {label}",
                doc.at((*base, section, name), key=True),
                hint,
            )
        for parameter in after.parameters:
            if parameter.location != location or not parameter.required:
                continue
            if _fold(parameter.name, location) in given or _was_required(before, parameter):
                continue
            renamed_from = _renamed_from(_fold(parameter.name, location), change, given)
            if renamed_from:
                what, hint = f"renamed from '{renamed_from}'", f"rename '{renamed_from}:' to '{parameter.name}:'"
            else:
                what, hint = "newly required", f"add '{parameter.name}:' under {section}:, from a slot or a literal"
            where = doc.at((*base, section), key=True) if section in call else doc.at(base, key=True)
            yield diagnostic(
                "CGW203", f"{location} parameter '{parameter.name}' of {reference} is {what} in {label}", where, hint
            )


def _body(
    reference: str, before: Operation, after: Operation, call: Mapping[str, Any], doc: SourceDoc, base: PathKey, label: str
) -> Iterator[Diagnostic]:
    body = call.get("body")
    old_schema = before.request_body.schema if before.request_body is not None else None
    new_schema = after.request_body.schema if after.request_body is not None else None
    if not isinstance(body, dict) or old_schema is None or new_schema is None:
        return
    path = (*base, "body")
    old_fields, new_fields = schemas.properties(old_schema), schemas.properties(new_schema)
    gone = [name for name in old_fields if name not in new_fields]
    for name in body:
        if str(name) in gone and not schemas.is_open(new_schema):
            close = difflib.get_close_matches(str(name), [n for n in new_fields if n not in old_fields], n=1, cutoff=0.5)
            hint = f"renamed to '{close[0]}'?" if close else f"{label} no longer takes it: remove it"
            yield diagnostic(
                "CGW205",
                f"body field '{name}' of {reference} is gone in {label}",
                doc.at((*path, name), key=True),
                hint,
            )
    newly = sorted(schemas.required(new_schema) - schemas.required(old_schema) - set(map(str, body)))
    for name in newly:
        yield diagnostic(
            "CGW204",
            f"body field '{name}' of {reference} is newly required in {label}",
            doc.at(path, key=True),
            f"add '{name}:' under body",
        )


def _parameter_change(before: Operation, after: Operation, location: str) -> _Change:
    old = [_fold(p.name, location) for p in before.parameters if p.location == location]
    new = [_fold(p.name, location) for p in after.parameters if p.location == location]
    return _Change(tuple(n for n in old if n not in new), tuple(n for n in new if n not in old))


def _renamed_to(name: str, change: _Change) -> str | None:
    close = difflib.get_close_matches(name, change.added, n=1, cutoff=0.5)
    if close:
        return close[0]
    return change.added[0] if len(change.added) == 1 and len(change.removed) == 1 else None


def _renamed_from(name: str, change: _Change, given: Mapping[str, str]) -> str | None:
    candidates = [old for old in change.removed if old in given]
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.5)
    if close:
        return given[close[0]]
    return given[candidates[0]] if len(candidates) == 1 and len(change.added) == 1 else None


def _was_required(before: Operation, parameter: Parameter) -> bool:
    folded = _fold(parameter.name, parameter.location)
    return any(
        p.required and p.location == parameter.location and _fold(p.name, p.location) == folded
        for p in before.parameters
    )


def _fold(name: str, location: str) -> str:
    """Header names compare without case."""
    return name.lower() if location == "header" else name


def _calls(source: ActionSource) -> Iterator[tuple[PathKey, Mapping[str, Any]]]:
    data = source.doc.data
    if source.model is None or not isinstance(data, dict):
        return
    if isinstance(data.get("call"), dict):
        yield ("call",), data["call"]
    for index, step in enumerate(data.get("steps") or []):
        if isinstance(step, dict):
            yield ("steps", index), step


def _key(found: Diagnostic) -> _Key:
    return (found.file, found.line, found.column, found.code)


def _with_message(found: Diagnostic, message: str) -> Diagnostic:
    where = Location(found.file, found.line, found.column)
    return diagnostic(found.code, message, where, found.hint, found.severity)
