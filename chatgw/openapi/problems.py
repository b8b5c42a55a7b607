"""`SpecProblem`: something wrong in the product's spec that chatgw reads around, with its place.

Codes are stable (the compiler turns them into warnings at the spec's file:line):

- `ref-missing`: a `$ref` points at nothing in the spec (read as any value, or as absent)
- `ref-external`: a `$ref` points at another file (bundle the spec into one)
- `ref-loop`: a `$ref` chain or a schema returns to itself with no property or item in between
- `operation-id-duplicate`: two operations share an operationId (the first one wins)
- `path-parameter-undeclared`: a `{name}` in the path template has no `in: path` parameter
- `parameter-invalid`: a parameter without a name or with an unknown `in`, skipped
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SpecProblem"]


@dataclass(frozen=True, slots=True)
class SpecProblem:
    """One problem: `pointer` is the JSON pointer of the offending node ("/paths/~1x/get/...");
    `line` and `column` (1-based) are its place in the spec file, when it could be found."""

    code: str
    message: str
    pointer: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        return self.message
