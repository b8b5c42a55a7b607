"""A real headless Chromium for the page tests (Debian's chromium driven by Playwright).

Without them the page tests skip; `.ci/run` installs both and sets CHATGW_REQUIRE_BROWSER=1,
so that a missing browser fails CI instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


# Per module, not per session: Playwright's sync API keeps an event loop running in this thread
# while it is open, and tests elsewhere call asyncio.run().
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    required = bool(os.environ.get("CHATGW_REQUIRE_BROWSER"))
    if CHROMIUM is None:
        if required:
            raise RuntimeError("chromium is not installed: apt-get install chromium")
        pytest.skip("chromium is not installed")
    if required:
        import playwright.sync_api as driver_api
    else:
        driver_api = pytest.importorskip("playwright.sync_api")
    with driver_api.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where a test writes its screenshots: docs/img/ (the README's) with CHATGW_SCREENSHOTS=1."""
    folder = ROOT / "docs" / "img" if os.environ.get("CHATGW_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder
