"""Loading an OpenAPI 3.0/3.1 spec (YAML or JSON) into a `Spec`, with a parse cache (parsing: `_parse`)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Mapping

from chatgw.errors import SpecError
from chatgw.openapi._cache import DocumentCache, default_cache_dir
from chatgw.openapi._parse import parse_document as _parse
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
