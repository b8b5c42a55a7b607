"""The filters of the registry, on Babel's CLDR data.

Each takes the Jinja context first (where the customer's claims and the clock are), then the
value and the arguments `FILTERS` lists. Whatever it cannot format it returns unchanged.
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Mapping

from babel import Locale, UnknownLocaleError
from babel import dates, numbers

from chatgw.formats import LOCALE_CLAIM, NOW, timezone_claim, zone
from chatgw.formats._values import UTC, moment, number

_DEFAULT_LOCALE = "en"
_UNZONED_STYLES = ("short", "medium")  # CLDR's long and full times name their zone themselves


@dataclass(frozen=True, slots=True)
class _Reader:
    """How this customer reads a value: their locale and timezone, and whether the zone is theirs."""

    locale: Locale
    zone: dt.tzinfo
    own_zone: bool  # False: UTC for want of a claim, or a `tz=` the operator chose; then say which

    @classmethod
    def of(cls, context: Mapping[str, Any], tz: str | None = None, locale: str | None = None) -> _Reader:
        identity = context.get("identity")
        claims = identity if isinstance(identity, Mapping) else {}
        chosen = zone(tz) if tz else None
        theirs = zone(timezone_claim(claims))
        wanted = locale or claims.get(LOCALE_CLAIM)
        return cls(
            locale=_locale(wanted if isinstance(wanted, str) else None),
            zone=chosen or theirs or UTC,
            own_zone=chosen is None and theirs is not None,
        )


def format_datetime(context: Any, value: Any, format: str | None = None, tz: str | None = None, locale: str | None = None) -> Any:
    """`Dec 2, 2026, 7:50 PM` in the customer's zone: the medium date with the short time."""
    found = moment(value)
    if found is None:
        return value
    reader = _Reader.of(context, tz, locale)
    if not isinstance(found, dt.datetime):
        return _date(found, format or "medium", reader)
    local = found.astimezone(reader.zone)
    if format is None:
        both = reader.locale.datetime_formats["medium"]
        text = both.format(_time(local, "short", reader), _date(local.date(), "medium", reader))
        return _with_zone(text, local, reader)
    text = dates.format_datetime(local, format, tzinfo=reader.zone, locale=reader.locale)
    return _with_zone(text, local, reader) if format in _UNZONED_STYLES else text


def format_date(context: Any, value: Any, format: str = "medium", tz: str | None = None, locale: str | None = None) -> Any:
    """`Dec 2, 2026`: the day it is (or was) where the customer is."""
    found = moment(value)
    if found is None:
        return value
    reader = _Reader.of(context, tz, locale)
    day = found.astimezone(reader.zone).date() if isinstance(found, dt.datetime) else found
    return _date(day, format, reader)


def format_time(context: Any, value: Any, format: str = "short", tz: str | None = None, locale: str | None = None) -> Any:
    """`7:50 PM` on the customer's clock (with the zone's name when it is not theirs)."""
    found = moment(value)
    if not isinstance(found, dt.datetime):
        return value  # a calendar date has no time of day
    reader = _Reader.of(context, tz, locale)
    local = found.astimezone(reader.zone)
    text = _time(local, format, reader)
    return _with_zone(text, local, reader) if format in _UNZONED_STYLES else text


def format_relative(context: Any, value: Any, locale: str | None = None) -> Any:
    """`in 3 hours`, `2 days ago`: against the context's clock (NOW), else this instant."""
    found = moment(value)
    if found is None:
        return value
    reader = _Reader.of(context, None, locale)
    now = context.get(NOW)
    now = now if isinstance(now, dt.datetime) and now.tzinfo is not None else dt.datetime.now(UTC)
    if isinstance(found, dt.datetime):
        return dates.format_timedelta(found - now, add_direction=True, locale=reader.locale)
    days = (found - now.astimezone(reader.zone).date()).days
    if days == 0:
        return _date(found, "medium", reader)  # "in 0 days" is nobody's way of saying today
    return dates.format_timedelta(dt.timedelta(days=days), granularity="day", add_direction=True, locale=reader.locale)


