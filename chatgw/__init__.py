"""chatgw: a declarative action gateway for customer-support chat.

The public surface is small; everything else lives in sub-packages. Names are imported on
first use (PEP 562), so `chatgw validate` does not pay for the server or the NLU engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "ChatgwError",
    "CompileError",
    "CompileResult",
    "ConfigError",
    "Diagnostic",
    "Engine",
    "ProjectPlan",
    "RenderError",
    "SpecError",
    "UpstreamError",
    "compile_project",
    "create_app",
    "load_project",
    "load_sources",
    "load_spec",
]

_HOMES = {
    "ChatgwError": "chatgw.errors",
    "CompileError": "chatgw.errors",
    "CompileResult": "chatgw.compiler",
    "ConfigError": "chatgw.errors",
    "Diagnostic": "chatgw.compiler",
    "Engine": "chatgw.engine",
    "ProjectPlan": "chatgw.compiler.plans",
    "RenderError": "chatgw.errors",
    "SpecError": "chatgw.errors",
    "UpstreamError": "chatgw.errors",
    "compile_project": "chatgw.compiler",
    "create_app": "chatgw.server",
    "load_project": "chatgw.compiler",
    "load_sources": "chatgw.config.loader",
    "load_spec": "chatgw.openapi.loader",
}

if TYPE_CHECKING:
    from chatgw.compiler import CompileResult, Diagnostic, compile_project, load_project
    from chatgw.compiler.plans import ProjectPlan
    from chatgw.config.loader import load_sources
    from chatgw.engine import Engine
    from chatgw.errors import ChatgwError, CompileError, ConfigError, RenderError, SpecError, UpstreamError
    from chatgw.openapi.loader import load_spec
    from chatgw.server import create_app


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'chatgw' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
