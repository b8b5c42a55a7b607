"""Checks on intent examples: enough of them, not shared between actions, not placeholders, and
no two actions on one operation competing for the same messages."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from chatgw.compiler.diagnostics import Diagnostic, Location, diagnostic
from chatgw.config.loader import ActionSource

MIN_EXAMPLES = 3
PLACEHOLDER = re.compile(r"^\s*((todo|tbd|fixme|replace|example( utterance)?\s*\d*)\b|<[^>]*>)|replace (me|this)", re.I)


def check_intents(actions: Sequence[ActionSource], operations: Mapping[str, frozenset[str]] | None = None) -> list[Diagnostic]:
    """Too few examples (CGW401), examples two actions share (CGW402), placeholders (CGW403), bad
    patterns (CGW404), and actions on one operation whose examples overlap (CGW405).

    `operations` maps each action to the operations it calls (`Operation.key`).
    """
    operations = operations or {}
    found: list[Diagnostic] = []
    first_seen: dict[str, _Example] = {}
    earlier: list[_Example] = []
    for action in actions:
        if action.model is None:
            continue
        intent = action.model.intent
        doc = action.doc
        if len(intent.examples) < MIN_EXAMPLES:
            found.append(
                diagnostic(
                    "CGW401",
                    f"action '{action.name}' has {len(intent.examples)} example(s); at least {MIN_EXAMPLES} are needed to recognise it",
                    doc.at(("intent", "examples"), key=True),
                    hint="add varied ways a customer would ask for this (10 or more work best)",
                )
            )
        calls = operations.get(action.name, frozenset())
        mine: list[_Example] = []
        for index, example in enumerate(intent.examples):
            where = doc.at(("intent", "examples", index))
            if PLACEHOLDER.search(example):
                found.append(
                    diagnostic(
                        "CGW403",
                        f"'{example}' looks like a placeholder example",
                        where,
                        hint="replace it with something a customer would really write",
                    )
                )
            this = _Example(action.name, example, normalise(example), f"{where.file}:{where.line}", calls)
            mine.append(this)
            owner = first_seen.setdefault(this.key, this)
            rival = next((other for other in earlier if other.calls & calls and _overlap(this, other)), None)
            if rival is not None:
                found.append(_overlapping(this, rival, where))
            elif owner.action != action.name:
                found.append(
                    diagnostic(
                        "CGW402",
                        f"example '{example}' is also an example of action '{owner.action}' ({owner.where})",
                        where,
                        hint="keep it in the one action it belongs to, so the bot can tell them apart",
                    )
                )
        for index, pattern in enumerate(intent.patterns):
            try:
                re.compile(pattern)
            except re.error as error:
                found.append(
                    diagnostic(
                        "CGW404",
                        f"intent pattern is not a valid regular expression: {error}",
                        doc.at(("intent", "patterns", index)),
                        hint="check brackets and escapes; quote the pattern in YAML",
                    )
                )
        earlier += mine
    return found


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


@dataclass(frozen=True, slots=True)
class _Example:
    action: str
    text: str
    key: str  # normalised
    where: str  # file:line
    calls: frozenset[str]  # the operations its action calls


# Two examples this alike are one request worded twice ("cancel my order" / "cancel my orders").
_NEAR = 0.85


def _overlap(one: _Example, other: _Example) -> bool:
    if one.key == other.key or sorted(one.key.split()) == sorted(other.key.split()):
        return True
    return difflib.SequenceMatcher(None, one.key, other.key).ratio() >= _NEAR


def _overlapping(this: _Example, rival: _Example, where: Location) -> Diagnostic:
    alike = "the same as" if this.key == rival.key else "nearly the same as"
    shared = ", ".join(sorted(this.calls & rival.calls))
    return diagnostic(
        "CGW405",
        f"example '{this.text}' is {alike} '{rival.text}' of action '{rival.action}' ({rival.where}), and both actions call {shared}",
        where,
        hint="two actions on one operation with overlapping examples compete for the same messages; "
        "merge them into one action, or make each one's examples say what sets it apart",
    )
