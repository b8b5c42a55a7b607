"""The compiler: our YAML files + the OpenAPI spec -> immutable plans and diagnostics.

config/ uses `Diagnostic` from here while `project` uses config/, so the compiling functions
are imported on first use: a config module imported first must not meet a half-made package.
"""

from typing import TYPE_CHECKING, Any

from chatgw.compiler.diagnostics import CODES, Diagnostic

if TYPE_CHECKING:
    from chatgw.compiler.project import CompileResult, compile_project, load_project

__all__ = ["CODES", "CompileResult", "Diagnostic", "compile_project", "load_project"]

_FROM_PROJECT = frozenset({"CompileResult", "compile_project", "load_project"})


def __getattr__(name: str) -> Any:
    if name in _FROM_PROJECT:
        from chatgw.compiler import project

        return getattr(project, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
