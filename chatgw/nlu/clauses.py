"""The parts of one message that make, refuse or repeat a request, before any intent is matched.

- `without_refusals`: "don't reset my key, just show usage" asks for the usage only; the
  refused clause must not reach intent matching or slot reading.
- `split_values`: "reset the keys for proj_a and proj_b" is the same request once per value.
- `split_objects`: "show usage and errors for proj_a" is one verb over two objects, i.e. two
  requests sharing the verb and the tail.

Each returns what the engine should read instead, or None when the message has no such part;
the engine still checks the pieces against the intents before it believes them. Word lists and
regular expressions over the first `MAX_TEXT` characters, no model; English only.
"""

from __future__ import annotations

import re

from chatgw.nlu.acts import MAX_TEXT, REQUEST_VERBS

__all__ = ["split_objects", "split_values", "without_refusals"]

MAX_VALUES = 4  # split_values never returns more requests than this


def without_refusals(text: str) -> str | None:
    """`text` without the clauses that refuse a request ("don't reset my key", "instead of
    upgrading", "never mind the credit"); None when it refuses nothing, "" when that is all
    it says.

    A refusal opens its clause (after filler such as "please", "I", "actually") with a
    negation followed by a request verb, or with "no need for/to", "instead of", "rather
    than", "never mind", "forget (about)"; it runs to the next punctuation, "but", "and",
    "just", "only" or "instead". "my key doesn't work, reset it" refuses nothing.
    """
    head = text[:MAX_TEXT]
    kept: list[str] = []
    refused = False
    position = 0
    for match in _REFUSAL.finditer(head):
        kept.append(head[position : match.start()])
        position = match.end()
        refused = True
    if not refused:
        return None
    kept.append(text[position:])
    rest = " ".join("".join(kept).split())
    rest = _LEFT_OVER.sub("", rest).strip(" ,.;:!-")
    return rest if re.search(r"[^\W\d_]{2}", rest) else ""


def split_values(text: str) -> list[tuple[str, str]] | None:
    """One message per value, with the value, when `text` lists ids of one kind or emails
    joined by "and" ("reset the keys for proj_a and proj_b" -> ("reset the keys for proj_a",
    "proj_a"), ("... proj_b", "proj_b")); None when it lists none.

    Each value may carry a few words of its own ("credit proj_a $20 and proj_b $10 for the
    outage"); what comes before the list and after it (from a preposition or punctuation on)
    is shared by every message.
    """
    head = text[:MAX_TEXT]
    for match in _VALUE_LIST.finditer(head):
        items = _VALUE_ITEM.findall(match[0])
        values = [value for value, _ in items]
        if len(values) < 2 or len(values) > MAX_VALUES or len({_shape(v) for v in values}) != 1:
            continue
        if len({v.lower() for v in values}) != len(values):
            continue
        before, after = text[: match.start()], text[match.end() :]
        return [(" ".join(f"{before}{value}{own} {after}".split()), value) for value, own in items]
    return None


def split_objects(text: str) -> list[str] | None:
    """Two messages when `text` is one verb over two nouns joined by "and", sharing a tail
    ("show usage and errors for proj_a" -> "show usage for proj_a", "show errors for proj_a");
    None when it has no such shape.

    Only a single "and" not followed by a verb or a pronoun qualifies; the noun before it is
    the last word, the one after it runs (with its determiner) to a preposition, punctuation or
    the end, and what follows is the shared tail.
    """
    head = text[:MAX_TEXT]
    joins = list(_AND.finditer(head))
    if len(joins) != 1:
        return None
    join = joins[0]
    left, right = text[: join.start()], text[join.end() :]
    first = re.match(r"^(?P<lead>.*?\b(?:" + _VERB + r")\b.*?\s)(?P<noun>[^\W\d_]+)$", left, re.IGNORECASE)
    second = _SECOND.match(right)
    if first is None or second is None or second["noun"].lower() in _NOT_NOUNS:
        return None
    lead, noun = first["lead"], first["noun"]
    if noun.lower() in _NOT_NOUNS:
        return None
    tail = right[second.end() :]
    other_lead = _TRAILING_DETERMINER.sub(" ", lead) if second["det"] else lead
    return [
        " ".join(f"{lead}{noun}{tail}".split()),
        " ".join(f"{other_lead}{second['det'] or ''}{second['noun']}{tail}".split()),
    ]


