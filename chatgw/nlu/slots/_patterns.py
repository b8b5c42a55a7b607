"""A slot's pattern searched in a message, and values normalised into it ("PROJ 8F2K1" for
^proj_[a-z0-9]{5}$).

Patterns come from the trusted configuration; customer text is only matched against them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from chatgw.nlu.slots._mention import Mention

def pattern_matches(pattern: str, text: str) -> list[Mention]:
    """Where the slot's pattern matches inside `text`.

    A ^...$ pattern is searched between token boundaries; any other pattern (unanchored, half
    anchored, or anchored per branch) is tested on each whitespace-separated token.
    """
    compiled = compile_pattern(pattern)
    if compiled is None:
        return []
    search = searchable(pattern)
    found = []
    if search is not None:
        for match in search.finditer(text):
            if match.end() > match.start():
                found.append(Mention("pattern", match.start(), match.end(), match[0]))
        found.extend(_normalised(compiled, text, found))
        return found
    for match in re.finditer(r"[^\s,;!?()\[\]{}<>\"'`]+", text):
        token_end = match.end() - len(match[0]) + len(match[0].rstrip(".:"))
        token = text[match.start() : token_end]
        if token and compiled.search(token):
            found.append(Mention("pattern", match.start(), token_end, token))
    return found


@lru_cache(maxsize=1024)  # a slot's pattern is read again for every message
def searchable(pattern: str) -> re.Pattern[str] | None:
    """`pattern` made searchable inside a sentence: ^...$ become token boundaries.

    None unless the pattern is anchored at both ends and nowhere else (not `^a$|^b$`).
    """
    body = _strip_anchors(pattern)
    if body is None:
        return None
    return compile_pattern(rf"(?<![\w\-])(?:{body})(?![\w\-])")


def compile_pattern(pattern: str) -> re.Pattern[str] | None:
    """The compiled pattern, or None when Python cannot read it (e.g. ECMA's \\p{L})."""
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _strip_anchors(pattern: str) -> str | None:
    start = 2 if pattern.startswith("\\A") else 1 if pattern.startswith("^") else 0
    end = len(pattern)
    for anchor in ("\\Z", "\\z", "$"):
        if pattern.endswith(anchor) and not _escaped(pattern, end - len(anchor)):
            end -= len(anchor)
            break
    body = pattern[start:end]
    if start == 0 or end == len(pattern) or _has_anchor(body):
        return None
    return body


def _escaped(pattern: str, index: int) -> bool:
    backslashes = 0
    while index - backslashes - 1 >= 0 and pattern[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _has_anchor(body: str) -> bool:
    """An unescaped ^ or $ outside a character class."""
    in_class = False
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if body[i + 1 : i + 2] == "^":
                i += 1
            if body[i + 1 : i + 2] == "]":
                i += 1
        elif char in "^$":
            return True
        i += 1
    return False




def normalise(pattern: str, value: str) -> str | None:
    """`value` with its case or separators changed so that the whole of it matches `pattern`,
    trying the lightest change first; None when no variant matches."""
    compiled = compile_pattern(pattern)
    if compiled is None or len(value) > _LONGEST:
        return None
    return _first_variant(compiled, value)


@lru_cache(maxsize=8192)
def _first_variant(compiled: re.Pattern[str], said: str) -> str | None:
    """The lightest variant of `said` that `compiled` matches. Cached: every message is cut
    into up to four-word stretches and each tried in up to 18 variants, and most stretches
    ("show me", "the usage") recur from message to message; bounded, ids age out."""
    return next((v for v in _variants(said) if compiled.search(v)), None)


_LONGEST = 64  # characters of a value tried in variants: ids are short
_CHUNK = re.compile(r"[A-Za-z0-9]+")
_SEPARATOR = re.compile(r"[\s_\-.]")
_SEPARATORS = ("_", "-", "", ".", " ")
_CHUNKS = 4  # words one value may be spread over: "proj 8f2k1"


def _normalised(compiled: re.Pattern[str], text: str, exact: list[Mention]) -> Iterator[Mention]:
    """Stretches of up to four words, joined by single separators, that match `compiled` once
    their case or separators change; joined over a space they need the slot's words nearby."""
    spans = [chunk.span() for chunk in _CHUNK.finditer(text)]
    # joined[j]: chunk j follows chunk j - 1 over one separator (not "proj__8f2k1", "proj, 8f2k1")
    joined = [False] + [bool(_SEPARATOR.fullmatch(text, a[1], b[0])) for a, b in zip(spans, spans[1:])]
    for i, (start, _) in enumerate(spans):
        if start > 0 and text[start - 1] in "_-":
            continue  # inside a longer token
        # a stretch from `start` overlaps an exact match once it ends past this
        limit = min((m.start for m in exact if m.end > start), default=len(text))
        for j in range(i, min(i + _CHUNKS, len(spans))):
            end = spans[j][1]
            if (j > i and not joined[j]) or end - start > _LONGEST or end > limit:
                break
            if text[end : end + 1] in ("_", "-") and j + 1 < len(spans):
                continue
            said = text[start:end]
            value = _first_variant(compiled, said)
            if value is not None and value != said:  # as said it matches: nothing to normalise
                sure = not any(c.isspace() for c in said)
                yield Mention("pattern", start, end, value, sure)


def _variants(value: str) -> Iterator[str]:
    for case in (value, value.lower(), value.upper()):
        yield case
    for separator in _SEPARATORS:
        joined = _SEPARATOR.sub(separator, value)
        yield from (joined, joined.lower(), joined.upper())
