"""Does a response of the running Acme API conform to `schemas/acme.openapi.yaml`?

Read straight from the file (not through `chatgw.demo`), so the check is independent of the
code under test. openapi-core validates status, content type and body, with every documented
property required; `undocumented()` adds the other direction: no property the spec does not
document. Statuses the spec's operations do not declare (see UNDECLARED) must still carry the
spec's Error body.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any, Iterator

import httpx
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.testing import MockRequest, MockResponse
from openapi_schema_validator import OAS30Validator

SPEC_PATH = Path(__file__).resolve().parents[2] / "schemas" / "acme.openapi.yaml"

# Refusals every operation can give although the spec does not list them per operation:
# a bad token, a body that is not JSON, a request that fails the spec's own validation.
UNDECLARED = {401, 415, 422}


@cache
def raw_spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_PATH.read_text())


@cache
def openapi() -> OpenAPI:
    return OpenAPI.from_file_path(str(SPEC_PATH), config=Config(response_properties_default_policy="required"))


def operations() -> Iterator[tuple[str, str, str]]:
    """(operationId, METHOD, path template) of every operation in the spec."""
    for template, item in raw_spec()["paths"].items():
        for method, operation in item.items():
            if method in ("get", "put", "post", "delete", "patch", "head", "options", "trace"):
                yield operation["operationId"], method.upper(), template


def operation(operation_id: str) -> dict[str, Any]:
    for template, item in raw_spec()["paths"].items():
        for method, candidate in item.items():
            if isinstance(candidate, dict) and candidate.get("operationId") == operation_id:
                return candidate
    raise KeyError(operation_id)


def check(response: httpx.Response) -> None:
    """Fail (AssertionError) unless `response` is one the spec allows for its request."""
    request = response.request
    response.read()
    if request.url.path == "/openapi.yaml":
        return  # the spec itself, served beside the API it describes
    mock_request = MockRequest(
        _server_url(), request.method.lower(), request.url.path,
        args=dict(request.url.params), headers=dict(request.headers),
    )
    mock_response = MockResponse(
        response.content, status_code=response.status_code,
        headers=dict(response.headers), content_type=response.headers.get("content-type", ""),
    )
    where = f"{request.method} {request.url.path} -> {response.status_code}"
    try:
        openapi().validate_response(mock_request, mock_response)
    except (PathNotFound, OperationNotFound):
        assert response.status_code in (404, 405), f"{where}: not an operation of the spec"
        _check_error(response, where)
        return
    except ResponseNotFound:
        assert response.status_code in UNDECLARED, f"{where}: the spec declares no such status"
        _check_error(response, where)
        return
    except Exception as error:
        raise AssertionError(f"{where}: {error}") from None
    schema = _response_schema(request.method, request.url.path, response.status_code)
    extra = undocumented(response.json(), schema)
    assert not extra, f"{where}: undocumented properties {extra}"


def undocumented(value: Any, schema: dict[str, Any], where: str = "body") -> list[str]:
    """Locations in `value` of object properties that `schema` does not document."""
    schema = _resolve(schema)
    parts = [_resolve(part) for part in schema.get("allOf", [])] or [schema]
    if isinstance(value, dict):
        properties: dict[str, Any] = {}
        for part in parts:
            properties.update(part.get("properties", {}))
        found = []
        for name, item in value.items():
            if name not in properties:
                found.append(f"{where}.{name}")
            else:
                found += undocumented(item, properties[name], f"{where}.{name}")
        return found
    if isinstance(value, list) and "items" in schema:
        return [extra for i, item in enumerate(value) for extra in undocumented(item, schema["items"], f"{where}[{i}]")]
    return []


def _check_error(response: httpx.Response, where: str) -> None:
    assert response.headers.get("content-type") == "application/json", where
    body = response.json()
    error_schema = raw_spec()["components"]["schemas"]["Error"]
    problems = [error.message for error in OAS30Validator(error_schema).iter_errors(body)]
    problems += undocumented(body, error_schema)
    assert not problems, f"{where}: not the spec's Error shape: {problems}"


def _response_schema(method: str, path: str, status: int) -> dict[str, Any]:
    for template, item in raw_spec()["paths"].items():
        if re.fullmatch(re.sub(r"\{[^/}]+\}", "[^/]+", template), path) and method.lower() in item:
            declared = _resolve(item[method.lower()]["responses"][str(status)])
            return declared["content"]["application/json"]["schema"]
    raise AssertionError(f"{method} {path}: no operation")


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = raw_spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _server_url() -> str:
    return raw_spec()["servers"][0]["url"]
