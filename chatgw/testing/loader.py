"""Reading conversation-test files, keeping positions so every mistake is reported at its place."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Collection, Iterable, Mapping

from chatgw.compiler.diagnostics import Diagnostic, diagnostic
from chatgw.config.lenient import validate_leniently
from chatgw.config.yamlpos import SourceDoc, read_yaml
from chatgw.errors import ChatgwError
from chatgw.testing.model import ConversationSpec, Respond, SuiteFile
from chatgw.testing.stubs import Stub


class SuiteError(ChatgwError):
    """Test files that cannot be run as written; `diagnostics` says where and why."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        first = self.diagnostics[0].one_line() if self.diagnostics else "no details"
        super().__init__(f"{len(self.diagnostics)} problem(s) in the test files; first: {first}")


@dataclass(frozen=True, slots=True)
class Case:
    """One conversation to run: where it was written, the claims it runs with, its turns."""

    file: str  # as shown: relative to the project's folder
    name: str
    line: int
    identity: Mapping[str, Any]
    conversation: ConversationSpec
    turn_lines: tuple[int, ...]

    @property
    def id(self) -> str:
        """`tests/conversations/keys.yaml::reset key happy path`, as reports name it."""
        return f"{self.file}::{self.name}"


def suite_files(paths: Iterable[Path]) -> list[Path]:
    """The *.yaml / *.yml files named, or found below the folders named, sorted per folder."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted([*path.rglob("*.yaml"), *path.rglob("*.yml")])
        elif path.is_file():
            found.append(path)
        else:
            problem = "is not a file" if path.exists() else "does not exist"
            raise ChatgwError(f"{path} {problem}; give a test file or a folder of them")
    return list(dict.fromkeys(found))


def load_cases(files: Iterable[Path], root: Path, actions: Collection[str] | None = None) -> list[Case]:
    """Every conversation of `files`, in order; SuiteError lists all problems of all files.

    `actions` (the project's action names) lets an `intent:` typo fail here, with a
    "did you mean", rather than as a test failure.
    """
    cases: list[Case] = []
    problems: list[Diagnostic] = []
    for path in files:
        doc, found = read_yaml(path, _shown(path, root))
        problems += found
        if doc is None:
            continue
        model, doc = _validate(doc, problems)
        if model is None:
            continue
        problems += _semantic_problems(model, doc, actions)
        for index, conversation in enumerate(model.conversations):
            cases.append(
                Case(
                    file=doc.file,
                    name=conversation.name,
                    line=doc.at(("conversations", index)).line,
                    identity={**model.identity, **conversation.identity},
                    conversation=conversation,
                    turn_lines=tuple(
                        doc.at(("conversations", index, "turns", turn)).line for turn in range(len(conversation.turns))
                    ),
                )
            )
    if problems:
        raise SuiteError(problems)
    return cases


def stubs_of(respond: Iterable[Respond]) -> list[Stub]:
    """A turn's `respond:` as stubs, in order."""
    return [Stub(status=r.status, body=r.body, headers=dict(r.headers), timeout=r.timeout) for r in respond]


def _validate(doc: SourceDoc, problems: list[Diagnostic]) -> tuple[SuiteFile | None, SourceDoc]:
    """The file's model, leniently: the conversations that are valid still get their other checks."""
    if not isinstance(doc.data, dict):
        problems.append(
            diagnostic("CGW104", "a test file must be a mapping with conversations:", doc.at(()), hint="start with 'conversations:'")
        )
        return None, doc
    _messages_as_written(doc)
    validated = validate_leniently(SuiteFile, doc)
    problems += validated.diagnostics
    return validated.model, validated.doc


def _messages_as_written(doc: SourceDoc) -> None:
    """`user: yes` is what a customer types, not YAML's boolean: take such messages as written."""
    for index, conversation in enumerate(_items(doc.data.get("conversations"))):
        if not isinstance(conversation, dict):
            continue
        for turn_index, turn in enumerate(_items(conversation.get("turns"))):
            value = turn.get("user") if isinstance(turn, dict) else None
            if isinstance(value, (bool, int, float)):
                turn["user"] = _raw_scalar(doc, ("conversations", index, "turns", turn_index, "user"))


def _raw_scalar(doc: SourceDoc, path: tuple[str | int, ...]) -> str:
    where = doc.at(path)
    text = doc.lines[where.line - 1][where.column - 1 :] if 0 < where.line <= len(doc.lines) else ""
    # A plain scalar that YAML read as a bool or number holds no comma, bracket or comment.
    return re.split(r"\s#|[,}\]]", text, maxsplit=1)[0].strip()


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _semantic_problems(model: SuiteFile, doc: SourceDoc, actions: Collection[str] | None) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    seen: dict[str, int] = {}
    for index, conversation in enumerate(model.conversations):
        base = ("conversations", index)
        if conversation.name in seen:
            found.append(
                diagnostic(
                    "CGW104",
                    f"two conversations are named '{conversation.name}' (the other on line {seen[conversation.name]})",
                    doc.at((*base, "name")),
                    hint="give each conversation its own name, so -k and reports can tell them apart",
                )
            )
        seen.setdefault(conversation.name, doc.at((*base, "name")).line)
        for turn_index, turn in enumerate(conversation.turns):
            expect = turn.expect
            where = (*base, "turns", turn_index, "expect")
            if expect.reply_matches is not None:
                try:
                    re.compile(expect.reply_matches)
                except re.error as error:
                    found.append(
                        diagnostic(
                            "CGW104",
                            f"reply_matches is not a valid regular expression: {error}",
                            doc.at((*where, "reply_matches")),
                            hint="check brackets and escapes; quote the pattern in YAML",
                        )
                    )
            if actions is not None and expect.intent is not None and expect.intent not in actions:
                close = difflib.get_close_matches(expect.intent, list(actions), n=1, cutoff=0.6)
                found.append(
                    diagnostic(
                        "CGW104",
                        f"intent '{expect.intent}' is not an action of this project",
                        doc.at((*where, "intent")),
                        hint=f"did you mean '{close[0]}'?" if close else "use an action's name (its file name without .yaml), or null",
                    )
                )
    return found


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
