"""Turn a compiled call and the conversation's values into a checked, ready-to-send request.

Order matters: render every template, coerce each value to the type the spec declares,
validate the whole request against the operation, and only then build the URL and headers.
A request that fails any step raises RenderError with a plain reason and is never sent.
Credentials are not added here: they belong to the sender, after any preview is made.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Mapping

from yarl import URL

from chatgw.compiler.plans import CallPlan, UpstreamPlan
from chatgw.errors import RenderError
from chatgw.openapi.model import Operation, Parameter
from chatgw.runtime import encode
from chatgw.runtime.coerce import coerce
from chatgw.runtime.redact import redact_headers
from chatgw.runtime.render import render_value
from chatgw.runtime.validate import check

IDEMPOTENCY_HEADER = "Idempotency-Key"
# POST and PATCH are the methods a blind repeat could apply twice; each request of theirs
# carries a key so the upstream can recognise a repeat (and so HttpSender may retry them).
_KEYED_METHODS = frozenset({"POST", "PATCH"})
_IDEMPOTENCY_LOWER = IDEMPOTENCY_HEADER.lower()
_OMITTED = object()  # a body field whose template rendered to nothing


@dataclass(frozen=True, slots=True)
class PreparedRequest:
    """A validated request, without credentials; what a preview shows and a sender sends."""

    method: str
    url: str
    headers: Mapping[str, str]
    body: Any
    media_type: str | None
    operation: str  # operationId, else "METHOD /path"
    idempotency_key: str | None = None
    spec: Operation | None = field(default=None, repr=False, compare=False)  # for MockSender

    def preview(self) -> dict[str, Any]:
        """The request as the turn object shows it: method, url, headers, body; no credentials."""
        return {
            "method": self.method,
            "url": self.url,
            "headers": redact_headers(self.headers),
            "body": copy.deepcopy(self.body),
        }

    @property
    def content(self) -> bytes | None:
        """The body encoded for its media type."""
        return encode.body_bytes(self.body, self.media_type)


def prepare_request(
    call: CallPlan, upstream: UpstreamPlan, context: Mapping[str, Any], *, idempotency_key: str | None = None
) -> PreparedRequest:
    """Render, coerce and validate `call`; RenderError (nothing to send) when it cannot be.

    A POST or PATCH carries `idempotency_key` (one the template set wins; a random one when
    neither is given, for callers that do not name their runs).
    """
    operation = call.operation
    path_values = _parameters(call.path, "path", operation, context)
    query_values = _parameters(call.query, "query", operation, context)
    header_values = _parameters(call.headers, "header", operation, context)
    supplied = {"path": path_values, "query": query_values, "header": header_values}
    _check_parameters(operation, supplied)
    body, media_type = _body(call, operation, context)

    url = _join(upstream.base_url, _path(operation, path_values), _query(operation, query_values))
    headers = _headers(header_values, media_type if body is not None else None)
    if operation.method in _KEYED_METHODS:
        given = next((v for k, v in headers.items() if k.lower() == _IDEMPOTENCY_LOWER), None)
        idempotency_key = given or idempotency_key or str(uuid.uuid4())
        if given is None:
            headers[IDEMPOTENCY_HEADER] = idempotency_key
    else:
        idempotency_key = None

    return PreparedRequest(
        method=operation.method,
        url=url,
        headers=MappingProxyType(headers),
        body=body,
        media_type=media_type if body is not None else None,
        operation=operation.operation_id or operation.key,
        idempotency_key=idempotency_key,
        spec=operation,
    )


def _parameters(
    templates: Mapping[str, Any], location: str, operation: Operation, context: Mapping[str, Any]
) -> dict[str, Any]:
    values = {}
    for name, template in templates.items():
        value = render_value(template, context)
        if value is None:
            continue  # nothing to send: an optional slot left empty
        parameter = _declared(operation, location, name)
        values[name] = coerce(value, parameter.schema) if parameter else value
    return values


def _check_parameters(operation: Operation, supplied: Mapping[str, Mapping[str, Any]]) -> None:
    for parameter in operation.parameters:
        values = supplied.get(parameter.location)
        if values is None:
            continue  # cookies: a call plan has no way to set one
        name = _supplied_name(values, parameter)
        if name is None:
            if parameter.required and not _is_idempotency_header(parameter, operation):
                raise RenderError(f"{parameter.name} is required")
            continue
        _raise_if(check(values[name], parameter.schema, parameter.name))


def _body(
    call: CallPlan, operation: Operation, context: Mapping[str, Any]
) -> tuple[Any, str | None]:
    spec = operation.request_body
    if call.body is None:
        if spec is not None and spec.required:
            raise RenderError("the request needs a body")
        return None, None
    body = _render_body(call.body, context)
    if body is _OMITTED:
        if spec is not None and spec.required:
            raise RenderError("the request needs a body")
        return None, None
    if spec is None:
        return body, "application/json"
    if not encode.supported(spec.media_type):
        raise RenderError(f"request bodies of type {spec.media_type} are not supported")
    body = coerce(body, spec.schema)
    _raise_if(check(body, spec.schema, root="the request body"))
    if spec.media_type == encode.FORM and not isinstance(body, Mapping):
        raise RenderError("a form body must be an object")
    return body, spec.media_type


def _render_body(tree: Any, context: Mapping[str, Any]) -> Any:
    # A template that yields nothing leaves its field out; a literal null stays null.
    if isinstance(tree, Mapping):
        rendered = {key: _render_body(value, context) for key, value in tree.items()}
        return {key: value for key, value in rendered.items() if value is not _OMITTED}
    if isinstance(tree, (list, tuple)):
        items = [_render_body(value, context) for value in tree]
        return [item for item in items if item is not _OMITTED]
    value = render_value(tree, context)
    if value is None and isinstance(tree, str):
        return _OMITTED
    return value


def _path(operation: Operation, values: Mapping[str, Any]) -> str:
    template = operation.path if operation.path.startswith("/") else "/" + operation.path
    parameters = {p.name: p for p in operation.parameters if p.location == "path"}
    return encode.expand_path(template, values, parameters)


def _query(operation: Operation, values: Mapping[str, Any]) -> list[str]:
    return [
        pair
        for name, value in values.items()
        for pair in encode.query_pairs(name, value, operation.parameter(name, "query"))
    ]


def _headers(values: Mapping[str, Any], media_type: str | None) -> dict[str, str]:
    headers = {"Accept": "application/json"}
    if media_type is not None:
        headers["Content-Type"] = media_type
    for name, value in values.items():
        for existing in [key for key in headers if key.lower() == name.lower()]:
            del headers[existing]
        headers[name] = encode.header_value(name, value)
    return headers


def _join(base_url: str, path: str, query: list[str]) -> str:
    url = base_url.split("?", 1)[0].split("#", 1)[0].rstrip("/") + path
    if query:
        url += "?" + "&".join(query)
    # Belt and braces: whatever a value held, the request goes to the configured origin.
    if not within_upstream(url, base_url):
        raise RenderError("the request would leave the configured upstream")
    return url


def within_upstream(url: str, base_url: str) -> bool:
    """Whether `url` goes to the origin (scheme, host, port) of the configured `base_url`."""
    return _origin(url) == _base_origin(base_url)


def _origin(url: str) -> tuple[str, str, int | None]:
    # Parsed as the sender sends it (yarl, encoded as is): one parser decides where it goes.
    parsed = URL(url, encoded=True)
    return parsed.scheme, parsed.host or "", parsed.port


@lru_cache(maxsize=64)
def _base_origin(base_url: str) -> tuple[str, str, int | None]:
    return _origin(base_url)  # one per configured upstream: parsed once, not on every turn


def _declared(operation: Operation, location: str, name: str) -> Parameter | None:
    if location != "header":
        return operation.parameter(name, location)
    lowered = name.lower()
    headers = (p for p in operation.parameters if p.location == "header")
    return next((p for p in headers if p.name.lower() == lowered), None)


def _supplied_name(values: Mapping[str, Any], parameter: Parameter) -> str | None:
    if parameter.location != "header":
        return parameter.name if parameter.name in values else None
    return next((key for key in values if key.lower() == parameter.name.lower()), None)


def _is_idempotency_header(parameter: Parameter, operation: Operation) -> bool:
    return (
        parameter.location == "header"
        and parameter.name.lower() == _IDEMPOTENCY_LOWER
        and operation.method in _KEYED_METHODS
    )


def _raise_if(reason: str | None) -> None:
    if reason is not None:
        raise RenderError(reason)
