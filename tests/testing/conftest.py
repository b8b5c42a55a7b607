from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Callable

import pytest

from chatgw.compiler import load_project
from chatgw.compiler.plans import ProjectPlan
from chatgw.testing import Case, SuiteResult, load_cases, run_suite

REPO = Path(__file__).resolve().parents[2]

LoadText = Callable[[str], list[Case]]
RunText = Callable[..., SuiteResult]


@pytest.fixture(scope="session")
def acme(tmp_path_factory: pytest.TempPathFactory) -> ProjectPlan:
    """The repo's example deployment, compiled once."""
    return load_project(REPO / "chatgw.yaml", environ={}, cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture
def load_text(tmp_path: Path, acme: ProjectPlan) -> LoadText:
    """Load the conversations of one test file written with `text`."""

    def load(text: str) -> list[Case]:
        path = tmp_path / "tests" / "conversations" / "suite.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return load_cases([path], tmp_path, actions={action.name for action in acme.actions})

    return load


@pytest.fixture
def run_text(load_text: LoadText, acme: ProjectPlan) -> RunText:
    """Run the conversations of one test file against the example deployment."""

    def run(text: str, *, mock: bool = False) -> SuiteResult:
        return asyncio.run(run_suite(acme, load_text(text), mock=mock))

    return run
