"""Where chatgw keeps its caches, and how a cache file is written so no reader sees half of it.

Used by the spec cache (`openapi/_cache.py`) and the intent-engine cache
(`nlu/intents/embeddings/_cache.py`); like `errors.py`, any layer may import it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = ["default_cache_dir", "write_atomically"]


def default_cache_dir() -> Path | None:
    """`$XDG_CACHE_HOME/chatgw`, else `~/.cache/chatgw`; None when there is no home."""
    base = os.environ.get("XDG_CACHE_HOME")
    if base:
        return Path(base) / "chatgw"
    try:
        return Path.home() / ".cache" / "chatgw"
    except RuntimeError:
        return None


def write_atomically(file: Path, write: Callable[[BinaryIO], None]) -> None:
    """Create `file` with what `write` puts into a binary stream: a temporary file, then a rename.

    Raises OSError (and whatever `write` raises); the temporary file never stays behind.
    """
    file.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        os.replace(temporary, file)
    except BaseException:
        os.unlink(temporary)
        raise
