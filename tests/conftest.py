"""Fixtures shared by every test package."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from tests import postgres
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


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[postgres.Cluster]:
    """A real PostgreSQL server for the session (tests/postgres.py)."""
    bin_dir = postgres.binaries()
    missing = "PostgreSQL binaries (initdb, pg_ctl)" if bin_dir is None else None
    try:
        import psycopg  # noqa: F401
    except ImportError:
        missing = missing or "the psycopg driver (pip install 'chatgw[postgres]')"
    if missing:
        if os.environ.get(postgres.REQUIRE):
            pytest.fail(f"{postgres.REQUIRE} is set but {missing} are not available")
        pytest.skip(f"no {missing}: the PostgreSQL variants of the tests are skipped")
    assert bin_dir is not None
    cluster = postgres.Cluster(bin_dir)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store: a SQLite file, then a database on the session's real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/chat.db"
    return request.getfixturevalue("postgres_cluster").database()
