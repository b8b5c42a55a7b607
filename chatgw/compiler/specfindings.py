"""Problems of the product's spec (`Spec.findings`) as CGW208 warnings at the spec's file:line.

chatgw reads around them (a broken `$ref` is taken as any value, the first of two operations
with one operationId wins), so they do not stop a deployment; but each one can hide a check,
so each is reported where the spec's owner can fix it.
"""

from __future__ import annotations

import os
from pathlib import Path

from chatgw.compiler.diagnostics import Diagnostic, Location, diagnostic
from chatgw.openapi.loader import Spec

_HINTS = {
    "ref-missing": "fix the $ref, or add the schema it names; until then chatgw cannot check what it stands for",
    "ref-external": "bundle the spec into one file (e.g. `redocly bundle`), so chatgw can follow the $ref",
    "ref-loop": "a schema that only refers to itself describes nothing; give it properties or items",
    "operation-id-duplicate": "give each operation its own operationId; actions naming this one get the first",
    "path-parameter-undeclared": "declare the parameter with `in: path`, so actions can fill it",
    "parameter-invalid": "give the parameter a name and an `in:` of path, query, header or cookie",
}


def spec_findings(spec: Spec, root: Path) -> list[Diagnostic]:
    """One warning per problem met while compiling (only what the actions reach is looked at)."""
    file = Path(os.path.relpath(spec.path, root)).as_posix()  # diagnostics name files relative to chatgw.yaml
    return [
        diagnostic(
            "CGW208",
            f"the spec: {problem.message}",
            Location(file, problem.line or 1, problem.column or 1),
            hint=_HINTS.get(problem.code, "fix it in the spec"),
        )
        for problem in spec.findings
    ]
