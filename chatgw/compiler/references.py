"""Checking the names a template reads against what exists where it is used."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Mapping

from chatgw.compiler.diagnostics import Diagnostic, Location, diagnostic
from chatgw.compiler.templates import Reference, analyse
from chatgw.config.yamlpos import PathKey, SourceDoc
from chatgw.openapi import schema as schemas
from chatgw.openapi.model import Operation

_ROOTS_HINT = "templates can read slots.<name>, identity.<claim>, steps.<as>.body and, in replies, response.body"
_RESULT_FIELDS = ("status", "body", "headers")  # what the runtime puts in `response` and `steps.<as>`


@dataclass(frozen=True, slots=True)
class Scope:
    """The names a template may read where it is used."""

    slots: frozenset[str]
    steps: Mapping[str, Operation | None] = field(default_factory=dict)  # steps that ran before; None: unknown operation
    response: Operation | None = None  # the operation whose response `response` is
    response_allowed: bool = False
    check_response_body: bool = False  # only success replies know the body's schema


@dataclass(slots=True)
class TemplateCheck:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    slots_used: set[str] = field(default_factory=set)
    claims_used: set[str] = field(default_factory=set)


def check_template(
    source: str, scope: Scope, doc: SourceDoc, path: PathKey, found: TemplateCheck, *, expression: bool = False
) -> None:
    """Syntax and names of one template; findings and used names go into `found`."""
    info = analyse(source, expression=expression)
    if info.error:
        found.diagnostics.append(
            diagnostic(
                "CGW301",
                f"template syntax error: {info.error}",
                _line_in(doc, path, info.error_line, None),
                hint="check the {{ }} and {% %} pairs",
            )
        )
        return
    for reference in info.references:
        problem = _check(reference, scope, found)
        if problem:
            code, message, hint = problem
            found.diagnostics.append(diagnostic(code, message, _line_in(doc, path, reference.line, reference), hint))


def _check(reference: Reference, scope: Scope, found: TemplateCheck) -> tuple[str, str, str] | None:
    parts = reference.parts
    root = parts[0]
    if root == "slots":
        if len(parts) < 2:
            return None
        name = parts[1]
        if name not in scope.slots:
            return "CGW302", f"'slots.{name}' is not a declared slot", _did_you_mean(name, scope.slots, "slots.")
        found.slots_used.add(name)
        return None
    if root == "identity":
        if len(parts) >= 2:
            found.claims_used.add(parts[1])
        return None
    if root == "steps":
        if len(parts) < 2:
            return None
        name = parts[1]
        if name not in scope.steps:
            close = difflib.get_close_matches(name, list(scope.steps), n=1, cutoff=0.6)
            hint = f"did you mean 'steps.{close[0]}'?" if close else "a step can only read the steps that ran before it"
            return "CGW302", f"'steps.{name}' is not an earlier step", hint
        if len(parts) > 2 and parts[2] not in _RESULT_FIELDS:
            return _unknown_result_field(f"steps.{name}", parts[2])
        operation = scope.steps[name]
        if len(parts) > 3 and parts[2] == "body" and operation is not None:
            return _body_path(operation, parts[3:], f"steps.{name}.body")
        return None
    if root == "response":
        if not scope.response_allowed:
            return "CGW302", "'response' is only available in reply:", _ROOTS_HINT
        if len(parts) > 1 and parts[1] not in _RESULT_FIELDS:
            return _unknown_result_field("response", parts[1])
        if len(parts) > 2 and parts[1] == "body" and scope.check_response_body and scope.response is not None:
            return _body_path(scope.response, parts[2:], "response.body")
        return None
    return "CGW302", f"unknown name '{root}'", _ROOTS_HINT


def _body_path(operation: Operation, parts: tuple[str, ...], label: str) -> tuple[str, str, str] | None:
    success = operation.success_response()
    if success is None or success.schema is None:
        return None  # nothing is known of the body: nothing to check against
    if schemas.at_path(success.schema, list(parts)) is not None:
        return None
    walked: list[str] = []
    node: Mapping[str, Any] | None = success.schema
    for part in parts:
        child = schemas.at_path(node, [part]) if node is not None else None
        if child is None:
            known = sorted(schemas.properties(node)) if node is not None else []
            close = difflib.get_close_matches(part, known, n=1, cutoff=0.6)
            where = ".".join([label, *walked])
            hint = f"did you mean '{close[0]}'?" if close else (f"fields of {where}: {', '.join(known[:12])}" if known else f"{where} has no fields")
            message = f"'{label}.{'.'.join(parts)}': the {operation.key} response has no field '{part}'"
            return "CGW303", message, hint
        walked.append(part)
        node = child
    return None


def _unknown_result_field(label: str, part: str) -> tuple[str, str, str]:
    close = difflib.get_close_matches(part, _RESULT_FIELDS, n=1, cutoff=0.6)
    hint = f"did you mean '{label}.{close[0]}'?" if close else f"{label} has {', '.join(_RESULT_FIELDS)}"
    return "CGW302", f"'{label}.{part}' does not exist", hint


def _did_you_mean(name: str, known: Any, prefix: str) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{prefix}{close[0]}'?"
    return f"declared: {', '.join(sorted(known))}" if known else "none are declared"


def _line_in(doc: SourceDoc, path: PathKey, template_line: int, reference: Reference | None) -> Location:
    """The place of a template's line inside the YAML value that holds it."""
    start = doc.at(path)
    line = start.line
    text = doc.lines[line - 1] if 0 < line <= len(doc.lines) else ""
    if text[start.column - 1 : start.column].strip() in ("|", ">"):
        line += 1  # a block scalar starts on the next line
    line += max(template_line - 1, 0)
    if not 0 < line <= len(doc.lines):
        return start
    if reference is not None:
        # A folded (>) or multi-line plain value joins its lines, so the template's line
        # number is not the file's: look on that line, then on the value's following lines.
        for candidate in _value_lines(doc, start.line, line):
            index = doc.lines[candidate - 1].find(reference.dotted)
            if index >= 0:
                return Location(start.file, candidate, index + 1)
        index = doc.lines[line - 1].find(reference.parts[0])
        if index >= 0:
            return Location(start.file, line, index + 1)
    if line == start.line:
        return Location(start.file, line, start.column)
    text = doc.lines[line - 1]
    return Location(start.file, line, len(text) - len(text.lstrip()) + 1)


def _value_lines(doc: SourceDoc, first: int, line: int) -> range:
    """`line` and the lines after it that still belong to the value starting on `first`."""
    indent = _indent(doc.lines[first - 1])
    end = line
    while end < len(doc.lines) and (not doc.lines[end].strip() or _indent(doc.lines[end]) > indent):
        end += 1
    return range(line, end + 1)


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))
