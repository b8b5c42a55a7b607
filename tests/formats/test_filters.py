"""The reply filters through the real sandboxed renderer: locales, timezones, bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chatgw.formats import FILTERS, NOW
from chatgw.formats._babel import IMPLEMENTATIONS
from chatgw.runtime.render import render_text

# The clock `relative` compares against is the context's NOW, so no test reads the wall clock.
# Babel writes CLDR's narrow no-break space (U+202F) before AM/PM, as browsers and phones do.
CLOCK = dt.datetime(2026, 12, 2, 16, 50, 19, tzinfo=dt.timezone.utc)
WHEN = "2026-12-02T19:50:19Z"
PARIS_FR = {"zoneinfo": "Europe/Paris", "locale": "fr-FR"}


def show(template: str, identity: dict | None = None, **values) -> str:
    return render_text(template, {"identity": identity or {}, NOW: CLOCK, **values})


def test_every_registered_filter_has_an_implementation():
    assert set(FILTERS) == set(IMPLEMENTATIONS)


@pytest.mark.parametrize(
    ("template", "identity", "expected"),
    [
        ("{{ v | datetime }}", {}, "Dec 2, 2026, 7:50\u202fPM UTC"),  # no zone claim: say which zone
        ("{{ v | datetime }}", {"zoneinfo": "America/New_York"}, "Dec 2, 2026, 2:50\u202fPM"),
        ("{{ v | datetime }}", PARIS_FR, "2 déc. 2026, 20:50"),
        ("{{ v | datetime }}", {"timezone": "Asia/Tokyo", "locale": "ja"}, "2026/12/03 4:50"),
        ("{{ v | datetime }}", {"tz": "Europe/Berlin", "locale": "de"}, "02.12.2026, 20:50"),
        ("{{ v | datetime('long') }}", {"zoneinfo": "America/New_York"}, "December 2, 2026, 2:50:19\u202fPM EST"),
        ("{{ v | datetime('EEEE d MMMM, HH:mm') }}", PARIS_FR, "mercredi 2 décembre, 20:50"),
        ("{{ v | datetime(tz='Asia/Tokyo') }}", {}, "Dec 3, 2026, 4:50\u202fAM GMT+09:00"),  # not theirs: named
        ("{{ v | date }}", {"zoneinfo": "Asia/Tokyo"}, "Dec 3, 2026"),  # already the 3rd there
        ("{{ v | date('full') }}", PARIS_FR, "mercredi 2 décembre 2026"),
        ("{{ v | time }}", {}, "7:50\u202fPM UTC"),
        ("{{ v | time }}", PARIS_FR, "20:50"),
        ("{{ v | time(locale='en-GB') }}", {"zoneinfo": "Europe/London"}, "19:50"),
    ],
)
def test_dates_and_times_read_in_the_customers_zone_and_locale(template, identity, expected):
    assert show(template, identity, v=WHEN) == expected


@pytest.mark.parametrize(
    "value",
    [WHEN, "2026-12-02T20:50:19+01:00", "2026-12-02 19:50:19", 1796241019, 1796241019000, dt.datetime(2026, 12, 2, 19, 50, 19)],
)
def test_iso_text_epoch_seconds_milliseconds_and_datetimes_are_one_moment(value):
    assert show("{{ v | datetime }}", v=value) == "Dec 2, 2026, 7:50\u202fPM UTC"


def test_a_calendar_date_stays_that_day_in_every_zone():
    assert show("{{ v | date }}", {"zoneinfo": "Pacific/Honolulu"}, v="2026-05-31") == "May 31, 2026"
    assert show("{{ v | datetime }}", {"zoneinfo": "Asia/Tokyo"}, v=dt.date(2026, 5, 31)) == "May 31, 2026"
    assert show("{{ v | time }}", v="2026-05-31") == "2026-05-31"  # no time of day to show


@pytest.mark.parametrize(
    ("value", "identity", "expected"),
    [
        (WHEN, {}, "in 3 hours"),
        ("2026-11-30T16:50:19Z", {}, "2 days ago"),
        ("2026-12-02T16:49:49Z", {}, "30 seconds ago"),
        (WHEN, PARIS_FR, "dans 3 heures"),
        ("2026-11-30T16:50:19Z", {"locale": "de"}, "vor 2 Tagen"),
        ("2026-12-05", {}, "in 3 days"),
        ("2026-12-01", {"zoneinfo": "Pacific/Kiritimati"}, "2 days ago"),  # already the 3rd there
        ("2026-12-02", {}, "Dec 2, 2026"),  # today: the date, not "in 0 days"
    ],
)
def test_relative_counts_from_the_clock_in_the_context(value, identity, expected):
    assert show("{{ v | relative }}", identity, v=value) == expected
    assert show("{{ v | ago }}", identity, v=value) == expected


@pytest.mark.parametrize(
    ("template", "identity", "expected"),
    [
        ("{{ 812345 | number }}", {}, "812,345"),
        ("{{ 812345 | number }}", {"locale": "fr"}, "812\u202f345"),
        ("{{ 812345.5 | number }}", {"locale": "de-DE"}, "812.345,5"),
        ("{{ 1234567 | number }}", {"locale": "en-IN"}, "12,34,567"),
        ("{{ '6000' | number }}", {}, "6,000"),
        ("{{ 2.5 | number(decimals=0) }}", {}, "3"),  # half up, as people round
        ("{{ 1234.5 | number(2) }}", {}, "1,234.50"),
        ("{{ (1 / 3) | number }}", {}, "0.333"),
    ],
)
def test_numbers_are_grouped_in_the_customers_locale(template, identity, expected):
    assert show(template, identity) == expected


@pytest.mark.parametrize(
    ("template", "identity", "expected"),
    [
        ("{{ 6000 | money('USD') }}", {}, "$60.00"),
        ("{{ 6000 | money('usd') }}", {}, "$60.00"),  # Stripe writes currencies in lower case
        ("{{ 6000 | money('EUR') }}", {"locale": "fr-FR"}, "60,00\u00a0€"),
        ("{{ 6000 | money('JPY') }}", {}, "¥6,000"),  # no minor unit: 6000 yen
        ("{{ 12345 | money('KWD') }}", {}, "KWD12.345"),  # three decimals
        ("{{ 45.5 | money('USD', minor=false) }}", {}, "$45.50"),
        ("{{ 123456789 | money('USD') }}", {"locale": "de"}, "1.234.567,89\u00a0$"),
        ("{{ 5 | money('GBP') }}", {"locale": "en-GB"}, "£0.05"),
        ("{{ 499 | money('USD', minor=false, decimals=0) }}", {}, "$499"),
        ("{{ 49950 | money('EUR', decimals=0) }}", {"locale": "de"}, "500\u00a0€"),
    ],
)
def test_money_is_read_from_minor_units_of_its_currency(template, identity, expected):
    assert show(template, identity) == expected


@pytest.mark.parametrize(
    ("template", "identity", "expected"),
    [
        ("{{ 0.812 | percent }}", {}, "81.2%"),
        ("{{ 0.5 | percent }}", {}, "50%"),
        ("{{ 81.2 | percent(of=100) }}", {}, "81.2%"),
        ("{{ 812345 | percent(of=1000000, decimals=2) }}", {}, "81.23%"),
        ("{{ 0.812 | percent }}", {"locale": "fr"}, "81,2\u00a0%"),
    ],
)
def test_percent_takes_a_ratio_or_a_share_of_a_whole(template, identity, expected):
    assert show(template, identity) == expected


@pytest.mark.parametrize(
    ("template", "value"),
    [
        ("{{ v | datetime }}", "soon"),
        ("{{ v | date }}", "2026-13-45"),
        ("{{ v | relative }}", [1, 2]),
        ("{{ v | number }}", "lots"),
        ("{{ v | number }}", True),
        ("{{ v | number }}", float("nan")),
        ("{{ v | money('USD') }}", "n/a"),
        ("{{ v | money('XYZ') }}", 6000),
        ("{{ v | money(none) }}", 6000),
        ("{{ v | percent(of=0) }}", 0.5),
        ("{{ v | datetime }}", 10**20),
        ("{{ v | number(decimals='two') }}", 5),
    ],
)
def test_a_value_that_cannot_be_formatted_is_shown_as_it_came(template, value):
    assert show(template, v=value) == str(value)


def test_an_empty_value_prints_as_nothing_and_an_unknown_locale_or_zone_claim_reads_as_english_utc():
    assert show("[{{ v | datetime }}]", v=None) == "[]"
    assert show("{{ v | datetime }}", {"locale": "xx-YY", "zoneinfo": "Mars/Olympus"}, v=WHEN) == "Dec 2, 2026, 7:50\u202fPM UTC"
    assert show("{{ v | datetime }}", {"locale": 42, "zoneinfo": ["Europe/Paris"]}, v=WHEN) == "Dec 2, 2026, 7:50\u202fPM UTC"


def test_without_a_clock_in_the_context_relative_uses_this_instant():
    # Only the sign is certain against the wall clock: a year ahead is "in", a year back "ago".
    ahead = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=400)).isoformat()
    assert render_text("{{ v | relative }}", {"identity": {}, "v": ahead}).startswith("in ")


def test_every_filter_is_in_the_file_reference_with_its_arguments():
    reference = (Path(__file__).resolve().parents[2] / "docs" / "files.md").read_text()
    section = reference.split("### Reply filters\n", 1)[1].split("\n## ", 1)[0]
    for name, spec in FILTERS.items():
        assert f"`{name}({', '.join(p.name for p in spec.params)})`" in section, name
