from __future__ import annotations

from typing import Iterator

import pytest

from tests.upstream import Upstream, serve


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    """A real HTTP server on 127.0.0.1 that records requests and answers as told."""
    with serve() as server:
        yield server