# --- refusals ----------------------------------------------------------------------------------

_VERB = "|".join(sorted(REQUEST_VERBS | {"rotate", "roll", "lift", "charge", "bill", "touch", "mess with"}))
_OPENING = r"(?:^|(?<=[.,;:!?])\s*|\b(?:but|and|so|then)\s+)"
_FILLER = r"(?:(?:please|pls|actually|just|oh|ok|okay|no|so|and|but|i|we|you)\s+)*"
_NEGATION = (
    r"(?:(?:do|does|did)\s*n[o']?t|don'?t|never|not|please\s+do\s+not"
    r"|(?:i'?m|i\s+am|we'?re|we\s+are|am|are)\s+not\s+asking(?:\s+you)?\s+to"
    r"|(?:do\s+not|don'?t|didn'?t|did\s+not)\s+(?:want|need|ask)(?:\s+(?:you|anyone))?(?:\s+to)?)"
)
_REFUSAL = re.compile(
    rf"{_OPENING}{_FILLER}(?:"
    rf"{_NEGATION}\s+(?:(?:want|need|ask)(?:\s+(?:you|anyone))?\s+to\s+)?(?:{_VERB})(?:s|ed|ing)?\b"
    rf"|no\s+need\s+(?:for|to)\b|instead\s+of\b|rather\s+than\b|never\s*mind\b|forget(?:\s+about)?\b"
    rf")[^.,;:!?]*?(?=[.,;:!?]|\s+(?:but|and|just|only|instead|i\s+just|i\s+only|we\s+just)\b|$)",
    re.IGNORECASE,
)
_LEFT_OVER = re.compile(r"^(?:\s*(?:,|but|and|just|only|instead|so|then|i\s+just|please)\b[\s,]*)+", re.IGNORECASE)

# --- lists of values -----------------------------------------------------------------------------

_ID = r"[A-Za-z]+[_\-](?=[A-Za-z0-9]*\d)[A-Za-z0-9]+|[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
# the few words a value carries ("proj_a $20"): greedy, up to a preposition, a join or another id
_OWN = (
    r"(?:\s+(?!(?:and|or|for|on|in|at|to|from|by|with|because|since|due|until|please|plus|as)\b)"
    r"(?![A-Za-z]+[_\-][A-Za-z0-9]*\d)[$€£]?[\w$€£%]+(?:\.\d+)?){0,3}"
)
_JOIN = r"(?:\s*,\s*(?:and\s+)?|\s+(?:and|&|plus|as\s+well\s+as)\s+)"
_VALUE_LIST = re.compile(
    rf"(?<![\w@.\-])(?:{_ID}){_OWN}(?:{_JOIN}(?:{_ID}){_OWN})+(?=$|[\s.,;:!?)\]}}»\"'])", re.IGNORECASE
)
_VALUE_ITEM = re.compile(rf"(?<![\w@.\-])({_ID})({_OWN})", re.IGNORECASE)


def _shape(value: str) -> str:
    """What kind of value: an email, or the letters an id starts with."""
    return "@" if "@" in value else re.split(r"[_\-]", value, maxsplit=1)[0].lower()


# --- two objects under one verb ----------------------------------------------------------------

_AND = re.compile(r"\s+and\s+(?!(?:also|then|can|could|would|please|i|we|you|it|them|that|this)\b)", re.IGNORECASE)
_DETERMINERS = r"(?:the|my|our|its|their|any|all)"
_SECOND = re.compile(
    rf"^(?P<det>{_DETERMINERS}\s+)?(?P<noun>[^\W\d_]+)(?=\s+(?:for|on|of|in|from|at|with)\b|[\s.,;:!?]*$)",
    re.IGNORECASE,
)
_TRAILING_DETERMINER = re.compile(rf"\s{_DETERMINERS}\s$", re.IGNORECASE)
# words that end a verb phrase rather than name its object ("reset it and ...")
_NOT_NOUNS = frozenset(
    "it them this that me us you please now too also then there here again".split()
) | REQUEST_VERBS
