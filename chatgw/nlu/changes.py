"""Relative changes to a value already given: "make it 6 hours longer", "add 5 more", "double that".

A correction at a confirmation is usually absolute ("make it $30"), but customers also say how
the value should move. `relative_change` reads that from the words alone; the engine applies
it to the slot the number went to, or, for "double that" / "half that", to the one number the
request holds. English only, no model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["Change", "relative_change"]


@dataclass(frozen=True, slots=True)
class Change:
    """Add or take away `amount` (the number the message says), or multiply by `factor`."""

    kind: Literal["add", "subtract", "multiply"]
    amount: float | None = None  # add / subtract: the number as written
    factor: float | None = None  # multiply


def relative_change(text: str) -> Change | None:
    """The relative change `text` asks for, or None when it states a value (or nothing)."""
    words = " ".join(re.sub(r"[^\w\s.$%]", " ", text[:300].lower()).split())
    for pattern, factor in _FACTORS:
        if pattern.search(words):
            return Change("multiply", factor=factor)
    for pattern, kind in _STEPS:
        found = pattern.search(words)
        if found is not None:
            return Change(kind, amount=float(found["n"]))
    return None


_N = r"\$?(?P<n>\d+(?:\.\d+)?)\s*%?"
_UNIT = r"(?:\s+[a-z]+)?"  # "6 hours longer", "5 more dollars"
_FACTORS = (
    (re.compile(r"\b(?:double|twice)\b"), 2.0),
    (re.compile(r"\btriple\b"), 3.0),
    (re.compile(r"\b(?:halve|half (?:of )?(?:it|that|this|what)|cut it in half|in half)\b"), 0.5),
)
_STEPS: tuple[tuple[re.Pattern[str], Literal["add", "subtract"]], ...] = (
    (re.compile(rf"\b(?:add|another|plus|extend (?:it |that )?by)\s+(?:an?\s+)?(?:extra\s+|more\s+)?{_N}"), "add"),
    (re.compile(rf"(?<![\w.$]){_N}{_UNIT}\s+(?:more|extra|longer|additional|on top)\b"), "add"),
    (re.compile(rf"(?<![\w.$]){_N}\s+(?:more|extra|additional)\b"), "add"),
    (re.compile(rf"\b(?:take off|subtract|minus|remove|reduce (?:it |that )?by)\s+{_N}"), "subtract"),
    (re.compile(rf"(?<![\w.$]){_N}{_UNIT}\s+(?:less|fewer|shorter)\b"), "subtract"),
)
