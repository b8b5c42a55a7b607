"""Jinja rendering in a sandbox: text templates, native-typed leaves and `when:` tests.

Templates are the operator's; the values in the context (slots, identity claims, upstream
responses) are data and are never parsed as template source, so a customer typing
`{{ 7*7 }}` gets exactly that text sent. Undefined names are errors, not empty strings.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, Mapping

from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.runtime import Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from chatgw import formats
from chatgw.errors import RenderError
from chatgw.runtime._lookups import MARKERS, MISSING, lookup, path_of, pieces_of, render_pieces


# What one render may make. Jinja's sandbox bounds `range()` but not arithmetic or output:
# `{{ 9**9**9 }}` would compute for hours and `{{ "a" * 10**10 }}` take 10 GB, on every turn.
MAX_OUTPUT = 100_000  # characters a template renders to
_MAX_BITS = 4096  # of a number `**` makes
_MAX_ITEMS = 100_000  # of a text or list `*` repeats


class _Environment(ImmutableSandboxedEnvironment):
    """The sandbox, with data first: `response.body.items` is the field, not `dict.items`;
    and `**` and `*` refuse results too large to compute."""

    intercepted_binops = frozenset({"**", "*"})

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, Mapping) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and _huge_power(left, right) or operator == "*" and _huge_repeat(left, right):
            raise SecurityError(f"the result of {operator} is too large")
        return super().call_binop(context, operator, left, right)


def _huge_power(base: Any, exponent: Any) -> bool:
    if not (_whole(base) and _whole(exponent)) or exponent <= 0 or abs(base) <= 1:
        return False  # floats overflow to an error by themselves
    return exponent * abs(base).bit_length() > _MAX_BITS


def _huge_repeat(left: Any, right: Any) -> bool:
    for items, times in ((left, right), (right, left)):
        if isinstance(items, (str, list, tuple)) and _whole(times) and len(items) * times > _MAX_ITEMS:
            return True
    return False


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _finalize(value: Any) -> Any:
    return "" if value is None else value  # an empty optional slot prints as nothing, not "None"


_ENV = _Environment(undefined=StrictUndefined, autoescape=False, finalize=_finalize)
formats.install(_ENV)  # datetime, number, money, ... (chatgw/formats): what validate knows


def render_text(template: str, context: Mapping[str, Any]) -> str:
    """Render a template to text; RenderError with a plain reason when it cannot be."""
    pieces = pieces_of(template)
    if pieces is not None:
        text = render_pieces(pieces, context)
        if text is not MISSING:
            if len(text) > MAX_OUTPUT:  # type: ignore[arg-type]
                raise _too_long()
            return text  # type: ignore[return-value]
    compiled = _template(template)
    return _guard(lambda: _bounded(compiled, context))


def _bounded(compiled: Template, context: Mapping[str, Any]) -> str:
    """The rendered text, given up as soon as it passes MAX_OUTPUT (a loop of loops)."""
    parts: list[str] = []
    size = 0
    for part in compiled.generate(context):
        size += len(part)
        if size > MAX_OUTPUT:
            raise _too_long()
        parts.append(part)
    return "".join(parts)


def _too_long() -> RenderError:
    return RenderError(f"template output is longer than {MAX_OUTPUT} characters")


def render_value(template: Any, context: Mapping[str, Any]) -> Any:
    """Render one leaf: `"{{ expr }}"` alone keeps the native type, other strings become text.

    Anything that is not a string (numbers, booleans, None written in YAML) is a literal.
    """
    if not isinstance(template, str):
        return template
    expression = _lone_expression(template)
    if expression is not None:
        return evaluate(expression, context)
    if not any(marker in template for marker in MARKERS):
        return template
    return render_text(template, context)


def render_tree(tree: Any, context: Mapping[str, Any]) -> Any:
    """Render every leaf of a nested structure of dicts, lists and templates."""
    if isinstance(tree, Mapping):
        return {key: render_tree(value, context) for key, value in tree.items()}
    if isinstance(tree, (list, tuple)):
        return [render_tree(item, context) for item in tree]
    return render_value(tree, context)


def evaluate(expression: str, context: Mapping[str, Any]) -> Any:
    """Evaluate a Jinja expression (the body of `{{ ... }}`, or a `when:`) to a Python value."""
    path = path_of(expression)
    if path is not None:
        value = lookup(path, context)
        if value is not MISSING:
            return _guard(lambda: _plain(value))
    compiled = _expression(expression.strip())
    return _guard(lambda: _plain(compiled(**context)))


def is_true(expression: str, context: Mapping[str, Any]) -> bool:
    """Whether a `when:` expression holds; undefined names are errors, not false."""
    value = evaluate(expression, context)
    return _guard(lambda: bool(value))


@lru_cache(maxsize=2048)
def _template(source: str) -> Template:
    try:
        return _ENV.from_string(source)
    except TemplateSyntaxError as error:
        raise RenderError(f"template syntax error: {error.message}") from None


@lru_cache(maxsize=2048)
def _expression(source: str) -> Callable[..., Any]:
    try:
        return _ENV.compile_expression(source, undefined_to_none=False)
    except TemplateSyntaxError as error:
        raise RenderError(f"expression syntax error in '{source}': {error.message}") from None


def _plain(value: Any) -> Any:
    """Plain JSON-like data: lists for ranges and tuples, text for anything exotic."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, Undefined):
        str(value)  # StrictUndefined raises only when used; a bare undefined name returns one
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset, range)):
        return [_plain(item) for item in value]
    return str(value)


def _lone_expression(template: str) -> str | None:
    stripped = template.strip()
    if not (stripped.startswith("{{") and stripped.endswith("}}")):
        return None
    inner = stripped[2:-2]
    if inner.startswith("-"):
        inner = inner[1:]
    if inner.endswith("-"):
        inner = inner[:-1]
    if any(marker in inner for marker in MARKERS) or not inner.strip():
        return None
    return inner


def _guard(thunk: Callable[[], Any]) -> Any:
    try:
        return thunk()
    except UndefinedError as error:
        reason = _undefined_reason(error)
        raise RenderError(f"template uses something that is not defined: {reason}") from None
    except SecurityError:
        raise RenderError("template tried something the sandbox does not allow") from None
    except TemplateError as error:
        raise RenderError(f"template error: {error.message or type(error).__name__}") from None
    except (TypeError, ValueError, ArithmeticError, LookupError) as error:
        raise RenderError(f"template error: {type(error).__name__}") from None


def _undefined_reason(error: UndefinedError) -> str:
    # Jinja says "'dict object' has no attribute 'x'" or "'x' is undefined"; both name only
    # the template's own identifiers, never a value.
    message = error.message or "undefined value"
    message = message.replace("'dict object' has no attribute", "no field")
    return message.replace("'None' has no attribute", "an empty value has no field")
