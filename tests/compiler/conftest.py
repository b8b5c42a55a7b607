from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chatgw.compiler import CompileResult, compile_project
from tests.compiler.rulecases import CompileFiles
from tests.projects import write_shop


@pytest.fixture
def compile_files(tmp_path: Path) -> CompileFiles:
    """Compile a small project against the shop spec: `compile_files({"actions/x.yaml": "..."})`."""

    def run(files: dict[str, Any], env: dict[str, str] | None = None) -> CompileResult:
        config = write_shop(tmp_path / "project", files)
        return compile_project(config, environ=env or {}, cache_dir=tmp_path / "cache")

    return run
