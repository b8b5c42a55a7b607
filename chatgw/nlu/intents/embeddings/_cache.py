"""On-disk cache of a built embeddings engine: the example vectors and the trained head.

Keyed by a sha256 of everything they depend on (the encoder's model and tokenizer bytes, the
examples and their intents, the head's settings), so a changed example or model is simply not
found. Embedding a few thousand examples takes seconds on a small machine, and the
cross-validation that calibrates the head more; loading them back takes milliseconds, so
`serve` starts fast. Files are `.npz` of plain arrays, read without pickle. The cache is an
optimisation only: any failure to read or write it falls back to building.
"""

from __future__ import annotations

import hashlib
import json
import logging
import zipfile
from pathlib import Path

import numpy as np

from chatgw.cachefiles import default_cache_dir, write_atomically

log = logging.getLogger(__name__)

__all__ = ["HeadCache", "default_cache_dir", "key"]

# Bump when what a cache file holds or means changes, so older files are simply not found.
_FORMAT = 1


def key(*parts: object) -> str:
    """The sha256 of `parts` (JSON-serialisable), with the cache format."""
    text = json.dumps([_FORMAT, *parts], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class HeadCache:
    """Built engines in `directory`, one `.npz` per key."""

    def __init__(self, directory: Path | None) -> None:
        self._directory = directory

    def file(self, digest: str) -> Path | None:
        """Where the arrays of `digest` are (or would be) stored."""
        if self._directory is None:
            return None
        return self._directory / f"intents-{digest}.v{_FORMAT}.npz"

    def get(self, digest: str) -> dict[str, np.ndarray] | None:
        """The cached arrays, or None on a miss or any problem with the cache file."""
        file = self.file(digest)
        if file is None or not file.is_file():
            return None
        try:
            with np.load(file, allow_pickle=False) as stored:
                arrays = {name: stored[name] for name in stored.files}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
            log.debug("ignoring unreadable intent cache %s: %r", file, exc)
            return None
        found = arrays.pop("key", None)
        return arrays if found is not None and str(found) == digest else None

    def put(self, digest: str, arrays: dict[str, np.ndarray]) -> None:
        """Store `arrays`; failures are logged and otherwise ignored."""
        file = self.file(digest)
        if file is None:
            return
        try:
            write_atomically(file, lambda out: np.savez(out, key=np.asarray(digest), **arrays))
        except OSError as exc:
            log.debug("could not write intent cache %s: %r", file, exc)