def format_number(context: Any, value: Any, decimals: int | None = None, locale: str | None = None) -> Any:
    """`812,345` (`812 345` in French): grouped, up to 3 decimals, or exactly `decimals`."""
    found = number(value)
    if found is None:
        return value
    reader = _Reader.of(context, None, locale)
    pattern = _pattern(reader.locale.decimal_formats[None], decimals)
    return _half_up(lambda: numbers.format_decimal(found, format=pattern, locale=reader.locale))


def format_money(
    context: Any, value: Any, currency: str, minor: bool = True, decimals: int | None = None, locale: str | None = None
) -> Any:
    """`6000 | money("USD")` is `$60.00`: an amount in minor units (cents), or major with minor=false.

    The currency's own decimals (none for JPY, three for KWD) unless `decimals` says ("$499").
    """
    found = number(value)
    code = currency.upper() if isinstance(currency, str) else ""
    if found is None or not numbers.is_currency(code):
        return value
    reader = _Reader.of(context, None, locale)
    amount = found.scaleb(-numbers.get_currency_precision(code)) if minor else found
    if decimals is None:
        return _half_up(lambda: numbers.format_currency(amount, code, locale=reader.locale))
    pattern = _pattern(reader.locale.currency_formats["standard"], decimals)
    return _half_up(lambda: numbers.format_currency(amount, code, format=pattern, currency_digits=False, locale=reader.locale))


def format_percent(context: Any, value: Any, of: float = 1, decimals: int | None = None, locale: str | None = None) -> Any:
    """`0.812 | percent` and `81.2 | percent(of=100)` are `81.2%`: up to one decimal, or `decimals`."""
    found, whole = number(value), number(of)
    if found is None or not whole:
        return value
    reader = _Reader.of(context, None, locale)
    pattern = _pattern(reader.locale.percent_formats[None], decimals, default=(0, 1))
    return _half_up(lambda: numbers.format_percent(found / whole, format=pattern, locale=reader.locale))


IMPLEMENTATIONS: Mapping[str, Callable[..., Any]] = {
    "datetime": format_datetime,
    "date": format_date,
    "time": format_time,
    "relative": format_relative,
    "ago": format_relative,
    "number": format_number,
    "money": format_money,
    "percent": format_percent,
}


def _date(day: dt.date, format: str, reader: _Reader) -> str:
    return dates.format_date(day, format, locale=reader.locale)


def _time(local: dt.datetime, format: str, reader: _Reader) -> str:
    return dates.format_time(local, format, tzinfo=reader.zone, locale=reader.locale)


def _with_zone(text: str, local: dt.datetime, reader: _Reader) -> str:
    """The zone's short name after a time that is not on the customer's own clock."""
    if reader.own_zone:
        return text
    name = dates.format_time(local, "z", tzinfo=reader.zone, locale=reader.locale)
    if name[:1] in "+-":  # CLDR has no short name for it in this language ("+0900")
        name = dates.get_timezone_gmt(local, width="long", locale=reader.locale)
    return f"{text} {name}"


def _pattern(base: Any, decimals: int | None, default: tuple[int, int] | None = None) -> Any:
    """The locale's own number pattern (grouping, signs), with the fraction digits asked for."""
    pattern = copy.copy(numbers.parse_pattern(base))
    if isinstance(decimals, int) and not isinstance(decimals, bool) and 0 <= decimals <= 12:
        pattern.frac_prec = (decimals, decimals)
    elif default is not None:
        pattern.frac_prec = default
    return pattern


def _half_up(thunk: Callable[[], str]) -> str:
    # People and invoices round half up (2.5 -> 3); Babel follows the decimal context, which
    # rounds half to even unless told otherwise.
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP
        return thunk()


@lru_cache(maxsize=64)
def _locale(tag: str | None) -> Locale:
    """The customer's locale from a BCP 47 tag ("fr-CA"); English when there is none we know."""
    try:
        return Locale.parse((tag or _DEFAULT_LOCALE).replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(_DEFAULT_LOCALE)
