"""Times of day ("at 5 past 7", "7:05pm", "half past six", "noon", "this morning"), joined to
the date said next to them into date-times.

An hour said without am or pm ("at 7") is read in office hours (7 to 11 in the morning, 12 at
noon, 1 to 6 in the afternoon), unless that puts a time about the past later today than now
(then the other half of the day, else yesterday), or a time about the future earlier today.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterator

from chatgw.nlu.slots._clock import Clock, Moment
from chatgw.nlu.slots._dates import find_dates
from chatgw.nlu.slots._mention import Mention
from chatgw.nlu.slots._numbers import NUMBER_WORDS, parse_number


def find_moments(text: str, clock: Clock) -> list[Mention]:
    """Dates, times of day ("time") and dates with times ("date-time") in `text`, as Moments."""
    dates = find_dates(text, clock)
    cores = [c for c in _cores(text) if not any(d.overlaps(c.start, c.end) for d in dates)]
    parts = [p for p in _parts(text) if not any(d.overlaps(p.start, p.end) for d in dates)]
    found: list[Mention] = []
    used: set[int] = set()  # ids of dates and parts joined to a time
    for core in cores:
        part = _next_to(text, core, parts)
        start, end = core.start, core.end
        if part is not None:
            start, end = min(start, part.start), max(end, part.end)
        date = _next_to(text, _Span(start, end), [d for d in dates if d.kind == "date"])
        if part is not None:
            used.add(id(part))
        if date is not None:
            used.add(id(date))
            start, end = min(start, date.start), max(end, date.end)
        found.append(_timed(clock, core, part, date, start, end))
    found.extend(d for d in dates if id(d) not in used)
    found.extend(_part_alone(clock, p) for p in parts if id(p) not in used)
    return found


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Core:
    """A time of day as said: the hours it may be (two when am or pm is unsaid) and minutes."""

    start: int
    end: int
    hours: tuple[int, ...]  # the office-hours reading first
    minute: int


@dataclass(frozen=True, slots=True)
class _Part:
    """'this morning', 'last night': a day (offset from today, None: unsaid) and half of it."""

    start: int
    end: int
    day: int | None
    pm: bool
    hour: int  # when no time is said


# --- times of day --------------------------------------------------------------------------------

_AP = r"(?:\s*(?P<ap>[ap])\.?m\b\.?)?"
_CLOCK = re.compile(rf"(?<![\w:.\-])(?P<h>\d{{1,2}}):(?P<m>[0-5]\d)(?::[0-5]\d)?{_AP}(?![\w:]|\.\d)", re.I)
_MERIDIEM = re.compile(r"(?<![\w:.\-])(?P<h>\d{1,2})\s*(?P<ap>[ap])\.?m\b\.?", re.I)
_SMALL = rf"\d{{1,2}}|{NUMBER_WORDS}"
_PAST_TO = re.compile(
    rf"(?<![\w\-])(?P<pre>from\s+|between\s+)?(?P<mins>(?:a\s+)?quarter|half|{_SMALL})\s+"
    rf"(?:minutes?\s+)?(?P<dir>past|after|to|before)\s+(?P<h>\d{{1,2}}|{NUMBER_WORDS}){_AP}(?![\w\-])",
    re.I,
)
_OCLOCK = re.compile(rf"(?<![\w\-])(?P<h>\d{{1,2}}|[a-z]+)\s+o['’]?clock\b{_AP}", re.I)
_NOON = re.compile(r"\b(?P<word>noon|midday|midnight)\b", re.I)
_AT_HOUR = re.compile(
    r"(?<![\w\-])(?:at|around|about|since|until|till|after|before)\s+(?:about\s+|around\s+)?"
    r"(?P<h>\d{1,2})(?=\s*(?:$|[,;.!?)]|o['’]?clock|in\s+the|this|tonight|today|yesterday"
    r"|tomorrow|last|on|and|when|or)\b|\s*$|\s*[,;.!?)])",
    re.I,
)
# a number before these is a quantity, not a time ("2 to 3 days")
_NOT_TIME_AFTER = re.compile(
    r"\s*(?:%|(?:percent|seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?"
    r"|dollars?|euros?|pounds?|cents?|usd|eur|gbp|seats?|times?)\b)",
    re.I,
)
_HOUR_WORDS = {w: n for n, w in enumerate(
    "one two three four five six seven eight nine ten eleven twelve".split(), start=1)}  # fmt: skip


def _cores(text: str) -> list[_Core]:
    found: list[_Core] = []
    for core in _all_cores(text):
        if not any(c.start < core.end and core.start < c.end for c in found):
            found.append(core)
    return found


def _all_cores(text: str) -> Iterator[_Core]:
    for match in _CLOCK.finditer(text):
        hour = int(match["h"])
        if hour <= 23:
            leading = match["h"].startswith("0") or hour > 12
            yield _core(match, hour, int(match["m"]), match["ap"], twenty_four=leading)
    for match in _PAST_TO.finditer(text):
        if core := _past_to(text, match):
            yield core
    for match in _MERIDIEM.finditer(text):
        if 1 <= int(match["h"]) <= 12:
            yield _core(match, int(match["h"]), 0, match["ap"])
    for match in _OCLOCK.finditer(text):
        if hour := _hour(match["h"]):
            yield _core(match, hour, 0, match["ap"])
    for match in _NOON.finditer(text):
        hour = 0 if match["word"].lower() == "midnight" else 12
        yield _Core(match.start(), match.end(), (hour,), 0)
    for match in _AT_HOUR.finditer(text):
        if 1 <= int(match["h"]) <= 12:
            yield _core(match, int(match["h"]), 0, None)


def _past_to(text: str, match: re.Match[str]) -> _Core | None:
    if match["pre"] or _NOT_TIME_AFTER.match(text, match.end()):
        return None  # "from 2 to 3", "2 to 3 days"
    said = " ".join(match["mins"].lower().split())
    minutes = {"quarter": 15, "a quarter": 15, "half": 30}.get(said)
    if minutes is None:
        number = parse_number(said)
        minutes = number if isinstance(number, int) else None
    hour = _hour(match["h"])
    if minutes is None or hour is None or not 0 < minutes < 60:
        return None
    if match["dir"].lower() in ("to", "before"):
        if said == "half":
            return None
        hour, minutes = (hour - 1) or 12, 60 - minutes
    return _core(match, hour, minutes, match["ap"])


def _core(
    match: re.Match[str], hour: int, minute: int, ap: str | None, *, twenty_four: bool = False
) -> _Core:
    if twenty_four:
        return _Core(match.start(), match.end(), (hour,), minute)
    if ap:
        return _Core(match.start(), match.end(), (hour % 12 + (12 if ap.lower() == "p" else 0),), minute)
    office = hour % 12 + 12 if hour <= 6 else hour
    other = hour % 12 if office >= 12 else hour % 12 + 12
    return _Core(match.start(), match.end(), (office, other), minute)


def _hour(said: str) -> int | None:
    hour = int(said) if said.isdigit() else _HOUR_WORDS.get(said.lower())
    return hour if hour is not None and 1 <= hour <= 12 else None


# --- parts of the day ------------------------------------------------------------------------------

_PART = re.compile(
    r"(?<![\w\-])(?:(?P<which>this|tomorrow|yesterday|in\s+the)\s+(?P<half>morning|afternoon|evening)"
    r"|(?P<tonight>tonight)|(?P<last>last\s+night)|(?P<night>at\s+night))\b",
    re.I,
)
_HALVES = {"morning": (False, 9), "afternoon": (True, 15), "evening": (True, 19), "night": (True, 22)}
_DAYS = {"this": 0, "tomorrow": 1, "yesterday": -1}


def _parts(text: str) -> Iterator[_Part]:
    for match in _PART.finditer(text):
        if match["half"]:
            pm, hour = _HALVES[match["half"].lower()]
            day = _DAYS.get(match["which"].lower())
        else:
            pm, hour = _HALVES["night"]
            day = 0 if match["tonight"] else -1 if match["last"] else None
        yield _Part(match.start(), match.end(), day, pm, hour)


# --- joining and resolving -------------------------------------------------------------------------

_JOINER = re.compile(r"\s*,?\s*(?:at|on|around|about|from|since)?\s*", re.I)


def _next_to(text: str, span: _Core | _Part | _Span, others: list) -> object | None:
    for other in others:
        between = (other.end, span.start) if other.end <= span.start else (span.end, other.start)
        if other.start >= span.end or other.end <= span.start:
            if between[0] <= between[1] and _JOINER.fullmatch(text, *between):
                return other
    return None


def _timed(
    clock: Clock, core: _Core, part: object | None, date: object | None, start: int, end: int
) -> Mention:
    hours = core.hours
    if isinstance(part, _Part) and len(hours) == 2:
        hours = tuple(sorted(hours, key=lambda h: (h >= 12) != part.pm))  # "7 this evening"
        hours = hours[:1]
    if isinstance(date, Mention):
        days = (date.value.past.date(), date.value.future.date())
        past, future = (_on(clock, d, hours, core.minute, f) for d, f in zip(days, (False, True)))
        return Mention("date-time", start, end, Moment(past, future, True, True))
    if isinstance(part, _Part) and part.day is not None:
        day = clock.today + dt.timedelta(days=part.day)
        value = _on(clock, day, hours, core.minute, False)
        return Mention("date-time", start, end, Moment.fixed(value, has_time=True))
    past, future = (_nearest(clock, hours, core.minute, f) for f in (False, True))
    return Mention("time", start, end, Moment(past, future, False, True))


def _on(clock: Clock, day: dt.date, hours: tuple[int, ...], minute: int, future: bool) -> dt.datetime:
    """The time on a given day: office hours, unless today's other half fits the direction."""
    times = [clock.at(day, dt.time(h, minute)) for h in hours]
    if day == clock.today:
        fitting = [t for t in times if (t >= clock.now if future else t <= clock.now)]
        return fitting[0] if fitting else times[0]
    return times[0]


def _nearest(clock: Clock, hours: tuple[int, ...], minute: int, future: bool) -> dt.datetime:
    """The time with no day said: today if it fits the direction, else yesterday or tomorrow."""
    times = [clock.at(clock.today, dt.time(h, minute)) for h in hours]
    fitting = [t for t in times if (t >= clock.now if future else t <= clock.now)]
    if fitting:
        return fitting[0]
    return times[0] + dt.timedelta(days=1 if future else -1)


def _part_alone(clock: Clock, part: _Part) -> Mention:
    day = clock.today + dt.timedelta(days=part.day or 0)
    value = clock.at(day, dt.time(part.hour))
    return Mention("date-time", part.start, part.end, Moment.fixed(value, has_time=True), sure=False)
