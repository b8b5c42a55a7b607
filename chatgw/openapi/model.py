"""What the rest of chatgw sees of an OpenAPI operation: plain frozen records.

Schemas are kept as the spec's own dicts (JSON Schema objects, possibly holding `$ref`s);
`chatgw.openapi.schema` walks them, resolving references through the `Spec`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

ParameterLocation = Literal["path", "query", "header", "cookie"]


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    location: ParameterLocation
    required: bool
    schema: Mapping[str, Any]
    description: str | None = None
    style: str | None = None
    explode: bool | None = None


@dataclass(frozen=True, slots=True)
class RequestBody:
    required: bool
    media_type: str  # "application/json", "application/x-www-form-urlencoded", ...
    schema: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Response:
    status: str  # "200", "2XX" or "default", as the spec writes it
    description: str | None
    schema: Mapping[str, Any] | None  # JSON content schema, if any
    example: Any = None


@dataclass(frozen=True, slots=True)
class Operation:
    method: str  # upper case: GET, POST, ...
    path: str  # the templated path, "/projects/{project_id}/keys"
    operation_id: str | None
    parameters: tuple[Parameter, ...]  # path-level parameters merged in, operation wins
    request_body: RequestBody | None
    responses: Mapping[str, Response]
    tags: tuple[str, ...] = ()
    summary: str | None = None
    description: str | None = None
    deprecated: bool = False
    security: tuple[str, ...] = field(default=())

    @property
    def key(self) -> str:
        """`METHOD /path`, the form an action may use instead of the operationId."""
        return f"{self.method} {self.path}"

    @property
    def changes_state(self) -> bool:
        return self.method in {"POST", "PUT", "PATCH", "DELETE"}

    def parameter(self, name: str, location: ParameterLocation) -> Parameter | None:
        for parameter in self.parameters:
            if parameter.name == name and parameter.location == location:
                return parameter
        return None

    def success_response(self) -> Response | None:
        """The first 2xx response (by code), then `2XX`, then `default`."""
        codes = sorted(code for code in self.responses if code.isdigit() and code.startswith("2"))
        for code in [*codes, "2XX", "2xx", "default"]:
            if code in self.responses:
                return self.responses[code]
        return None
