"""The customer's clock, and moments said without all their parts ("Friday", "at 7").

A moment carries two readings, the one a slot about the past wants and the one a slot about
the future wants; the slot picks (see `_kinds.Direction`). Said that way, a support agent reads
"on the 3rd" as the last 3rd when asked when a charge happened, and the next one when asked when
to call back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chatgw.formats import zone

UTC = dt.timezone.utc


@dataclass(frozen=True, slots=True)
class Clock:
    now: dt.datetime  # aware, in the customer's zone

    @property
    def today(self) -> dt.date:
        return self.now.date()

    def at(self, day: dt.date, time: dt.time = dt.time()) -> dt.datetime:
        """`day` at `time` in the customer's zone (a wall-clock time, DST applied)."""
        return dt.datetime.combine(day, time, tzinfo=self.now.tzinfo)


def make_clock(now: dt.datetime | None, timezone: str | None) -> Clock:
    """`now` (default: this instant) seen in `timezone`; an unknown zone name reads as UTC."""
    now = now if now is not None else dt.datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return Clock(now.astimezone(zone(timezone) or UTC))  # a claim we cannot read must not stop the conversation


@dataclass(frozen=True, slots=True)
class Moment:
    """A date, a time of day, or both, with its reading for the past and for the future."""

    past: dt.datetime
    future: dt.datetime
    has_date: bool = True
    has_time: bool = False

    @classmethod
    def fixed(cls, value: dt.datetime, *, has_date: bool = True, has_time: bool = False) -> Moment:
        return cls(value, value, has_date, has_time)

    def pick(self, future: bool) -> dt.datetime:
        return self.future if future else self.past


def iso(value: dt.datetime) -> str:
    """ISO 8601 with its offset, UTC written as Z."""
    return value.isoformat().replace("+00:00", "Z")


def iso_time(value: dt.datetime) -> str:
    """The wall-clock time with its offset: 19:05:00+01:00 (an RFC 3339 full-time)."""
    return iso(value).split("T", 1)[1]
