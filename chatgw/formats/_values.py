"""What the filters accept: the shapes dates and numbers arrive in from APIs and slots."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

UTC = dt.timezone.utc
# Epoch numbers past this are milliseconds (JavaScript's Date.now()); as seconds it is the year 5138.
_MILLISECONDS_FROM = 100_000_000_000


def moment(value: Any) -> dt.datetime | dt.date | None:
    """An aware datetime, or a calendar date; None when `value` is neither.

    Takes datetimes and dates, ISO 8601 text ("2026-12-02T19:50:19Z", "2026-12-02") and epoch
    numbers (seconds, or milliseconds when that large). A time without an offset is UTC.
    """
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if abs(value) >= _MILLISECONDS_FROM else value
        try:
            return dt.datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        return _iso(value.strip())
    return None


def number(value: Any) -> Decimal | None:
    """A finite decimal from a number or numeric text ("12.50"); None otherwise (booleans too)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        return None
    try:
        found = Decimal(value.strip() if isinstance(value, str) else str(value))
    except InvalidOperation:
        return None
    return found if found.is_finite() else None


def _iso(text: str) -> dt.datetime | dt.date | None:
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        found = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)
