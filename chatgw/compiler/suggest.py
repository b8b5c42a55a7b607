""""Did you mean" for a misspelt or shortened name, and lists of names that say what they leave out."""

from __future__ import annotations

import difflib
import re
from typing import Iterable

LISTED = 12  # names shown in a hint before "... and N more"


def close_names(name: str, known: Iterable[str]) -> list[str]:
    """Names that `name` is probably meant to be, best first: at most two longer names that
    have it as a whole word, then difflib's closest.

    The longer names come first (`state` -> `ticket_state`, `id` -> `order_id`): difflib
    scores such a pair low, yet it is what a shortened name usually is.
    """
    known = list(dict.fromkeys(known))
    word = re.compile(rf"(?:^|[_\W]){re.escape(name)}(?:$|[_\W])", re.I)
    affixes = [candidate for candidate in known if candidate != name and word.search(candidate)]
    similar = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return list(dict.fromkeys([*affixes[:2], *similar]))


def did_you_mean(name: str, known: Iterable[str], prefix: str = "") -> str | None:
    """`did you mean 'a'?` (or `'a' or 'b'`), or None when nothing is close."""
    close = close_names(name, known)
    if not close:
        return None
    return f"did you mean {' or '.join(repr(prefix + candidate) for candidate in close)}?"


def listing(names: Iterable[str], limit: int = LISTED) -> str:
    """`a, b, c` or, past `limit`, `a, b, ... and 5 more`."""
    names = list(names)
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown}, ... and {len(names) - limit} more"
