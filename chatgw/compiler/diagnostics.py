"""Diagnostics: one frozen record per finding, and the registry of stable codes.

Codes never change meaning once published; docs/diagnostics.md documents each one and a
test checks that every code below is documented.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

# code -> (short name, default severity)
CODES: dict[str, tuple[str, Severity]] = {
    # CGW1xx: our files and YAML
    "CGW101": ("yaml-syntax", "error"),
    "CGW102": ("env-unset", "error"),
    "CGW103": ("unknown-key", "error"),
    "CGW104": ("invalid-value", "error"),
    "CGW105": ("missing-key", "error"),
    "CGW106": ("file-not-found", "error"),
    "CGW107": ("duplicate-key", "error"),
    "CGW108": ("action-kind", "error"),
    "CGW109": ("no-actions", "warning"),
    "CGW110": ("model-folder", "error"),
    "CGW111": ("actions-folder", "error"),
    "CGW112": ("llm-settings", "error"),
    # CGW2xx: binding to the OpenAPI operation
    "CGW201": ("unknown-operation", "error"),
    "CGW202": ("unknown-parameter", "error"),
    "CGW203": ("missing-parameter", "error"),
    "CGW204": ("missing-body-field", "error"),
    "CGW205": ("unknown-body-field", "error"),
    "CGW206": ("value-mismatch", "error"),
    "CGW207": ("body-not-accepted", "error"),
    "CGW208": ("spec-problem", "warning"),
    # CGW3xx: templates and slots
    "CGW301": ("template-syntax", "error"),
    "CGW302": ("undefined-name", "error"),
    "CGW303": ("unknown-response-field", "error"),
    "CGW304": ("unused-slot", "warning"),
    "CGW305": ("invalid-slot", "error"),
    "CGW306": ("invalid-reply-key", "error"),
    "CGW307": ("unknown-filter", "error"),
    "CGW308": ("optional-response-field", "warning"),
    "CGW309": ("invalid-filter-argument", "error"),
    "CGW310": ("sandbox-refused", "error"),
    # CGW4xx: intents
    "CGW401": ("too-few-examples", "warning"),
    "CGW402": ("shared-example", "warning"),
    "CGW403": ("placeholder-example", "warning"),
    "CGW404": ("invalid-pattern", "error"),
    "CGW405": ("overlapping-actions", "warning"),
    # CGW5xx: safety
    "CGW501": ("literal-secret", "error"),
    "CGW502": ("unconfirmed-change", "warning"),
    "CGW503": ("identity-from-message", "warning"),
    "CGW504": ("identity-unused", "warning"),
    "CGW505": ("id-without-identity", "warning"),
    "CGW506": ("approval-without-change", "warning"),
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding, located in a file; rendered later by a formatter."""

    code: str
    message: str
    file: str
    line: int = 1
    column: int = 1
    hint: str | None = None
    severity: Severity = "error"
    end_line: int | None = None
    end_column: int | None = None

    @property
    def name(self) -> str:
        return CODES[self.code][0]

    def one_line(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity} {self.code} {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


def diagnostic(
    code: str,
    message: str,
    where: "Location",
    hint: str | None = None,
    severity: Severity | None = None,
) -> Diagnostic:
    """Build a diagnostic at a location, with the code's default severity."""
    return Diagnostic(
        code=code,
        message=message,
        file=where.file,
        line=where.line,
        column=where.column,
        hint=hint,
        severity=severity or CODES[code][1],
    )


@dataclass(frozen=True, slots=True)
class Location:
    """A place in one of our files; lines and columns count from 1."""

    file: str
    line: int = 1
    column: int = 1
