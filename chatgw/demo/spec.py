"""The Acme API's contract: `schemas/acme.openapi.yaml`, and request validation against it.

The API validates every request with openapi-core against the file itself, so parameters,
bodies, patterns, enums and limits are exactly the spec's; there is no second copy of them in
Python models.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema.exceptions import ValidationError as SchemaError
from openapi_core import OpenAPI
from openapi_core.casting.schemas.exceptions import CastError
from openapi_core.contrib.starlette.requests import StarletteOpenAPIRequest
from openapi_core.deserializing.media_types.exceptions import MediaTypeDeserializeError
from openapi_core.templating.media_types.exceptions import MediaTypeNotFound
from openapi_core.validation.request.exceptions import (
    MissingRequestBodyError,
    MissingRequiredParameter,
    ParameterValidationError,
)
from openapi_core.validation.schemas.exceptions import InvalidSchemaValue
from starlette.requests import Request

from chatgw.demo.errors import AcmeError

ACME_SPEC_PATH = Path(__file__).resolve().parents[2] / "schemas" / "acme.openapi.yaml"


@dataclass(frozen=True, slots=True)
class Checked:
    """A request that passed the spec: its path, query and header parameters, and its body."""

    path: dict[str, Any]
    query: dict[str, Any]
    header: dict[str, Any]
    body: Any

    @property
    def customer_id(self) -> str:
        return str(self.header["X-Customer-Id"])


@lru_cache(maxsize=4)
def load_spec(path: Path) -> OpenAPI:
    """The spec at `path`, checked and ready to validate against (parsed once per process)."""
    return OpenAPI.from_file_path(str(path))


async def check_request(spec: OpenAPI, request: Request) -> Checked:
    """Validate `request` against its operation in `spec`; raise `AcmeError` (422, 415) if it fails."""
    body = await request.body()
    result = spec.unmarshal_request(_SpecRequest(spec, request, body or None))
    if result.errors:
        error = result.errors[0]
        if isinstance(error.__cause__, MediaTypeNotFound):
            raise AcmeError(415, "unsupported_media_type", "Send the request body as application/json.")
        raise AcmeError.invalid(_describe(error))
    parameters = result.parameters
    return Checked(dict(parameters.path), dict(parameters.query), dict(parameters.header), result.body)


class _SpecRequest(StarletteOpenAPIRequest):
    """A Starlette request as openapi-core sees it, addressed to the spec's own server.

    The spec names an absolute server URL; the demo may listen on any host and port, so the
    request is matched as if it had arrived there.
    """

    def __init__(self, spec: OpenAPI, request: Request, body: bytes | None) -> None:
        super().__init__(request, body)
        self._server = server_url(spec)

    @property
    def host_url(self) -> str:
        return self._server or super().host_url


def server_url(spec: OpenAPI) -> str | None:
    """The spec's first server URL when it is absolute (requests are matched against it)."""
    servers = spec.spec / "servers"
    if not servers.exists():
        return None
    url = (servers / 0 / "url").read_str()
    return url.rstrip("/") if "://" in url else None


def _describe(error: Exception) -> str:
    """A one-line message saying which part of the request is wrong, and how."""
    cause = error.__cause__
    if isinstance(error, MissingRequestBodyError):
        return "The request needs a JSON body."
    if isinstance(cause, MediaTypeDeserializeError):
        return "The request body is not valid JSON."
    if isinstance(error, MissingRequiredParameter):
        return f"Missing required {error.location} parameter {error.name}."
    where = f"{error.location} parameter {error.name}" if isinstance(error, ParameterValidationError) else "body"
    if isinstance(cause, CastError):
        return f"{where}: {cause.value!r} is not a valid {cause.type}."
    if isinstance(cause, InvalidSchemaValue):
        return "; ".join(f"{_location(where, problem)}: {problem.message}" for problem in cause.schema_errors)
    return str(error)


def _location(where: str, problem: SchemaError) -> str:
    return where + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in problem.absolute_path)
