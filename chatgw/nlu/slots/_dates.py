"""Dates in customer text: ISO, written ("1 Dec 2026", "March 3"), relative ("yesterday", "two days
ago", "last Tuesday", "on the 3rd", "since March").

Rules for what is left unsaid (also in docs of `extract_slots`):
- a date without a year, a weekday or a day of the month is the most recent one (today
  included) for a slot about the past, the next one (today included) for a slot about the future;
  "since", "from" and "last" before it mean the past, "until", "till", "by" and "next" the future;
- "last Tuesday" is the latest Tuesday before today, "next Friday" the first Friday after it;
- "since March" is 1 March; "last week" is seven days ago;
- "today", "tomorrow" and a bare weekday are everyday words: they need the slot's words nearby or
  the question (their mention is not sure).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable, Iterator

from chatgw.nlu.slots._clock import Clock, Moment
from chatgw.nlu.slots._mention import Mention
from chatgw.nlu.slots._numbers import NUMBER_WORDS, SECONDS, parse_number

_MONTHS = "january february march april may june july august september october november december"
_MONTH_NUMBERS = {name[:3]: n for n, name in enumerate(_MONTHS.split(), start=1)}
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WEEKDAYS = {d: n for n, d in enumerate("mon tue wed thu fri sat sun".split())}
_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
_ORD = r"(?:st|nd|rd|th)"


def find_dates(text: str, clock: Clock) -> list[Mention]:
    """Every date in `text`, each a Mention of kind "date" (or "date-time" for ISO date-times
    and "two hours ago") whose value is a Moment."""
    found: list[Mention] = []
    for reader in _READERS:
        for mention in reader(text, clock):
            if not any(m.start < mention.end and mention.start < m.end for m in found):
                found.append(mention)  # readers go from the most specific to the loosest
    return found


def parse_date(text: str, clock: Clock) -> dt.date | None:
    """The date that is the whole of `text` (read as the past when unsaid), else None."""
    text = text.strip()
    for mention in find_dates(text, clock):
        if mention.kind == "date" and (mention.start, mention.end) == (0, len(text)):
            return mention.value.past.date()
    return None


def parse_datetime(text: str, clock: Clock) -> dt.datetime | None:
    """`text` as an ISO date-time (a missing offset is the clock's zone), else None."""
    match = _ISO.fullmatch(text.strip())
    return _iso_datetime(match, clock) if match and match["time"] else None


# --- readers, most specific first -----------------------------------------------------------

_ISO = re.compile(
    r"(?<![\w\-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
    r"(?P<time>[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:[Zz]|[+\-]\d{2}:?\d{2})?)?"
    r"(?![\w\-])"
)


def _iso(text: str, clock: Clock) -> Iterator[Mention]:
    for match in _ISO.finditer(text):
        if match["time"]:
            if moment := _iso_datetime(match, clock):
                yield Mention("date-time", match.start(), match.end(), _fixed(moment, True))
        elif day := _date(int(match["y"]), int(match["m"]), int(match["d"])):
            yield Mention("date", match.start(), match.end(), _fixed(clock.at(day)))


def _iso_datetime(match: re.Match[str], clock: Clock) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(match[0].replace(" ", "T", 1))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=clock.now.tzinfo)


_WRITTEN = re.compile(
    rf"(?<![\w\-])(?:(?P<day1>\d{{1,2}}){_ORD}?\s+(?:of\s+)?(?P<month1>{_MONTH})"
    rf"|(?:the\s+)?(?P<day3>\d{{1,2}}){_ORD}\s+of\s+(?P<month3>{_MONTH})"
    rf"|(?P<month2>{_MONTH})\s+(?:the\s+)?(?P<day2>\d{{1,2}}){_ORD}?(?![:\d]))"
    r"(?:,?\s+(?P<year>\d{4}))?(?![\w\-])",
    re.IGNORECASE,
)


def _written(text: str, clock: Clock) -> Iterator[Mention]:
    for match in _WRITTEN.finditer(text):
        month = _MONTH_NUMBERS[(match["month1"] or match["month2"] or match["month3"])[:3].lower()]
        day = int(match["day1"] or match["day2"] or match["day3"])
        if mention := _in_year(text, match, clock, month, day, match["year"], match.start()):
            yield mention


