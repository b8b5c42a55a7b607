"""The compiler: our YAML files + the OpenAPI spec -> immutable plans and diagnostics."""

from chatgw.compiler.diagnostics import CODES, Diagnostic
from chatgw.compiler.project import CompileResult, compile_project, load_project

__all__ = ["CODES", "CompileResult", "Diagnostic", "compile_project", "load_project"]
