from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _spec_cache(spec_cache: Path) -> Path:
    """Every command run by a CLI test keeps its spec cache in the test's own folder."""
    return spec_cache
