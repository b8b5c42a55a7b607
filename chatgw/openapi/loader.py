"""Loading an OpenAPI 3.0/3.1 spec (YAML or JSON) into a `Spec`, with a parse cache."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Mapping

import yaml

from chatgw.errors import SpecError
from chatgw.openapi._cache import DocumentCache, default_cache_dir
from chatgw.openapi._spec import Spec

__all__ = ["Spec", "load_spec"]


def load_spec(path: Path, *, cache_dir: Path | None = None) -> Spec:
    """Read the spec at `path`; SpecError (one line) if it is missing, malformed or not OpenAPI 3.

    The parsed document is cached in `cache_dir` (default `$XDG_CACHE_HOME/chatgw`) under the
    sha256 of the file's content, so an unchanged spec is not parsed twice.
    """
    path = Path(path)
    raw = _read(path)
    digest = hashlib.sha256(raw).hexdigest()
    cache = DocumentCache(cache_dir if cache_dir is not None else default_cache_dir())
    document = cache.get(digest)
    if document is None:
        document = _parse(raw, path)
        _check(document, path)
        cache.put(digest, document)
    else:
        _check(document, path)
    return Spec(path, document)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SpecError(f"OpenAPI spec {path} does not exist; check the `openapi:` path") from None
    except IsADirectoryError:
        raise SpecError(f"OpenAPI spec {path} is a folder; point `openapi:` at the spec file") from None
    except OSError as exc:
        raise SpecError(f"cannot read OpenAPI spec {path}: {exc.strerror}") from None


def _parse(raw: bytes, path: Path) -> Any:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(f"{path} is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8") from None
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        try:
            return json.loads(text)  # several times faster than YAML on JSON input
        except json.JSONDecodeError as exc:
            if path.suffix.lower() == ".json":
                raise SpecError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    try:
        return yaml.load(text, Loader=_SpecLoader)  # noqa: S506 - a safe loader, see below
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = " ".join(str(exc.problem or exc.context or "syntax error").split())
        raise SpecError(f"{where}: invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise SpecError(f"{path}: invalid YAML: {' '.join(str(exc).split())}") from None


def _check(document: Any, path: Path) -> None:
    """Refuse anything that is not an OpenAPI 3.x document, saying what it is instead."""
    if not isinstance(document, Mapping):
        kind = type(document).__name__ if document is not None else "empty"
        raise SpecError(f"{path} is not an OpenAPI document: its top level is {kind}, not a mapping")
    if "swagger" in document:
        raise SpecError(
            f"{path} is Swagger {document['swagger']}, not OpenAPI 3; convert it "
            "(e.g. `npx swagger2openapi`) and point `openapi:` at the result"
        )
    version = document.get("openapi")
    if version is None:
        raise SpecError(f"{path} is not an OpenAPI document: it has no top-level `openapi:` version")
    if not str(version).startswith("3."):
        raise SpecError(f"{path} is OpenAPI {version}; chatgw reads OpenAPI 3.0 and 3.1 only")


# The C loader when PyYAML was built with libyaml (much faster on large specs). Resolution is
# narrowed towards YAML 1.2 / JSON: dates stay strings and only true/false are booleans, so an
# example `2024-05-01` or an enum value `no` reaches the schema as the spec author wrote it.
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SpecLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    pass


_SpecLoader.yaml_implicit_resolvers = {
    first: [
        (tag, pattern)
        for tag, pattern in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_SpecLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
