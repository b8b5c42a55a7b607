"""config/ and compiler/ use each other (Diagnostic one way, the models the other): every
module must still import first, on its own, in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "chatgw"
MODULES = sorted(
    ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
    for folder in ("config", "compiler")
    for path in (PACKAGE / folder).glob("*.py")
)
# Each import starts from no chatgw module at all (third-party ones stay, to keep it quick).
SCRIPT = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "chatgw" or m.startswith("chatgw.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except ImportError as error:
        failed.append(f"{name}: {error}")
print("\\n".join(failed))
"""


def test_imports_every_config_and_compiler_module_imports_first() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *MODULES], cwd=PACKAGE.parent, capture_output=True, text=True, timeout=120
    )

    assert len(MODULES) > 10
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "", "")
