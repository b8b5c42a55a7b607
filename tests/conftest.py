"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests.upstream import Upstream, serve


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    """A real HTTP server on 127.0.0.1 that records requests and answers as told."""
    with serve() as server:
        yield server


@pytest.fixture
def spec_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the parsed-spec cache of every run (in process or not) inside the test's folder."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    return cache
