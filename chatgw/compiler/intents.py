"""Checks on intent examples: enough of them, not shared between actions, not placeholders."""

from __future__ import annotations

import re
from typing import Sequence

from chatgw.compiler.diagnostics import Diagnostic, diagnostic
from chatgw.config.loader import ActionSource

MIN_EXAMPLES = 3
PLACEHOLDER = re.compile(r"^\s*((todo|tbd|fixme|replace|example( utterance)?\s*\d*)\b|<[^>]*>)|replace (me|this)", re.I)


def check_intents(actions: Sequence[ActionSource]) -> list[Diagnostic]:
    """Too few examples (CGW401), examples two actions share (CGW402), placeholders (CGW403), bad patterns (CGW404)."""
    found: list[Diagnostic] = []
    first_seen: dict[str, tuple[str, str]] = {}
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
            key = normalise(example)
            owner = first_seen.get(key)
            if owner is None:
                first_seen[key] = (action.name, f"{where.file}:{where.line}")
            elif owner[0] != action.name:
                found.append(
                    diagnostic(
                        "CGW402",
                        f"example '{example}' is also an example of action '{owner[0]}' ({owner[1]})",
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
    return found


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())