_MONTH_ONLY = re.compile(
    rf"(?<![\w\-])(?:(?P<cue>since|from|in|during|until|till|by|before|after)\s+"
    rf"(?:early\s+|the\s+start\s+of\s+)?(?P<month>{_MONTH})(?!\s*\d)"
    rf"|(?P<month2>{_MONTH})\s+(?P<year>\d{{4}}))(?![\w\-])",
    re.IGNORECASE,
)


def _month_only(text: str, clock: Clock) -> Iterator[Mention]:
    for match in _MONTH_ONLY.finditer(text):
        month = _MONTH_NUMBERS[(match["month"] or match["month2"])[:3].lower()]
        start = match.start("month") if match["month"] else match.start()
        if mention := _in_year(text, match, clock, month, 1, match["year"], start):
            yield mention


_DAY_OF_MONTH = re.compile(
    rf"(?<![\w\-])(?:on|since|from|until|till|by|before|after)\s+the\s+(?P<day>\d{{1,2}}){_ORD}"
    r"(?![\w\-]|\s+of\b)",
    re.IGNORECASE,
)


def _day_of_month(text: str, clock: Clock) -> Iterator[Mention]:
    for match in _DAY_OF_MONTH.finditer(text):
        day = int(match["day"])
        if not 1 <= day <= 31:
            continue

        def pick(future: bool, day: int = day) -> dt.date:
            step = 1 if future else -1
            year, month = clock.today.year, clock.today.month
            for _ in range(13):  # a 31st is at most a few months away
                found = _date(year, month, day)
                if found and (found >= clock.today if future else found <= clock.today):
                    return found
                month += step
                year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
            return clock.today

        yield _ambiguous(text, match, clock, pick, start=match.start() + match[0].find("the"))


_WEEKDAY_SAID = re.compile(
    rf"(?<![\w\-])(?:(?P<which>last|next|this|coming|on|since|from|until|till|by)\s+)?"
    rf"(?P<day>{_WEEKDAY})\b",
    re.IGNORECASE,
)


def _weekday(text: str, clock: Clock) -> Iterator[Mention]:
    for match in _WEEKDAY_SAID.finditer(text):
        weekday = _WEEKDAYS[match["day"][:3].lower()]
        which = (match["which"] or "").lower()
        back = (clock.today.weekday() - weekday) % 7
        ahead = (weekday - clock.today.weekday()) % 7
        if which == "last":
            value = clock.today - dt.timedelta(days=back or 7)
            yield Mention("date", match.start(), match.end(), _fixed(clock.at(value)))
        elif which == "next":
            value = clock.today + dt.timedelta(days=ahead or 7)
            yield Mention("date", match.start(), match.end(), _fixed(clock.at(value)))
        else:

            def pick(future: bool, back: int = back, ahead: int = ahead) -> dt.date:
                return clock.today + dt.timedelta(days=ahead if future else -back)

            start = match.start("day") if which in ("on", "since", "from") else match.start()
            mention = _ambiguous(text, match, clock, pick, start=start)
            if not which:
                mention = mention.unsure()  # "happy friday"
            yield mention


_AMOUNT = rf"(?P<n>\d{{1,3}}|an?|a\s+couple\s+of|a\s+few|{NUMBER_WORDS})"
_AGO = re.compile(
    rf"(?<![\w\-]){_AMOUNT}\s+(?P<unit>minute|hour|day|week|month|year)s?\s+ago\b",
    re.IGNORECASE,
)


def _ago(text: str, clock: Clock) -> Iterator[Mention]:
    for match in _AGO.finditer(text):
        amount = _amount(match["n"])
        if amount is None:
            continue
        unit = match["unit"].lower()
        if unit in ("minute", "hour"):
            value = clock.now - dt.timedelta(seconds=amount * SECONDS[unit])
            yield Mention("date-time", match.start(), match.end(), _fixed(value, True))
            continue
        day = _months_back(clock.today, amount * (12 if unit == "year" else 1))
        if unit in ("day", "week"):
            day = clock.today - dt.timedelta(seconds=amount * SECONDS[unit])
        yield Mention("date", match.start(), match.end(), _fixed(clock.at(day)))


