"""Template filters that format values like a person would: dates, times, numbers, money.

One registry, `FILTERS`: the renderer installs it (`install`) and `validate` checks templates
against it (names, and the literal arguments each filter takes), so the two cannot drift.
The formatting itself is Babel's (CLDR data) and happens in `_babel.py`, imported only when
a template environment is built: `chatgw validate` never loads it.

A filter reads the customer's locale and timezone from the verified identity claims in the
template's context, and a value it cannot format is shown as it came, never an error.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from dataclasses import dataclass
from typing import Any, Callable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "FILTERS", "LOCALE_CLAIM", "NOW", "TIMEZONE_CLAIMS", "UNKNOWN",
    "Filter", "Param", "install", "problems", "signature", "timezone_claim", "zone",
]

# Claims that may name the customer's timezone: OpenID Connect's `zoneinfo`, then common ones.
TIMEZONE_CLAIMS = ("zoneinfo", "timezone", "tz")
# OpenID Connect's claim for the customer's language (BCP 47, "fr-CA"); English without one.
LOCALE_CLAIM = "locale"
# The context key of the clock `relative` compares against (an aware datetime); absent: now.
NOW = "__now__"

UNKNOWN: Any = object()  # an argument validate cannot know: not a literal


@dataclass(frozen=True, slots=True)
class Param:
    """One argument of a filter; `check` tells what is wrong with a literal value, if anything."""

    name: str
    kinds: tuple[type, ...]
    required: bool = False
    check: Callable[[Any], str | None] | None = None


@dataclass(frozen=True, slots=True)
class Filter:
    name: str
    params: tuple[Param, ...]


def timezone_claim(identity: Mapping[str, Any] | None) -> str | None:
    """The timezone the verified claims name (an IANA name), or None."""
    if not identity:
        return None
    return next((identity[c] for c in TIMEZONE_CLAIMS if isinstance(identity.get(c), str) and identity[c]), None)


def zone(name: str | None) -> dt.tzinfo | None:
    """The timezone called `name`; None when it is empty or no zone has that name."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def problems(name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> list[str]:
    """What is wrong with a call of filter `name`; UNKNOWN marks an argument that is not a literal."""
    spec = FILTERS[name]
    found: list[str] = []
    if len(args) > len(spec.params):
        found.append(f"'{name}' takes at most {len(spec.params)} argument(s), not {len(args)}")
    given = dict(zip((p.name for p in spec.params), args))
    for key, value in kwargs.items():
        if key not in {p.name for p in spec.params}:
            found.append(f"'{name}' has no argument '{key}'")
        elif key in given:
            found.append(f"'{name}' gets '{key}' twice")
        else:
            given[key] = value
    for param in spec.params:
        if param.name not in given:
            if param.required:
                found.append(f"'{name}' needs its argument '{param.name}'")
            continue
        problem = _literal_problem(param, given[param.name])
        if problem:
            found.append(f"'{name}' argument '{param.name}': {problem}")
    return found


def signature(name: str) -> str:
    """`money(currency, minor=..., decimals=..., locale=...)`: how the filter is called, for hints."""
    parts = [p.name if p.required else f"{p.name}=..." for p in FILTERS[name].params]
    return f"{name}({', '.join(parts)})"


def install(environment: Any) -> None:
    """Add every filter of the registry to a Jinja environment."""
    from jinja2 import pass_context

    from chatgw.formats._babel import IMPLEMENTATIONS

    for name in FILTERS:
        environment.filters[name] = pass_context(_as_is_when_unformattable(IMPLEMENTATIONS[name]))


def _as_is_when_unformattable(function: Callable[..., Any]) -> Callable[..., Any]:
    # A value or a computed argument the filter cannot use shows the value as it came: the
    # customer still gets the reply, with "2026-12-02T19:50:19Z" rather than "Done.".
    @functools.wraps(function)
    def apply(context: Any, value: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return function(context, value, *args, **kwargs)
        except (TypeError, ValueError, LookupError, ArithmeticError, AttributeError):
            return value

    return apply


def _literal_problem(param: Param, value: Any) -> str | None:
    if value is UNKNOWN or value is None:
        return None
    if isinstance(value, bool) and bool not in param.kinds or not isinstance(value, param.kinds):
        wanted = " or ".join(_KIND_NAMES[kind] for kind in param.kinds)
        return f"{value!r} is not {wanted}"
    return param.check(value) if param.check else None


_KIND_NAMES = {str: "a string", bool: "true or false", int: "a whole number", float: "a number"}
_STYLES = ("short", "medium", "long", "full")


def _style_or_pattern(value: str) -> str | None:
    # Babel reads almost any text as a CLDR pattern ("medum" prints digits), so a word close
    # to a style name is taken for a misspelt style rather than a pattern.
    close = difflib.get_close_matches(value.lower(), _STYLES, n=1, cutoff=0.6)
    if value in _STYLES or not close or not value.isalpha():
        return None
    return f"'{value}' is not a style; did you mean '{close[0]}'? (styles: {', '.join(_STYLES)}, or a CLDR pattern like 'd MMM y, HH:mm')"


def _locale(value: str) -> str | None:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(value.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return f"no locale is called '{value}' (use a BCP 47 tag like 'en', 'fr-CA', 'pt-BR')"
    return None


def _timezone(value: str) -> str | None:
    return None if zone(value) is not None else f"no timezone is called '{value}' (use an IANA name like 'Europe/Paris')"


def _currency(value: str) -> str | None:
    from babel.numbers import is_currency

    return None if is_currency(value.upper()) else f"'{value}' is not an ISO 4217 currency code (like 'USD', 'EUR', 'JPY')"


def _decimals(value: int) -> str | None:
    return None if 0 <= value <= 12 else f"{value} is not between 0 and 12"


def _positive(value: float) -> str | None:
    return None if value > 0 else f"{value} is not above 0"


_LOCALE = Param("locale", (str,), check=_locale)
_TZ = Param("tz", (str,), check=_timezone)
_DECIMALS = Param("decimals", (int,), check=_decimals)

_FORMAT = Param("format", (str,), check=_style_or_pattern)
_CURRENCY = Param("currency", (str,), required=True, check=_currency)
_OF = Param("of", (int, float), check=_positive)

FILTERS: Mapping[str, Filter] = {
    spec.name: spec
    for spec in (
        Filter("datetime", (_FORMAT, _TZ, _LOCALE)),
        Filter("date", (_FORMAT, _TZ, _LOCALE)),
        Filter("time", (_FORMAT, _TZ, _LOCALE)),
        Filter("relative", (_LOCALE,)),
        Filter("ago", (_LOCALE,)),  # the same as relative, for "created {{ x | ago }}"
        Filter("number", (_DECIMALS, _LOCALE)),
        Filter("money", (_CURRENCY, Param("minor", (bool,)), _DECIMALS, _LOCALE)),
        Filter("percent", (_OF, _DECIMALS, _LOCALE)),
    )
}
