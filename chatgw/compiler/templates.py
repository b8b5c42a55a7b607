"""Static analysis of Jinja templates: syntax, and the dotted names each one reads.

The compiler checks every name against what exists where the template is used (declared
slots, identity claims, earlier steps, the response schema), so a typo fails CI instead of
a customer's conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment

from chatgw import formats

_ENV = SandboxedEnvironment()
_FILTER_NAMES = sorted(set(_ENV.filters) | set(formats.FILTERS))
_GLOBALS = frozenset(_ENV.globals) | {"loop", "self", "caller", "varargs", "kwargs", "true", "false", "none"}


@dataclass(frozen=True, slots=True)
class Reference:
    """A dotted name read by a template: ("response", "body", "key_suffix")."""

    parts: tuple[str, ...]
    line: int  # line inside the template, from 1
    # How many leading parts the template checks before reading them (`| default(...)`,
    # `is defined`, inside `{% if ... is defined %}`): those may be absent without an error.
    guarded: int = 0

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True, slots=True)
class Callee:
    """A filter (`x | upper`) or test (`x is odd`) a template calls, by name."""

    kind: Literal["filter", "test"]
    name: str
    line: int
    # The arguments written after the name: literals as their value, anything else UNKNOWN.
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()

    @property
    def known(self) -> bool:
        return self.name in names_of(self.kind)

    @property
    def problems(self) -> list[str]:
        """What is wrong with the arguments of one of chatgw's own filters (`money("USD")`)."""
        if self.kind != "filter" or self.name not in formats.FILTERS:
            return []
        return formats.problems(self.name, self.args, dict(self.kwargs))

    @property
    def pattern(self) -> str:
        """Where it is written: after the `|`, or after `is` / `is not`."""
        lead = r"\|\s*" if self.kind == "filter" else r"\bis\s+(?:not\s+)?"
        return lead + rf"(?P<at>{re.escape(self.name)})\b"

    @property
    def call_pattern(self) -> str:
        """Where this very call is written, told from others of the same filter by its arguments."""
        if not self.args and not self.kwargs:
            return self.pattern + r"(?!\s*\()"
        ahead = [rf"(?=[^)]*\b{re.escape(key)}\s*=)" for key, _ in self.kwargs]
        literals = [*self.args, *(value for _, value in self.kwargs)]
        ahead += [rf"(?=[^)]*{_written(value)})" for value in literals if _written(value)]
        return self.pattern + r"\s*\(" + "".join(ahead)


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    error: str | None  # syntax error message
    error_line: int
    references: tuple[Reference, ...]
    callees: tuple[Callee, ...] = ()
    error_at: str | None = None  # a regular expression for where on error_line the error is
    # Attributes and keys the sandbox refuses (`__class__`, `_private`), with their lines.
    internals: tuple[tuple[str, int], ...] = ()


def names_of(kind: Literal["filter", "test"]) -> list[str]:
    """The filters or tests templates may call: Jinja's own and chatgw's (chatgw/formats)."""
    return _FILTER_NAMES if kind == "filter" else sorted(_ENV.tests)


def is_template(value: Any) -> bool:
    return isinstance(value, str) and ("{{" in value or "{%" in value or "{#" in value)


def whole_expression(value: str) -> str | None:
    """`slots.x` when the value is exactly `{{ slots.x }}`, else None."""
    text = value.strip()
    if text.startswith("{{") and text.endswith("}}") and text.count("{{") == 1:
        return text[2:-2].strip()
    return None


@lru_cache(maxsize=4096)
def analyse(source: str, *, expression: bool = False) -> TemplateInfo:
    """Parse a template (or a bare expression, for `when:`) and list the names it reads."""
    text = "{{ " + source + " }}" if expression else source
    try:
        tree = _ENV.parse(text)
    except jinja2.TemplateSyntaxError as error:
        message = error.message or "syntax error"
        return TemplateInfo(error=message, error_line=error.lineno or 1, references=(), error_at=_error_pattern(message))
    local = _local_names(tree)
    found: list[Reference] = []
    _collect(tree, local, found, frozenset())
    callees = [_filter_call(node) for node in tree.find_all(nodes.Filter)]
    callees += [Callee("test", node.name, node.lineno or 1) for node in tree.find_all(nodes.Test)]
    return TemplateInfo(
        error=None, error_line=0, references=tuple(found), callees=tuple(callees), internals=_internals(tree)
    )


def _internals(tree: nodes.Node) -> tuple[tuple[str, int], ...]:
    """`x.__class__`, `x["_secret"]`: names the sandbox refuses at chat time (it hides every
    attribute that starts with an underscore), so the template could only ever fail."""
    found = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        name = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        if isinstance(name, str) and name.startswith("_"):
            found.append((name, node.lineno or 1))
    return tuple(found)


