"""Templates that only look values up (`{{ slots.project_id }}`, "Project {{ slots.id }} made
{{ response.body.requests }} requests"), answered without Jinja.

Most templates of a call and its reply are just that, and Jinja builds a whole template
context for each render: ~15 us a template, several templates a turn. A lookup that finds
every name gives what Jinja would (the sandbox reads a mapping's key before any attribute,
and prints a value as `str` of it, None as nothing); anything else (a missing name, a
filter, a test, a value that is not a mapping on the way) is left to Jinja, which also
words the errors.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Mapping

__all__ = ["MARKERS", "MISSING", "lookup", "path_of", "pieces_of", "render_pieces"]

MISSING = object()  # the lookup did not find everything: ask Jinja

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_PATH = re.compile(rf"\s*({_NAME}(?:\.{_NAME})*)\s*")
_OUTPUT = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
MARKERS = ("{{", "}}", "{%", "%}", "{#", "#}")  # what makes text a template
# Words Jinja reads as constants or operators, never as names.
_RESERVED = frozenset({"true", "false", "none", "True", "False", "None", "and", "or", "not", "in", "is", "if", "else"})

Piece = str | tuple[str, ...]  # literal text, or the path of a value to print


@lru_cache(maxsize=2048)
def path_of(expression: str) -> tuple[str, ...] | None:
    """The names of a dotted-name expression (`slots.project_id`), or None for anything else."""
    found = _PATH.fullmatch(expression)
    if found is None:
        return None
    path = tuple(found.group(1).split("."))
    return None if path[0] in _RESERVED else path


@lru_cache(maxsize=2048)
def pieces_of(template: str) -> tuple[Piece, ...] | None:
    """A template as literal text and dotted-name outputs, or None when it holds anything else.

    Left to Jinja too: text with a carriage return or ending in a newline (Jinja rewrites the
    one and drops the other) and `{{-` / `-}}` (whitespace control)."""
    if "\r" in template or template.endswith("\n"):
        return None
    pieces: list[Piece] = []
    at = 0
    for found in _OUTPUT.finditer(template):
        literal = template[at : found.start()]
        path = path_of(found.group(1))
        if path is None or any(marker in literal for marker in MARKERS):
            return None
        if literal:
            pieces.append(literal)
        pieces.append(path)
        at = found.end()
    rest = template[at:]
    if any(marker in rest for marker in MARKERS):
        return None
    if rest:
        pieces.append(rest)
    return tuple(pieces)


def lookup(path: tuple[str, ...], context: Mapping[str, Any]) -> Any:
    """The value at `path`, every step a key of a mapping; MISSING where one is not."""
    value: Any = context
    for name in path:
        if not isinstance(value, Mapping) or name not in value:
            return MISSING
        value = value[name]
    return value


def render_pieces(pieces: tuple[Piece, ...], context: Mapping[str, Any]) -> str | object:
    """The text of `pieces`, or MISSING when a value is not found."""
    parts = []
    for piece in pieces:
        if isinstance(piece, str):
            parts.append(piece)
            continue
        value = lookup(piece, context)
        if value is MISSING:
            return MISSING
        parts.append("" if value is None else str(value))
    return "".join(parts)
