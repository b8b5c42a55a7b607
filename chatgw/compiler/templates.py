"""Static analysis of Jinja templates: syntax, and the dotted names each one reads.

The compiler checks every name against what exists where the template is used (declared
slots, identity claims, earlier steps, the response schema), so a typo fails CI instead of
a customer's conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment

_ENV = SandboxedEnvironment()
_GLOBALS = frozenset(_ENV.globals) | {"loop", "self", "caller", "varargs", "kwargs", "true", "false", "none"}


@dataclass(frozen=True, slots=True)
class Reference:
    """A dotted name read by a template: ("response", "body", "key_suffix")."""

    parts: tuple[str, ...]
    line: int  # line inside the template, from 1

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    error: str | None  # syntax error message
    error_line: int
    references: tuple[Reference, ...]


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
        return TemplateInfo(error=error.message or "syntax error", error_line=error.lineno or 1, references=())
    local = _local_names(tree)
    found: list[Reference] = []
    _collect(tree, local, found)
    return TemplateInfo(error=None, error_line=0, references=tuple(found))


def _local_names(tree: nodes.Node) -> set[str]:
    names: set[str] = set()
    for node in tree.find_all((nodes.Name,)):
        if node.ctx in ("store", "param"):
            names.add(node.name)
    return names


def _collect(node: nodes.Node, local: set[str], found: list[Reference]) -> None:
    chain = _chain(node)
    if chain is not None:
        root = chain[0]
        if root not in local and root not in _GLOBALS:
            found.append(Reference(parts=chain, line=node.lineno or 1))
        if isinstance(node, nodes.Getitem):
            _collect(node.arg, local, found)
        return
    for child in node.iter_child_nodes():
        _collect(child, local, found)


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
