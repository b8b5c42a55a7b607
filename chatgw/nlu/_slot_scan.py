"""Typed values found in customer text whatever the slots: emails, UUIDs, dates, links, ids."""

from __future__ import annotations

import datetime as dt
import re
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


def scan(text: str, today: dt.date) -> list[Mention]:
    """Every email, UUID, date, date-time, link and id-like token in `text`."""
    found: list[Mention] = []
    found.extend(Mention("email", m.start(), m.end(), m[0]) for m in _EMAIL.finditer(text))
    found.extend(Mention("uuid", m.start(), m.end(), m[0]) for m in _UUID.finditer(text))
    found.extend(_urls(text))
    found.extend(find_dates(text, today))
    found.extend(_ids(text))
    return found


def find_dates(text: str, today: dt.date) -> list[Mention]:
    """ISO dates and date-times, "1 December 2026", "Dec 1, 2026", "today", "tomorrow"."""
    found = []
    for match in _ISO.finditer(text):
        if match["time"]:
            if value := _iso_datetime(match[0]):
                found.append(Mention("date-time", match.start(), match.end(), value))
        elif value := _date(int(match["y"]), int(match["m"]), int(match["d"])):
            found.append(Mention("date", match.start(), match.end(), value))
    for match in _WRITTEN.finditer(text):
        month = _MONTH_NUMBERS[(match["month1"] or match["month2"])[:3].lower()]
        day = match["day1"] or match["day2"]
        if value := _date(int(match["year"]), month, int(day)):
            found.append(Mention("date", match.start(), match.end(), value))
    for match in _RELATIVE.finditer(text):
        offset = _RELATIVE_DAYS[match[0].lower().replace(" ", "")]
        value = (today + dt.timedelta(days=offset)).isoformat()
        found.append(Mention("date", match.start(), match.end(), value, sure=False))
    return found


def parse_date(text: str, today: dt.date) -> str | None:
    """The ISO date that is the whole of `text`, else None."""
    text = text.strip()
    for mention in find_dates(text, today):
        if mention.kind == "date" and mention.start == 0 and mention.end == len(text):
            return str(mention.value)
    return None


def parse_datetime(text: str) -> str | None:
    """`text` as an RFC 3339 date-time (a missing offset is read as UTC), else None."""
    return _iso_datetime(text.strip()) if _ISO.fullmatch(text.strip()) else None


EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_EMAIL = re.compile(rf"(?<![\w.+%\-]){EMAIL}(?![\w\-])")
_UUID = re.compile(rf"(?<![\w\-]){UUID}(?![\w\-])")
_URL = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
_ISO = re.compile(
    r"(?<![\w\-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
    r"(?P<time>[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:[Zz]|[+\-]\d{2}:?\d{2})?)?"
    r"(?![\w\-])"
)
_MONTHS = {
    m[:3].lower(): m
    for m in "January February March April May June July August September October November "
    "December".split()
}
_MONTH_NUMBERS = {key: n for n, key in enumerate(_MONTHS, start=1)}
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_WRITTEN = re.compile(
    rf"(?<![\w\-])(?:(?P<day1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month1>{_MONTH})\.?"
    rf"|(?P<month2>{_MONTH})\.?\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?)"
    r",?\s+(?P<year>\d{4})(?![\w\-])",
    re.IGNORECASE,
)
_RELATIVE_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1, "dayaftertomorrow": 2}
_RELATIVE = re.compile(r"\b(?:today|tomorrow|yesterday|day after tomorrow)\b", re.IGNORECASE)


def _date(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _iso_datetime(text: str) -> str | None:
    try:
        value = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.isoformat().replace("+00:00", "Z")


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
