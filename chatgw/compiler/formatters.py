"""Rendering diagnostics: one small formatter class per output format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar, Sequence

from chatgw.compiler.diagnostics import CODES, Diagnostic


class Formatter:
    """Turns diagnostics plus a summary into text for one output format."""

    name: ClassVar[str]

    def __init__(self, root: Path) -> None:
        self.root = root

    def render(self, diagnostics: Sequence[Diagnostic], actions: int) -> str:
        raise NotImplementedError


class TextFormatter(Formatter):
    """Like ruff: the location line, the source line and a caret, then the hint."""

    name = "text"

    def render(self, diagnostics: Sequence[Diagnostic], actions: int) -> str:
        sources: dict[str, list[str] | None] = {}  # each file read once, however many findings
        blocks = [self._one(d, sources) for d in diagnostics]
        errors, warnings = _counts(diagnostics)
        if diagnostics:
            summary = f"Found {errors} error(s) and {warnings} warning(s) in {actions} action(s)."
        else:
            summary = f"All checks passed: {actions} action(s) compiled."
        return "\n\n".join([*blocks, summary]) + "\n"

    def _one(self, d: Diagnostic, sources: dict[str, list[str] | None]) -> str:
        lines = [d.one_line()]
        if d.file not in sources:
            sources[d.file] = _read_lines(self.root / d.file)
        found = sources[d.file]
        source = found[d.line - 1] if found is not None and 0 < d.line <= len(found) else None
        if source is not None and CODES[d.code][0] == "literal-secret":
            # The finding is that a secret is written here: point at it, never print it.
            source = source[: d.column - 1] + "<secret not shown>"
        if source is not None:
            number = str(d.line)
            lines.append(f"{' ' * len(number)} |")
            lines.append(f"{number} | {source}")
            lines.append(f"{' ' * len(number)} | {' ' * (d.column - 1)}^")
        if d.hint:
            lines.append(f"  = help: {d.hint}")
        return "\n".join(lines)


class JsonFormatter(Formatter):
    """The object DESIGN.md section 3 specifies."""

    name = "json"

    def render(self, diagnostics: Sequence[Diagnostic], actions: int) -> str:
        errors, warnings = _counts(diagnostics)
        payload = {
            "diagnostics": [d.as_dict() for d in diagnostics],
            "summary": {"errors": errors, "warnings": warnings, "actions": actions},
        }
        return json.dumps(payload, indent=2) + "\n"


class GithubFormatter(Formatter):
    """GitHub Actions workflow commands: annotations on the pull request's files.

    Paths are relative to the working directory (the checkout, in CI), not to the config's
    folder, so annotations land on the right file when chatgw.yaml lives in a subfolder.
    """

    name = "github"

    def render(self, diagnostics: Sequence[Diagnostic], actions: int) -> str:
        lines = []
        for d in diagnostics:
            level = "error" if d.severity == "error" else "warning"
            message = f"{d.code} {d.message}" + (f" ({d.hint})" if d.hint else "")
            lines.append(
                f"::{level} file={_escape_property(_from_workdir(self.root, d.file))},line={d.line},col={d.column},"
                f"title={d.code}::{_escape_data(message)}"
            )
        return "".join(line + "\n" for line in lines)


class SarifFormatter(Formatter):
    """SARIF 2.1.0, for code-scanning dashboards; paths as for GitHub annotations."""

    name = "sarif"

    def render(self, diagnostics: Sequence[Diagnostic], actions: int) -> str:
        used = sorted({d.code for d in diagnostics})
        rules = [
            {
                "id": code,
                "name": CODES[code][0],
                "helpUri": f"docs/diagnostics.md#{code.lower()}",
                "defaultConfiguration": {"level": CODES[code][1]},
            }
            for code in used
        ]
        results = [
            {
                "ruleId": d.code,
                "level": d.severity,
                "message": {"text": d.message + (f" ({d.hint})" if d.hint else "")},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": _from_workdir(self.root, d.file)},
                            "region": {"startLine": d.line, "startColumn": d.column},
                        }
                    }
                ],
            }
            for d in diagnostics
        ]
        payload = {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{"tool": {"driver": {"name": "chatgw", "rules": rules}}, "results": results}],
        }
        return json.dumps(payload, indent=2) + "\n"


FORMATTERS: dict[str, type[Formatter]] = {f.name: f for f in (TextFormatter, JsonFormatter, GithubFormatter, SarifFormatter)}


def _counts(diagnostics: Sequence[Diagnostic]) -> tuple[int, int]:
    errors = sum(1 for d in diagnostics if d.severity == "error")
    return errors, len(diagnostics) - errors


def _read_lines(path: Path) -> list[str] | None:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None


def _from_workdir(root: Path, file: str) -> str:
    """`file` (relative to the config's folder) relative to the working directory, when below it."""
    try:
        return (root / file).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return file


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