def _filter_call(node: nodes.Filter) -> Callee:
    args = tuple(_literal(arg) for arg in node.args)
    kwargs = tuple((keyword.key, _literal(keyword.value)) for keyword in node.kwargs)
    return Callee("filter", node.name, node.lineno or 1, args, kwargs)


def _literal(node: nodes.Node) -> Any:
    try:
        return node.as_const() if isinstance(node, (nodes.Const, nodes.Neg, nodes.Pos)) else formats.UNKNOWN
    except nodes.Impossible:
        return formats.UNKNOWN


def _written(value: Any) -> str | None:
    """A regular expression for how a literal argument is written: "USD" or 'USD', 2 but not 12."""
    if isinstance(value, str):
        return rf"[\"']{re.escape(value)}[\"']"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return rf"(?<![\w.]){re.escape(str(value))}(?![\w.])"
    return None


def _error_pattern(message: str) -> str | None:
    """Where Jinja's syntax error is, from its message: the stray token, or the unclosed block."""
    if message == "unexpected '}'":
        return r"(?<!\})(?P<at>\})(?!\})"  # a lone `}`, not half of a `}}`
    token = re.search(r"(?:got|unexpected(?: char)?) '(.+?)'", message)
    if token and token.group(1) != "end of print statement":
        text = token.group(1)
        return re.escape(text) + (r"\b" if text[-1:].isalnum() else "")
    block = re.search(r"innermost block that needs to be closed is '(\w+)'", message)
    if block:
        return rf"\{{%-?\s*{block.group(1)}\b"
    return None


def _local_names(tree: nodes.Node) -> set[str]:
    names: set[str] = set()
    for node in tree.find_all((nodes.Name,)):
        if node.ctx in ("store", "param"):
            names.add(node.name)
    return names


def _collect(node: nodes.Node, local: set[str], found: list[Reference], guards: frozenset[tuple[str, ...]]) -> None:
    """Every dotted read below `node`; `guards` are the paths checked to exist around it."""
    chain = _chain(node)
    if chain is not None:
        root = chain[0]
        if root not in local and root not in _GLOBALS:
            covered = max((len(guard) for guard in guards if chain[: len(guard)] == guard), default=0)
            found.append(Reference(parts=chain, line=node.lineno or 1, guarded=covered))
        if isinstance(node, nodes.Getitem):
            _collect(node.arg, local, found, guards)
        return
    if isinstance(node, (nodes.Filter, nodes.Test)) and node.node is not None and _checks_presence(node):
        inner = _chain(node.node)
        _collect(node.node, local, found, guards | {inner} if inner else guards)
        for child in [*node.args, *(keyword.value for keyword in node.kwargs)]:
            _collect(child, local, found, guards)
        return
    if isinstance(node, (nodes.If, nodes.CondExpr)):
        _collect(node.test, local, found, guards)
        present, absent = guards | _tested(node.test, "defined"), guards | _tested(node.test, "undefined")
        if isinstance(node, nodes.If):
            for child in node.body:
                _collect(child, local, found, present)
            for child in [*node.elif_, *node.else_]:
                _collect(child, local, found, absent)
        else:
            _collect(node.expr1, local, found, present)
            if node.expr2 is not None:
                _collect(node.expr2, local, found, absent)
        return
    for child in node.iter_child_nodes():
        _collect(child, local, found, guards)


_PRESENCE = {"filter": frozenset({"default", "d"}), "test": frozenset({"defined", "undefined"})}


def _checks_presence(node: nodes.Filter | nodes.Test) -> bool:
    """A filter or test that takes an absent value without an error."""
    return node.name in _PRESENCE["filter" if isinstance(node, nodes.Filter) else "test"]


def _tested(test: nodes.Node, name: str) -> frozenset[tuple[str, ...]]:
    """The paths `test` holds to be `name` (defined / undefined), outside any `not`."""
    found: set[tuple[str, ...]] = set()
    pending = [test]
    while pending:
        node = pending.pop()
        if isinstance(node, nodes.Test) and node.name == name and (chain := _chain(node.node)):
            found.add(chain)
        elif isinstance(node, nodes.And):
            pending += [node.left, node.right]
    return frozenset(found)


def _chain(node: nodes.Node) -> tuple[str, ...] | None:
    """("a", "b", "c") for `a.b.c` or `a["b"].c`; None when not a plain dotted read."""
    parts: list[str] = []
    current = node
    while True:
        if isinstance(current, nodes.Getattr):
            parts.append(current.attr)
            current = current.node
        elif isinstance(current, nodes.Getitem):
            if isinstance(current.arg, nodes.Const):
                parts.append(str(current.arg.value))
            else:
                parts.clear()  # a computed index: only the part before it is known
            current = current.node
        elif isinstance(current, nodes.Name) and current.ctx == "load":
            parts.append(current.name)
            return tuple(reversed(parts))
        else:
            return None
