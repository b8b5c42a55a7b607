"""Typed values found in customer text whatever the slots: emails, UUIDs, dates, links, ids."""

from __future__ import annotations

import re

from chatgw.nlu.slots._clock import Clock
from chatgw.nlu.slots._mention import Mention
from chatgw.nlu.slots._times import find_moments


def scan(text: str, clock: Clock) -> list[Mention]:
    """Every email, UUID, date, time of day, link and id-like token in `text`."""
    found: list[Mention] = []
    found.extend(Mention("email", m.start(), m.end(), m[0]) for m in _EMAIL.finditer(text))
    found.extend(Mention("uuid", m.start(), m.end(), m[0]) for m in _UUID.finditer(text))
    found.extend(_urls(text))
    found.extend(find_moments(text, clock))
    found.extend(_ids(text))
    return found


EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_EMAIL = re.compile(rf"(?<![\w.+%\-]){EMAIL}(?![\w\-])")
_UUID = re.compile(rf"(?<![\w\-]){UUID}(?![\w\-])")
_URL = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)


def _urls(text: str) -> list[Mention]:
    found = []
    for match in _URL.finditer(text):
        url = match[0].rstrip(".,;:!?)]}")  # the sentence's punctuation, not the link's
        found.append(Mention("uri", match.start(), match.start() + len(url), url))
    return found


# --- id-like tokens ------------------------------------------------------------------------------

# letters and digits joined by _ or -, with at least a digit or an underscore: proj_8f2k1, in_123,
# cus_ABC, ORD-12345, 8f2k1x; and bare digit strings (order numbers)
_TOKEN = re.compile(r"(?<![\w\-@.])[A-Za-z0-9]+(?:[_\-][A-Za-z0-9]+)*(?![\w\-@]|\.\w)")
_UNIT_TOKEN = re.compile(r"\d+(?:k|h|hrs?|mins?|secs?|s|d|w|wks?|st|nd|rd|th)", re.IGNORECASE)


def _ids(text: str) -> list[Mention]:
    found = []
    for match in _TOKEN.finditer(text):
        token = match[0]
        digits = any(c.isdigit() for c in token)
        if not (digits or "_" in token) or _UNIT_TOKEN.fullmatch(token):
            continue
        if token.isdigit():
            found.append(Mention("digits", match.start(), match.end(), token))
        elif digits and not any(c.isalpha() for c in token):
            continue  # "2026-12-01" is a date, "1-2" a range
        else:
            found.append(Mention("id", match.start(), match.end(), token))
    return found


def id_prefix(token: str) -> str:
    """The letters an id starts with: proj_8f2k1 -> "proj", ORD-12 -> "ord"."""
    match = re.match(r"[A-Za-z]+(?=[_\-0-9])", token)
    return match[0].lower() if match else ""
