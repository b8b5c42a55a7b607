"""A reading of a stretch of customer text as a value of some kind."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Mention:
    """A reading of text[start:end] as a value of some kind."""

    kind: str
    start: int
    end: int
    value: Any
    sure: bool = True  # False for readings that need the slot's words nearby or a question
    claims: bool = True  # False: the span may also feed another slot (free text)

    def unsure(self) -> Mention:
        return dataclasses.replace(self, sure=False)

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end
