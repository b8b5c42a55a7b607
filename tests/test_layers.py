"""The layer rules of ARCHITECTURE.md, checked on every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "chatgw"

# layer -> layers it must never import
FORBIDDEN = {
    "runtime": {"config", "engine", "server", "store", "cli", "nlu"},
    "nlu": {"config", "engine", "server", "store", "cli", "runtime"},
    "engine": {"config", "server", "store", "cli"},
    "compiler": {"engine", "nlu", "runtime", "store", "server", "cli"},
    "config": {"engine", "nlu", "runtime", "store", "server", "cli"},
    "openapi": {"engine", "nlu", "runtime", "store", "server", "cli", "config"},
    "store": {"engine", "nlu", "runtime", "server", "cli", "compiler", "config", "openapi"},
    "server": {"cli"},
    "demo": {"cli"},
    "testing": {"cli"},
    "scaffold": {"cli"},
    # Any layer formats replies with it, so it stands on none of them.
    "formats": {"config", "compiler", "openapi", "engine", "nlu", "runtime", "store", "server", "cli", "demo", "testing", "scaffold"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("chatgw."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[1] for alias in node.names if alias.name.startswith("chatgw."))
    return found


def test_no_layer_imports_a_layer_above_it():
    broken = []
    for layer, forbidden in FORBIDDEN.items():
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            for imported in sorted(_imports(path) & forbidden):
                broken.append(f"{path.relative_to(PACKAGE.parent)} imports chatgw.{imported}")
    assert broken == []
