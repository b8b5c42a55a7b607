"""`Spec`: operation lookup over a parsed OpenAPI 3.x document, building operations lazily."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, Iterator, Mapping

from chatgw.errors import SpecError
from chatgw.openapi._resolve import Resolver
from chatgw.openapi.model import Operation, Parameter, RequestBody, Response

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_LOCATIONS = ("path", "query", "header", "cookie")
_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"


class Spec:
    """A loaded OpenAPI 3.0/3.1 spec. Operations are built (inlined, normalised) on first use."""

    def __init__(self, path: Path, document: Mapping[str, Any]) -> None:
        self.path = path
        self.version = str(document.get("openapi", ""))
        info = document.get("info")
        self.title = str(info.get("title") or "") if isinstance(info, Mapping) else ""
        servers = document.get("servers")
        self.servers = tuple(
            _server_url(server)
            for server in (servers if isinstance(servers, list) else ())
            if isinstance(server, Mapping) and isinstance(server.get("url"), str)
        )
        self._document = document
        self._resolver = Resolver(document)
        self._items: dict[str, tuple[str, str]] = {}  # "GET /path" -> (path, method)
        self._ids: dict[str, str] = {}  # operationId -> "GET /path"
        self._built: dict[str, Operation] = {}
        self._index()

    def operation(self, ref: str) -> Operation | None:
        """The operation named by operationId or `METHOD /path`, or None if there is none."""
        key = self._ids.get(ref) or self._key(ref)
        if key is None:
            return None
        operation = self._built.get(key)
        if operation is None:
            operation = self._built[key] = self._build(key)
        return operation

    def operations(self) -> Iterator[Operation]:
        """Every operation, in the order of the spec."""
        for key in self._items:
            operation = self.operation(key)
            if operation is not None:
                yield operation

    def suggest(self, ref: str, limit: int = 3) -> list[str]:
        """OperationIds or `METHOD /path` keys close to `ref`, best first, for "did you mean"."""
        looks_like_key = " " in ref.strip() or ref.strip().startswith("/")
        candidates = list(self._items) if looks_like_key else list(self._ids)
        by_folded = {candidate.casefold(): candidate for candidate in candidates}
        folded = ref.strip().casefold()
        if looks_like_key and folded.startswith("/"):
            # A bare path: offer the operations on it before fuzzy matches.
            exact = [key for key in candidates if key.split(" ", 1)[1].casefold() == folded]
            if exact:
                return exact[:limit]
        matches = difflib.get_close_matches(folded, list(by_folded), n=limit, cutoff=0.6)
        return [by_folded[match] for match in matches]

    @property
    def problems(self) -> tuple[str, ...]:
        """Broken references and malformed parts met so far (operations are built lazily), each
        read as absent or as `{}`; one line each, for warnings."""
        return tuple(self._resolver.problems)

    def __repr__(self) -> str:
        return f"Spec({str(self.path)!r}, version={self.version!r}, operations={len(self._items)})"

    # -- index and lookup -------------------------------------------------------------------

    def _index(self) -> None:
        # Only names are collected here; nothing is resolved until an operation is asked for,
        # so a spec with thousands of operations loads in the time it takes to list them.
        paths = self._document.get("paths") or {}
        if not isinstance(paths, Mapping):
            raise SpecError(f"{self.path}: `paths` must be a mapping of path -> operations")
        for path, item in paths.items():
            item = self._resolver.resolve(item)
            if not isinstance(item, Mapping):
                continue
            for method in _METHODS:
                operation = item.get(method)
                if not isinstance(operation, Mapping):
                    continue
                key = f"{method.upper()} {path}"
                self._items[key] = (str(path), method)
                operation_id = operation.get("operationId")
                if isinstance(operation_id, str):
                    self._ids.setdefault(operation_id, key)  # the first of duplicates wins

    def _key(self, ref: str) -> str | None:
        method, _, path = ref.strip().partition(" ")
        key = f"{method.upper()} {path.strip()}"
        return key if key in self._items else None

    # -- building ---------------------------------------------------------------------------

    def _build(self, key: str) -> Operation:
        path, method = self._items[key]
        item = self._resolver.resolve(self._document["paths"][path])
        operation = item[method]
        security = operation.get("security", self._document.get("security"))
        tags = operation.get("tags")
        return Operation(
            method=method.upper(),
            path=path,
            operation_id=_text(operation.get("operationId")),
            parameters=self._parameters(key, item.get("parameters"), operation.get("parameters")),
            request_body=self._request_body(operation.get("requestBody")),
            responses=self._responses(operation.get("responses")),
            tags=tuple(str(tag) for tag in tags) if isinstance(tags, list) else (),
            summary=_text(operation.get("summary")),
            description=_text(operation.get("description")),
            deprecated=operation.get("deprecated") is True,
            security=_security_names(security),
        )

    def _parameters(self, key: str, shared: Any, own: Any) -> tuple[Parameter, ...]:
        merged: dict[tuple[str, str], Parameter] = {}
        for raw in [*(shared if isinstance(shared, list) else ()), *(own if isinstance(own, list) else ())]:
            parameter = self._parameter(key, raw)
            if parameter is None:
                continue
            merged[(parameter.name, parameter.location)] = parameter  # the operation's wins
        return tuple(merged.values())

    def _parameter(self, key: str, raw: Any) -> Parameter | None:
        raw = self._resolver.resolve(raw)
        if not isinstance(raw, Mapping):
            return None  # a broken $ref, already recorded
        name, location = raw.get("name"), raw.get("in")
        if not isinstance(name, str) or location not in _LOCATIONS:
            self._resolver.problems[
                f"{key}: parameter {name!r} is skipped: `in` is {location!r}, "
                "not path, query, header or cookie"
            ] = None
            return None
        schema = raw.get("schema")
        if schema is None and isinstance(raw.get("content"), Mapping) and raw["content"]:
            media = next(iter(raw["content"].values()))
            schema = media.get("schema") if isinstance(media, Mapping) else None
        explode = raw.get("explode")
        return Parameter(
            name=name,
            location=location,
            # Path parameters are always required, whatever the spec forgot to say.
            required=raw.get("required") is True or location == "path",
            schema=self._resolver.schema(schema if schema is not None else {}),
            description=_text(raw.get("description")),
            style=_text(raw.get("style")),
            explode=explode if isinstance(explode, bool) else None,
        )

    def _request_body(self, raw: Any) -> RequestBody | None:
        raw = self._resolver.resolve(raw)
        if not isinstance(raw, Mapping):
            return None
        content = raw.get("content")
        media_type = _body_media_type(content) if isinstance(content, Mapping) else None
        if media_type is None:
            return None
        media = content[media_type]
        schema = media.get("schema") if isinstance(media, Mapping) else None
        return RequestBody(
            required=raw.get("required") is True,
            media_type=media_type,
            schema=self._resolver.schema(schema if schema is not None else {}),
        )

    def _responses(self, raw: Any) -> dict[str, Response]:
        responses: dict[str, Response] = {}
        for code, response in (raw.items() if isinstance(raw, Mapping) else ()):
            status = str(code)  # YAML reads an unquoted 200 as an int
            if status.startswith("x-"):
                continue
            responses[status] = self._response(status, self._resolver.resolve(response))
        return responses

    def _response(self, status: str, raw: Any) -> Response:
        raw = raw if isinstance(raw, Mapping) else {}
        content = raw.get("content")
        media_type = _json_media_type(content) if isinstance(content, Mapping) else None
        media = content[media_type] if media_type is not None else None
        schema = example = None
        if isinstance(media, Mapping):
            if media.get("schema") is not None:
                schema = self._resolver.schema(media["schema"])
            example = self._media_example(media)
        return Response(
            status=status, description=_text(raw.get("description")), schema=schema, example=example
        )

    def _media_example(self, media: Mapping[str, Any]) -> Any:
        if "example" in media:
            return media["example"]
        examples = media.get("examples")
        if isinstance(examples, Mapping):
            for example in examples.values():
                example = self._resolver.resolve(example)
                if isinstance(example, Mapping) and "value" in example:
                    return example["value"]
        return None


def _body_media_type(content: Mapping[str, Any]) -> str | None:
    """JSON first, then form, then multipart, else whatever comes first."""
    if not content:
        return None
    json_type = _json_media_type(content, wildcard=False)
    if json_type is not None:
        return json_type
    for wanted in (_FORM, _MULTIPART):
        for media_type in content:
            if _base(media_type) == wanted:
                return str(media_type)
    return str(next(iter(content)))


def _json_media_type(content: Mapping[str, Any], *, wildcard: bool = True) -> str | None:
    """application/json, else the first +json type, else (for responses) a wildcard type."""
    ranked = [
        (rank, position, str(media_type))
        for position, media_type in enumerate(content)
        if (rank := _json_rank(_base(media_type), wildcard)) is not None
    ]
    return min(ranked)[2] if ranked else None


def _json_rank(base: str, wildcard: bool) -> int | None:
    if base == "application/json":
        return 0
    if base.endswith("+json"):
        return 1
    if wildcard and base in ("*/*", "application/*"):  # springdoc labels JSON responses `*/*`
        return 2
    return None


def _base(media_type: Any) -> str:
    return str(media_type).split(";", 1)[0].strip().lower()


def _server_url(server: Mapping[str, Any]) -> str:
    """The server URL with its `{variables}` set to their defaults."""
    variables = server.get("variables")
    variables = variables if isinstance(variables, Mapping) else {}

    def default(match: re.Match[str]) -> str:
        variable = variables.get(match.group(1))
        if isinstance(variable, Mapping) and "default" in variable:
            return str(variable["default"])
        return match.group(0)

    return re.sub(r"\{([^{}]+)\}", default, server["url"])


def _security_names(security: Any) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for requirement in security if isinstance(security, list) else ():
        if isinstance(requirement, Mapping):
            names.update(dict.fromkeys(str(name) for name in requirement))
    return tuple(names)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
