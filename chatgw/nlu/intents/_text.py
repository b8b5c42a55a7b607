"""Text as the intent matcher sees it: normalised tokens, word terms and character terms.

Normalising is deliberately light: lower case, curly quotes made straight, contractions spelled
out, anything with a digit in it (an amount, an id, a date) replaced by one placeholder token,
and a few English suffixes stripped from words so "keys", "rotating" and "rotated" meet "key"
and "rotate". Character n-grams of the unstemmed tokens catch the rest (typos, compounds).

Function words ("what", "is", "my", "please", ...) are kept as word terms, where they help
tell "how do I" from "what is", but make no character n-grams, and they do not count as known
content (see `lexical._vectors`): in a config of a few dozen examples they would otherwise make
"what's the weather" look like "what's my usage".
"""

from __future__ import annotations

import functools
import re
from collections import Counter

__all__ = ["MAX_TEXT", "char_terms", "is_function", "stem", "tokens", "word_terms"]

MAX_TEXT = 1000  # characters of a message that are read; the rest never decides an intent

NUMBER = "0"  # the placeholder for any token holding a digit
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)

FUNCTION_WORDS = frozenset(
    """
    a about above after again against all am an and any are as at be been before being below
    between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself
    just let me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own please same she should so some such than thank thanks that the their
    theirs them themselves then there these they this those through to too under until up us
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves hi hey hello ok okay yes yeah also get got want need like tell know
    give help make go see much many something anything really maybe kindly sure
    """.split()  # noqa: SIM905 - a word list reads better as words
)

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
_IRREGULAR = {
    "won't": "will not",
    "can't": "can not",
    "cannot": "can not",
    "shan't": "shall not",
    "let's": "let us",
    "ain't": "is not",
}
_IRREGULAR_RE = re.compile(r"\b(" + "|".join(re.escape(k) for k in _IRREGULAR) + r")\b")
_IS = re.compile(r"\b(it|that|what|there|here|who|where|how|when|why|he|she)'s\b")
_SUFFIXES = (
    ("n't", " not"),
    ("'re", " are"),
    ("'m", " am"),
    ("'ll", " will"),
    ("'ve", " have"),
    ("'d", " would"),
    ("'s", ""),  # a possessive: "user's key" is about the user and the key
)
_SUFFIX_RE = re.compile(r"(n't|'re|'m|'ll|'ve|'d|'s)\b")
_TOKEN = re.compile(r"[^\W_]+")
_STEMS = (
    ("sses", "ss"),
    ("ies", "y"),
    ("ing", ""),
    ("edly", ""),
    ("ed", ""),
    ("ly", ""),
    ("es", ""),
    ("s", ""),
)


def tokens(text: str) -> list[str]:
    """The normalised tokens of `text` (lower case, contractions expanded, numbers as one token)."""
    text = text[:MAX_TEXT].lower().translate(_QUOTES)
    text = _IRREGULAR_RE.sub(lambda m: _IRREGULAR[m.group(1)], text)
    if "'" in text:  # most messages have no contraction: two searches saved
        text = _IS.sub(r"\1 is", text)
        text = _SUFFIX_RE.sub(lambda m: dict(_SUFFIXES)[m.group(1)], text)
    return [
        tok if tok.isalpha() or not any(ch.isdigit() for ch in tok) else NUMBER
        for tok in _TOKEN.findall(text)
    ]


@functools.lru_cache(maxsize=1 << 14)  # a handful of words a message, mostly the same ones
def stem(word: str) -> str:
    """`word` without one common English suffix, when enough of it is left to mean something."""
    if len(word) <= 3 or word.endswith("ss"):
        return word
    for suffix, replacement in _STEMS:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + replacement
            break
    # "rotate", "rotated" and "rotating" all become "rotat"
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


def is_function(term: str) -> bool:
    """Whether a word term (stemmed, one or more words) is made of function words only."""
    return all(part in _FUNCTION_STEMS for part in term.split(" "))


def word_terms(toks: list[str]) -> Counter[str]:
    """Stemmed word n-grams with their counts."""
    stems = [stem(t) for t in toks]
    terms: Counter[str] = Counter()
    low, high = WORD_NGRAMS
    for n in range(low, high + 1):
        for i in range(len(stems) - n + 1):
            terms[" ".join(stems[i : i + n])] += 1
    return terms


def char_terms(toks: list[str]) -> Counter[str]:
    """Character n-grams inside each space-padded token, with their counts."""
    terms: Counter[str] = Counter()
    for tok in toks:
        if tok not in FUNCTION_WORDS:
            terms.update(_token_grams(tok))
    return terms


@functools.lru_cache(maxsize=1 << 16)
def _token_grams(tok: str) -> tuple[str, ...]:
    padded = f" {tok} "
    size = len(padded)
    grams: list[str] = []
    low, high = CHAR_NGRAMS
    for n in range(low, high + 1):
        if n >= size:
            grams.append(padded)  # a short token counts once, whole
            break
        grams.extend(padded[i : i + n] for i in range(size - n + 1))
    return tuple(grams)


_FUNCTION_STEMS = frozenset(stem(word) for word in FUNCTION_WORDS)