def _amount(said: str) -> int | None:
    said = " ".join(said.lower().split())
    if said in ("a", "an"):
        return 1
    if said == "a couple of":
        return 2
    if said == "a few":
        return 3
    number = parse_number(said)
    return number if isinstance(number, int) and 0 < number < 1000 else None


_RELATIVE_DAYS = {
    "today": 0, "tomorrow": 1, "yesterday": -1, "the day before yesterday": -2,
    "the day after tomorrow": 2, "day after tomorrow": 2, "last week": -7, "a week ago": -7,
}  # fmt: skip
_RELATIVE = re.compile(
    r"\b(?:(?:the\s+)?day\s+(?:before\s+yesterday|after\s+tomorrow)|today|tomorrow|yesterday"
    r"|last\s+week)\b",
    re.IGNORECASE,
)
_CHATTY = frozenset({"today", "tomorrow"})  # "can you do it today?"


def _relative(text: str, clock: Clock) -> Iterator[Mention]:
    for match in _RELATIVE.finditer(text):
        said = " ".join(match[0].lower().split())
        day = clock.today + dt.timedelta(days=_RELATIVE_DAYS[said])
        mention = Mention("date", match.start(), match.end(), _fixed(clock.at(day)))
        yield mention.unsure() if said in _CHATTY else mention


_READERS: tuple[Callable[[str, Clock], Iterator[Mention]], ...] = (
    _iso, _written, _ago, _relative, _month_only, _day_of_month, _weekday,
)  # fmt: skip


# --- helpers ---------------------------------------------------------------------------------


def _in_year(
    text: str, match: re.Match[str], clock: Clock, month: int, day: int, year: str | None, start: int
) -> Mention | None:
    """The day of `month` in `year`, or in the year the slot's direction picks when unsaid."""
    if year:
        found = _date(int(year), month, day)
        return Mention("date", start, match.end(), _fixed(clock.at(found))) if found else None
    if _date(2024, month, day) is None:
        return None  # "Feb 30"; 2024 is a leap year, so 29 February stands
    return _ambiguous(text, match, clock, _yearly(clock, month, day), start=start)

_PAST_CUE = re.compile(r"\b(?:since|from|last|ago|was|were|got|had)\s+(?:on\s+)?(?:the\s+)?$", re.I)
_FUTURE_CUE = re.compile(r"\b(?:until|till|by|next|coming|before)\s+(?:the\s+)?$", re.I)


def _ambiguous(
    text: str,
    match: re.Match[str],
    clock: Clock,
    pick: Callable[[bool], dt.date],
    *,
    start: int | None = None,
) -> Mention:
    """A date said without its year, month or week: both readings, unless a cue decides."""
    before = text[max(0, match.start() - 20) : match.start() + (match[0].find(" ") + 1)]
    past, future = clock.at(pick(False)), clock.at(pick(True))
    if _PAST_CUE.search(before) or re.match(r"(?:since|from)\b", match[0], re.I):
        future = past
    elif _FUTURE_CUE.search(before) or re.match(r"(?:until|till|by)\b", match[0], re.I):
        past = future
    begin = match.start() if start is None else start
    return Mention("date", begin, match.end(), Moment(past, future))


def _yearly(clock: Clock, month: int, day: int) -> Callable[[bool], dt.date]:
    def pick(future: bool) -> dt.date:
        year = clock.today.year
        for offset in ((0, 1, 2, 3, 4) if future else (0, -1, -2, -3, -4)):
            found = _date(year + offset, month, day)  # 29 February waits for a leap year
            if found and (found >= clock.today if future else found <= clock.today):
                return found
        return clock.today

    return pick


def _months_back(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for last in (day.day, 30, 29, 28):
        if found := _date(year, month + 1, min(day.day, last)):
            return found
    return day


def _fixed(value: dt.datetime, has_time: bool = False) -> Moment:
    return Moment.fixed(value, has_time=has_time)


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
