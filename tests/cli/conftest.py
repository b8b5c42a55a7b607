from __future__ import annotations

import socket
from pathlib import Path
from typing import Iterator

import pytest


@pytest.fixture(autouse=True)
def _spec_cache(spec_cache: Path) -> Path:
    """Every command run by a CLI test keeps its spec cache in the test's own folder."""
    return spec_cache


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port something else is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]
