"""Rendering diagnostics: one small formatter class per output format."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import ClassVar, Sequence

from chatgw.compiler.diagnostics import CODES, Diagnostic


class Formatter:
    """Turns diagnostics plus a summary into text for one output format.

    Every format shows a file as `shown_path` does (relative to the working directory), so
    the text a developer reads and the annotations CI places name the same path.
    """

    name: ClassVar[str]

    def __init__(self, root: Path) -> None:
        self.root = root

    def render(self, diagnostics: Sequence[Diagnostic], actions: int) -> str:
        raise NotImplementedError

    def shown(self, d: Diagnostic) -> Diagnostic:
        """`d` with its file as shown to the user."""
        return replace(d, file=shown_path(self.root, d.file))


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
        lines = [self.shown(d).one_line()]
        if d.file not in sources:
            sources[d.file] = _read_lines(self.root / d.file)
        found = sources[d.file]
        source = found[d.line - 1] if found is not None and 0 < d.line <= len(found) else None
        if source is not None and CODES[d.code][0] == "literal-secret":
            # The finding is that a secret is written here: point at it, never print it.
            source = source[: d.column - 1] + "<secret not shown>"
        if source is not None:
            number = str(d.line)
            shown, caret = _window(source, d.column)
            lines.append(f"{' ' * len(number)} |")
            lines.append(f"{number} | {shown}")
            lines.append(f"{' ' * len(number)} | {' ' * caret}^")
        if d.hint:
            lines.append(f"  = help: {d.hint}")
        return "\n".join(lines)


class JsonFormatter(Formatter):
    """The object DESIGN.md section 3 specifies."""

    name = "json"

    def render(self, diagnostics: Sequence[Diagnostic], actions: int) -> str:
        errors, warnings = _counts(diagnostics)
        payload = {
            "diagnostics": [self.shown(d).as_dict() for d in diagnostics],
            "summary": {"errors": errors, "warnings": warnings, "actions": actions},
        }
        return json.dumps(payload, indent=2) + "\n"


class GithubFormatter(Formatter):
    """GitHub Actions workflow commands: annotations on the pull request's files."""

    name = "github"

    def render(self, diagnostics: Sequence[Diagnostic], actions: int) -> str:
        lines = []
        for d in diagnostics:
            level = "error" if d.severity == "error" else "warning"
            message = f"{d.code} {d.message}" + (f" ({d.hint})" if d.hint else "")
            lines.append(
                f"::{level} file={_escape_property(shown_path(self.root, d.file))},line={d.line},col={d.column},"
                f"title={d.code}::{_escape_data(message)}"
            )
        return "".join(line + "\n" for line in lines)


class SarifFormatter(Formatter):
    """SARIF 2.1.0, for code-scanning dashboards."""

    name = "sarif"

    def render(self, diagnostics: Sequence[Diagnostic], actions: int) -> str:
        used = sorted({d.code for d in diagnostics})
        version, docs = _package()
        rules = [
            {
                "id": code,
                "name": CODES[code][0],
                # Only a public page helps a dashboard's reader: a repository path would not exist in theirs.
                **({"helpUri": f"{docs}/diagnostics.md#{code.lower()}"} if docs else {}),
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
                            "artifactLocation": {"uri": shown_path(self.root, d.file)},
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
            "runs": [{"tool": {"driver": {"name": "chatgw", "version": version, "rules": rules}}, "results": results}],
        }
        return json.dumps(payload, indent=2) + "\n"


FORMATTERS: dict[str, type[Formatter]] = {f.name: f for f in (TextFormatter, JsonFormatter, GithubFormatter, SarifFormatter)}


def _counts(diagnostics: Sequence[Diagnostic]) -> tuple[int, int]:
    errors = sum(1 for d in diagnostics if d.severity == "error")
    return errors, len(diagnostics) - errors


_WIDTH = 100  # characters of a source line shown around the caret


def _window(source: str, column: int) -> tuple[str, int]:
    """The part of a long line around `column` (cut ends marked "..."), and the caret's offset in it."""
    if len(source) <= _WIDTH:
        return source, column - 1
    start = max(0, min(column - 1 - _WIDTH // 2, len(source) - _WIDTH))
    head = "..." if start else ""
    tail = "..." if start + _WIDTH < len(source) else ""
    return head + source[start : start + _WIDTH] + tail, len(head) + column - 1 - start


def _read_lines(path: Path) -> list[str] | None:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None


def shown_path(root: Path, file: str) -> str:
    """`file` (relative to the config's folder `root`) as users see it: relative to the working
    directory, as CI annotations need; absolute when it is not below the working directory."""
    path = (root / file).resolve()
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@lru_cache(maxsize=1)
def _package() -> tuple[str, str | None]:
    """chatgw's version and the public URL of its docs, from the installed package's metadata."""
    try:
        meta = metadata.metadata("chatgw")
    except metadata.PackageNotFoundError:
        return "unknown", None
    urls = dict(_split_url(entry) for entry in meta.get_all("Project-URL") or [])
    docs = urls.get("documentation")
    return meta["Version"], docs.rstrip("/") if docs else None


def _split_url(entry: str) -> tuple[str, str]:
    label, _, url = entry.partition(",")
    return label.strip().lower(), url.strip()


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
