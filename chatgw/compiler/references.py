"""Checking the names a template reads against what exists where it is used."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from chatgw import formats
from chatgw.compiler.diagnostics import Diagnostic, Location, diagnostic
from chatgw.compiler.suggest import did_you_mean, listing
from chatgw.compiler.templates import Reference, analyse, names_of
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
    # In a reply, reading a field the schema does not require fails the render when it is absent.
    warn_optional: bool = False


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
        where = _line_in(doc, path, info.error_line, (info.error_at,) if info.error_at else ())
        found.diagnostics.append(diagnostic("CGW301", f"template syntax error: {info.error}", where, hint="check the {{ }} and {% %} pairs"))
        return
    for name, line in info.internals:
        message = f"'{name}' is refused by the template sandbox: rendering this template would fail"
        hint = "templates read data only (slots, identity, steps, response); names starting with _ are internals"
        found.diagnostics.append(diagnostic("CGW310", message, _line_in(doc, path, line, (re.escape(name),)), hint))
    for callee in info.callees:
        if not callee.known:
            hint = did_you_mean(callee.name, names_of(callee.kind)) or _callees_hint(callee.kind)
            message = f"unknown {callee.kind} '{callee.name}'; rendering this template would fail"
            found.diagnostics.append(diagnostic("CGW307", message, _line_in(doc, path, callee.line, (callee.pattern,)), hint))
        for problem in callee.problems:
            hint = f"call it as {formats.signature(callee.name)} (see docs/files.md#reply-filters)"
            where = _line_in(doc, path, callee.line, (callee.call_pattern, callee.pattern))
            found.diagnostics.append(diagnostic("CGW309", problem, where, hint))
    for reference in info.references:
        problem = _check(reference, scope, found)
        if problem:
            code, message, hint = problem
            needles = (re.escape(reference.dotted), re.escape(reference.parts[0]))
            found.diagnostics.append(diagnostic(code, message, _line_in(doc, path, reference.line, needles), hint))


def _callees_hint(kind: str) -> str:
    if kind != "filter":
        return f"tests: {listing(names_of('test'), 40)}"
    jinja = [name for name in names_of("filter") if name not in formats.FILTERS]
    return f"chatgw's filters: {', '.join(formats.FILTERS)} (docs/files.md#reply-filters); Jinja's: {listing(jinja, 30)}"


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
            hint = did_you_mean(name, scope.steps, "steps.") or "a step can only read the steps that ran before it"
            return "CGW302", f"'steps.{name}' is not an earlier step", hint
        if len(parts) > 2 and parts[2] not in _RESULT_FIELDS:
            return _unknown_result_field(f"steps.{name}", parts[2])
        operation = scope.steps[name]
        if len(parts) > 3 and parts[2] == "body" and operation is not None:
            return _body_path(operation, reference, 3, f"steps.{name}.body", scope.warn_optional)
        return None
    if root == "response":
        if not scope.response_allowed:
            return "CGW302", "'response' is only available in reply:", _ROOTS_HINT
        if len(parts) > 1 and parts[1] not in _RESULT_FIELDS:
            return _unknown_result_field("response", parts[1])
        if len(parts) > 2 and parts[1] == "body" and scope.check_response_body and scope.response is not None:
            return _body_path(scope.response, reference, 2, "response.body", scope.warn_optional)
        return None
    return "CGW302", f"unknown name '{root}'", _ROOTS_HINT


def _body_path(operation: Operation, reference: Reference, start: int, label: str, warn_optional: bool) -> tuple[str, str, str] | None:
    """CGW303 for a field the response cannot have; CGW308 for one it may leave out."""
    success = operation.success_response()
    if success is None or success.schema is None:
        return None  # nothing is known of the body: nothing to check against
    parts = reference.parts[start:]
    node: Mapping[str, Any] = success.schema
    for index, part in enumerate(parts):
        child = schemas.at_path(node, [part])
        where = ".".join([label, *parts[:index]])
        if child is None:
            known = sorted(schemas.properties(node))
            hint = did_you_mean(part, known) or (f"fields of {where}: {listing(known)}" if known else f"{where} has no fields")
            message = f"'{label}.{'.'.join(parts)}': the {operation.key} response has no field '{part}'"
            return "CGW303", message, hint
        if warn_optional and start + index >= reference.guarded and _optional(node, part):
            field = f"{where}.{part}"
            message = f"'{label}.{'.'.join(parts)}': the {operation.key} response may leave out '{part}', and then this reply fails"
            hint = f"give a fallback: {{{{ {field} | default('...') }}}}, or test it: {{% if {field} is defined %}}"
            return "CGW308", message, hint
        node = child
    return None


def _optional(schema: Mapping[str, Any], part: str) -> bool:
    """Whether an object schema requires some of its properties, but not `part`.

    An object that requires none says nothing either way: many specs never mark response
    fields, and a warning on every field read would teach operators to ignore warnings.
    """
    required = schemas.required(schema)
    return bool(required) and part not in required and part in schemas.properties(schema)


def _unknown_result_field(label: str, part: str) -> tuple[str, str, str]:
    hint = did_you_mean(part, _RESULT_FIELDS, f"{label}.") or f"{label} has {', '.join(_RESULT_FIELDS)}"
    return "CGW302", f"'{label}.{part}' does not exist", hint


def _did_you_mean(name: str, known: Any, prefix: str) -> str:
    found = did_you_mean(name, known, prefix)
    if found:
        return found
    return f"declared: {listing(sorted(known))}" if known else "none are declared"


def _line_in(doc: SourceDoc, path: PathKey, template_line: int, needles: tuple[str, ...] = ()) -> Location:
    """The place of a template's line inside the YAML value that holds it; on that line, the
    first match of the first of `needles` (regular expressions; a group `at` marks the spot)
    found there or on the value's following lines."""
    start = doc.at(path)
    line = start.line
    text = doc.lines[line - 1] if 0 < line <= len(doc.lines) else ""
    if text[start.column - 1 : start.column].strip() in ("|", ">"):
        line += 1  # a block scalar starts on the next line
    line += max(template_line - 1, 0)
    if not 0 < line <= len(doc.lines):
        return start
    # A folded (>) or multi-line plain value joins its lines, so the template's line number
    # is not the file's: look on that line, then on the value's following lines.
    for needle in needles:
        for candidate in _value_lines(doc, start.line, line):
            offset = start.column - 1 if candidate == start.line else 0  # not in the key before the value
            match = re.compile(needle).search(doc.lines[candidate - 1], offset)
            if match:
                column = match.start("at") if "at" in match.re.groupindex else match.start()
                return Location(start.file, candidate, column + 1)
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
