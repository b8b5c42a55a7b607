"""`Spec`: operation lookup over a parsed OpenAPI 3.x document, building operations lazily."""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator, Mapping

from chatgw.errors import SpecError
from chatgw.openapi._locate import locate
from chatgw.openapi._resolve import Resolver
from chatgw.openapi.model import Operation, Parameter, RequestBody, Response
from chatgw.openapi.problems import SpecProblem

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_LOCATIONS = ("path", "query", "header", "cookie")
_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"
_TEMPLATE_NAMES = re.compile(r"\{([^{}]+)\}")


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
        self._located: dict[SpecProblem, SpecProblem] = {}
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
        """The messages of `findings`, one line each."""
        return tuple(problem.message for problem in self._resolver.problems.values())

    @property
    def findings(self) -> tuple[SpecProblem, ...]:
        """Problems of the spec met so far, located in the spec file where it can be read.

        Duplicate operationIds are found on load; broken references, reference loops and
        undeclared path parameters as operations are built (lazily, so only those in use).
        """
        found = tuple(self._resolver.problems.values())
        missing = [problem for problem in found if problem not in self._located]
        if missing:
            self._locate(missing)
        return tuple(self._located[problem] for problem in found)

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
            item = self._resolver.resolve(item, _pointer("paths", path))
            if not isinstance(item, Mapping):
                continue
            for method in _METHODS:
                operation = item.get(method)
                if not isinstance(operation, Mapping):
                    continue
                key = f"{method.upper()} {path}"
                self._items[key] = (str(path), method)
                operation_id = operation.get("operationId")
                if not isinstance(operation_id, str):
                    continue
                first = self._ids.setdefault(operation_id, key)  # the first of duplicates wins
                if first != key:
                    self._resolver.record(
                        "operation-id-duplicate",
                        f"operationId '{operation_id}' of {key} is also {first}'s; "
                        f"'{operation_id}' means {first}, give each operation its own id",
                        _pointer("paths", path, method, "operationId"),
                    )

    def _key(self, ref: str) -> str | None:
        method, _, path = ref.strip().partition(" ")
        key = f"{method.upper()} {path.strip()}"
        return key if key in self._items else None

    # -- building ---------------------------------------------------------------------------

    def _build(self, key: str) -> Operation:
        path, method = self._items[key]
        item = self._resolver.resolve(self._document["paths"][path], _pointer("paths", path))
        operation = item[method]
        at = _pointer("paths", path, method)
        security = operation.get("security", self._document.get("security"))
        tags = operation.get("tags")
        parameters = self._parameters(key, item.get("parameters"), operation.get("parameters"), _pointer("paths", path), at)
        self._check_path_template(key, path, parameters, at)
        return Operation(
            method=method.upper(),
            path=path,
            operation_id=_text(operation.get("operationId")),
            parameters=parameters,
            request_body=self._request_body(operation.get("requestBody"), f"{at}/requestBody"),
            responses=self._responses(operation.get("responses"), f"{at}/responses"),
            tags=tuple(str(tag) for tag in tags) if isinstance(tags, list) else (),
            summary=_text(operation.get("summary")),
            description=_text(operation.get("description")),
            deprecated=operation.get("deprecated") is True,
            security=_security_names(security),
        )

    def _parameters(self, key: str, shared: Any, own: Any, item_at: str, at: str) -> tuple[Parameter, ...]:
        merged: dict[tuple[str, str], Parameter] = {}
        listed = [
            *((raw, f"{item_at}/parameters/{index}") for index, raw in enumerate(shared if isinstance(shared, list) else ())),
            *((raw, f"{at}/parameters/{index}") for index, raw in enumerate(own if isinstance(own, list) else ())),
        ]
        for raw, where in listed:
            parameter = self._parameter(key, raw, where)
            if parameter is None:
                continue
            merged[(parameter.name, parameter.location)] = parameter  # the operation's wins
        return tuple(merged.values())

    def _parameter(self, key: str, raw: Any, at: str) -> Parameter | None:
        found = self._resolver.resolve(raw, at)
        if not isinstance(found, Mapping):
            return None  # a broken $ref, already recorded
        if found is not raw:
            at = _ref_pointer(raw)
        raw = found
        name, location = raw.get("name"), raw.get("in")
        if not isinstance(name, str) or location not in _LOCATIONS:
            self._resolver.record(
                "parameter-invalid",
                f"{key}: parameter {name!r} is skipped: `in` is {location!r}, not path, query, header or cookie",
                at,
            )
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
            schema=self._resolver.schema(schema if schema is not None else {}, f"{at}/schema"),
            description=_text(raw.get("description")),
            style=_text(raw.get("style")),
            explode=explode if isinstance(explode, bool) else None,
        )

    def _check_path_template(self, key: str, path: str, parameters: tuple[Parameter, ...], at: str) -> None:
        declared = {parameter.name for parameter in parameters if parameter.location == "path"}
        for name in _TEMPLATE_NAMES.findall(path):
            if name not in declared:
                self._resolver.record(
                    "path-parameter-undeclared",
                    f"{key}: path parameter '{name}' is not declared; add "
                    f"{{name: {name}, in: path, required: true, schema: {{type: string}}}} to its parameters",
                    at,
                )

    def _request_body(self, raw: Any, at: str) -> RequestBody | None:
        found = self._resolver.resolve(raw, at)
        if not isinstance(found, Mapping):
            return None
        if found is not raw:
            at = _ref_pointer(raw)
        raw = found
        content = raw.get("content")
        media_type = _body_media_type(content) if isinstance(content, Mapping) else None
        if media_type is None:
            return None
        media = content[media_type]
        schema = media.get("schema") if isinstance(media, Mapping) else None
        return RequestBody(
            required=raw.get("required") is True,
            media_type=media_type,
            schema=self._resolver.schema(schema if schema is not None else {}, at + _pointer("content", media_type, "schema")),
        )

    def _responses(self, raw: Any, at: str) -> dict[str, Response]:
        responses: dict[str, Response] = {}
        for code, response in (raw.items() if isinstance(raw, Mapping) else ()):
            status = str(code)  # YAML reads an unquoted 200 as an int
            if status.startswith("x-"):
                continue
            where = at + _pointer(status)
            found = self._resolver.resolve(response, where)
            responses[status] = self._response(status, found, where if found is response else _ref_pointer(response))
        return responses

    def _response(self, status: str, raw: Any, at: str) -> Response:
        raw = raw if isinstance(raw, Mapping) else {}
        content = raw.get("content")
        media_type = _json_media_type(content) if isinstance(content, Mapping) else None
        media = content[media_type] if media_type is not None else None
        schema = example = None
        if isinstance(media, Mapping):
            if media.get("schema") is not None:
                schema = self._resolver.schema(media["schema"], at + _pointer("content", media_type, "schema"))
            example = self._media_example(media, at + _pointer("content", media_type))
        return Response(
            status=status, description=_text(raw.get("description")), schema=schema, example=example
        )

    def _media_example(self, media: Mapping[str, Any], at: str) -> Any:
        if "example" in media:
            return media["example"]
        examples = media.get("examples")
        if isinstance(examples, Mapping):
            for name, example in examples.items():
                example = self._resolver.resolve(example, at + _pointer("examples", name))
                if isinstance(example, Mapping) and "value" in example:
                    return example["value"]
        return None


    def _locate(self, problems: list[SpecProblem]) -> None:
        """Give each problem its line and column in the spec file (read again, on demand)."""
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            text = None
        is_json = self.path.suffix.lower() == ".json" or (text or "").lstrip().startswith("{")
        for problem in problems:
            where = locate(text, problem.pointer, is_json=is_json) if text is not None else None
            self._located[problem] = replace(problem, line=where[0], column=where[1]) if where else problem


def _pointer(*tokens: Any) -> str:
    """A JSON pointer from its tokens: _pointer("paths", "/a/{id}") == "/paths/~1a~1{id}"."""
    return "".join("/" + str(token).replace("~", "~0").replace("/", "~1") for token in tokens)


def _ref_pointer(node: Mapping[str, Any]) -> str:
    """Where a `$ref` object's target is, as a pointer (a chain's first step)."""
    ref = str(node.get("$ref", ""))
    return ref[1:] if ref.startswith("#") else ref


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
