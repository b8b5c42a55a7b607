"""Serialise parameter and body values onto the wire: path segments, query, headers, forms.

Every function returns text that is already percent-encoded where it goes into the URL, so
a value can never add a path segment, climb with `..`, start a new query parameter, or
smuggle a header line.
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping
from urllib.parse import quote, urlencode

from chatgw.errors import RenderError
from chatgw.openapi.model import Parameter

_PLACEHOLDER = re.compile(r"\{([^{}/]+)\}")
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
FORM = "application/x-www-form-urlencoded"


def text(value: Any) -> str:
    """A scalar as the text an HTTP API expects: `true`, `2000`, `2.5`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def expand_path(
    template: str, values: Mapping[str, Any], parameters: Mapping[str, Parameter]
) -> str:
    """The operation's path with each `{name}` replaced by exactly one encoded segment."""

    def segment(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values or values[name] is None:
            raise RenderError(f"{name} is required")
        parameter = parameters.get(name)
        encoded = _path_value(values[name], parameter.explode if parameter else None)
        if encoded in ("", ".", ".."):
            raise RenderError(f"{name} must not be empty, '.' or '..'")
        return encoded

    return _PLACEHOLDER.sub(segment, template)


def query_pairs(name: str, value: Any, parameter: Parameter | None) -> list[str]:
    """`name=value` items, already encoded, in the parameter's style (form by default)."""
    style = (parameter.style if parameter else None) or "form"
    explode = parameter.explode if parameter and parameter.explode is not None else style == "form"
    key = _q(name)
    if style == "deepObject" and isinstance(value, Mapping):
        return [f"{_q(k)}={_q(v)}" for k, v in flatten(value, name)]
    if isinstance(value, Mapping):
        if explode:
            return [f"{_q(k)}={_q(text(v))}" for k, v in value.items() if v is not None]
        joined = ",".join(f"{_q(k)},{_q(text(v))}" for k, v in value.items() if v is not None)
        return [f"{key}={joined}"]
    if isinstance(value, (list, tuple)):
        items = [_q(text(item)) for item in value if item is not None]
        if explode and style == "form":
            return [f"{key}={item}" for item in items]
        delimiter = {"spaceDelimited": "%20", "pipeDelimited": "%7C"}.get(style, ",")
        return [f"{key}={delimiter.join(items)}"]
    return [f"{key}={_q(text(value))}"]


def header_value(name: str, value: Any) -> str:
    """A header value as text; line breaks and non-ASCII are refused, never sent."""
    if not _TOKEN.fullmatch(name):
        raise RenderError(f"header name {name!r} is not a valid HTTP header name")
    if isinstance(value, (list, tuple)):
        rendered = ",".join(text(item) for item in value)
    elif isinstance(value, Mapping):
        rendered = ",".join(f"{k},{text(v)}" for k, v in value.items())
    else:
        rendered = text(value)
    if any(char in rendered for char in "\r\n\0"):
        raise RenderError(f"header {name} must not contain line breaks")
    if not rendered.isascii() or not rendered.isprintable():
        raise RenderError(f"header {name} must be plain ASCII text")
    return rendered.strip()


def flatten(value: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Nested objects as `a[b][c]=v` pairs, the way Stripe- and Twilio-style APIs read forms.

    Lists of scalars repeat the key: plain `a=1&a=2` at the top level (OpenAPI's default for
    form bodies, what Twilio reads), `a[b][]=1` inside an object; lists of objects are
    indexed, `items[0][price]=...`.
    """
    pairs: list[tuple[str, str]] = []
    _flatten(pairs, prefix, value)
    return pairs


def body_bytes(body: Any, media_type: str | None) -> bytes | None:
    """The encoded body for `media_type` (JSON, form or text)."""
    if body is None or media_type is None:
        return None
    if is_json(media_type):
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    if media_type == FORM:
        return urlencode(flatten(body)).encode()
    return text(body).encode()


def is_json(media_type: str) -> bool:
    return media_type.endswith("/json") or media_type.endswith("+json")


def supported(media_type: str) -> bool:
    return is_json(media_type) or media_type == FORM or media_type.startswith("text/")


def _flatten(pairs: list[tuple[str, str]], key: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, Mapping):
        for name, item in value.items():
            _flatten(pairs, f"{key}[{name}]" if key else str(name), item)
        return
    if isinstance(value, (list, tuple)):
        if all(not isinstance(item, (Mapping, list, tuple)) for item in value):
            repeated = key if "[" not in key else f"{key}[]"
            pairs.extend((repeated, text(item)) for item in value if item is not None)
            return
        for index, item in enumerate(value):
            _flatten(pairs, f"{key}[{index}]", item)
        return
    pairs.append((key, text(value)))


def _path_value(value: Any, explode: bool | None) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(_q(text(item)) for item in value)
    if isinstance(value, Mapping):
        joiner = "=" if explode else ","
        return ",".join(f"{_q(k)}{joiner}{_q(text(v))}" for k, v in value.items())
    return _q(text(value))


def _q(value: str) -> str:
    return quote(value, safe="")
