"""On-disk cache of parsed spec documents, keyed by the sha256 of the file's bytes.

Parsing a large YAML spec takes a good part of a second; unpickling it takes milliseconds. The
cache is an optimisation only: any failure to read or write it falls back to parsing.
"""

from __future__ import annotations

import io
import logging
import pickle
from pathlib import Path
from typing import Any

from chatgw.cachefiles import default_cache_dir, write_atomically

__all__ = ["DocumentCache", "default_cache_dir"]

log = logging.getLogger(__name__)

# Bump when parsing changes what a document holds, so older cache files are simply not found.
_FORMAT = 1


class DocumentCache:
    """Parsed documents in `directory`, one pickle per content hash."""

    def __init__(self, directory: Path | None) -> None:
        self._directory = directory

    def file(self, digest: str) -> Path | None:
        """Where the document of `digest` is (or would be) stored."""
        if self._directory is None:
            return None
        return self._directory / f"spec-{digest}.v{_FORMAT}.pickle"

    def get(self, digest: str) -> Any | None:
        """The cached document, or None on a miss or any problem with the cache file."""
        file = self.file(digest)
        if file is None:
            return None
        try:
            data = file.read_bytes()
        except OSError:
            return None
        try:
            stored_digest, document = _DataOnlyUnpickler(io.BytesIO(data)).load()
        except Exception as exc:  # noqa: BLE001 - a truncated or foreign pickle can raise anything
            log.debug("ignoring unreadable spec cache %s: %r", file, exc)
            return None
        return document if stored_digest == digest else None

    def put(self, digest: str, document: Any) -> None:
        """Store `document`; failures are logged and otherwise ignored."""
        file = self.file(digest)
        if file is None:
            return
        try:
            data = pickle.dumps((digest, document), protocol=pickle.HIGHEST_PROTOCOL)
            write_atomically(file, lambda out: out.write(data))
        except (OSError, pickle.PicklingError, RecursionError, TypeError) as exc:
            log.debug("could not write spec cache %s: %r", file, exc)


class _DataOnlyUnpickler(pickle.Unpickler):
    """Refuses every class: a cached document is plain dicts, lists and scalars, so a cache
    file that names a class was not written by us and must not run code."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"unexpected class {module}.{name} in spec cache")
