"""Dates and times of day said the way customers say them, resolved against a clock and a zone.

The clock stands still on Wednesday 18 March 2026, 10:30 in Paris (09:30 UTC).
"""

from __future__ import annotations

import datetime as dt
import pytest

from chatgw.compiler.plans import SlotPlan
from chatgw.nlu.slots import check_slot_value, extract_slots

NOW = dt.datetime(2026, 3, 18, 9, 30, tzinfo=dt.timezone.utc)
PARIS = "Europe/Paris"

CHARGED_ON = SlotPlan("charge_date", format="date", description="The day you were charged")
SINCE = SlotPlan("since", format="date", description="Errors from this date on")
CALLBACK = SlotPlan("callback_date", format="date", description="When should we call you back?")
FAILED_AT = SlotPlan("time", format="time", description="When the error happened")
ERRORS_FROM = SlotPlan("errors_from", format="date-time", description="When the errors started")
AMOUNT = SlotPlan("amount", type="number", minimum=1, maximum=500)

# (slot, message, expected): also the phrasings the date readers were measured on
CASES: list[tuple[SlotPlan, str, str]] = [
    (CHARGED_ON, "I was charged yesterday", "2026-03-17"),
    (CHARGED_ON, "charged last Tuesday", "2026-03-17"),
    (CHARGED_ON, "the charge on the 3rd", "2026-03-03"),
    (CHARGED_ON, "charged on the 20th", "2026-02-20"),
    (CHARGED_ON, "charged on March 3", "2026-03-03"),
    (CHARGED_ON, "the charge on March 25", "2025-03-25"),
    (CHARGED_ON, "charged two days ago", "2026-03-16"),
    (CHARGED_ON, "charged 3 weeks ago", "2026-02-25"),
    (CHARGED_ON, "I got charged a week ago", "2026-03-11"),
    (CHARGED_ON, "charged the day before yesterday", "2026-03-16"),
    (CHARGED_ON, "charged on Monday", "2026-03-16"),
    (CHARGED_ON, "the charge on Friday", "2026-03-13"),
    (CHARGED_ON, "charged on 3 March", "2026-03-03"),
    (CHARGED_ON, "charged on the 3rd of March", "2026-03-03"),
    (CHARGED_ON, "charged on Dec 24th", "2025-12-24"),
    (CHARGED_ON, "charged this morning", "2026-03-18"),
    (SINCE, "errors since March", "2026-03-01"),
    (SINCE, "failing since February", "2026-02-01"),
    (SINCE, "broken since last week", "2026-03-11"),
    (SINCE, "errors since the 10th", "2026-03-10"),
    (CALLBACK, "call me back next friday", "2026-03-20"),
    (CALLBACK, "call me back on Friday", "2026-03-20"),
    (CALLBACK, "call me back on the 3rd", "2026-04-03"),
    (CALLBACK, "call me back on March 25", "2026-03-25"),
    (CALLBACK, "call me back tomorrow", "2026-03-19"),
    (FAILED_AT, "it failed at 5 past 7", "07:05:00+01:00"),
    (FAILED_AT, "it failed at 7:05pm", "19:05:00+01:00"),
    (FAILED_AT, "the error happened at noon", "12:00:00+01:00"),
    (FAILED_AT, "it failed at half past six", "06:30:00+01:00"),
    (FAILED_AT, "it failed at 19:05", "19:05:00+01:00"),
    (FAILED_AT, "it failed at quarter to 8", "07:45:00+01:00"),
    (FAILED_AT, "it failed at 3 in the afternoon", "15:00:00+01:00"),
    (FAILED_AT, "the error happened around 9am", "09:00:00+01:00"),
    (ERRORS_FROM, "errors started yesterday at 7:05pm", "2026-03-17T19:05:00+01:00"),
    (ERRORS_FROM, "errors since 5 past 7 this morning", "2026-03-18T07:05:00+01:00"),
    (ERRORS_FROM, "errors started on March 3 at noon", "2026-03-03T12:00:00+01:00"),
    (ERRORS_FROM, "errors started two hours ago", "2026-03-18T08:30:00+01:00"),
    (ERRORS_FROM, "errors started last night at 11", "2026-03-17T23:00:00+01:00"),
    (ERRORS_FROM, "errors started at 9pm", "2026-03-17T21:00:00+01:00"),
    (ERRORS_FROM, "errors since March", "2026-03-01T00:00:00+01:00"),
]


# written after the rules, to measure them on phrasings they were not tuned on
HELD_OUT: list[tuple[SlotPlan, str, str]] = [
    (CHARGED_ON, "I was billed on the 1st", "2026-03-01"),
    (CHARGED_ON, "charged on Sunday", "2026-03-15"),
    (CHARGED_ON, "charged 10 days ago", "2026-03-08"),
    (CHARGED_ON, "charged on the 14th of February", "2026-02-14"),
    (CHARGED_ON, "charged on Jan 5", "2026-01-05"),
    (CHARGED_ON, "the charge was on 28 Feb", "2026-02-28"),
    (CHARGED_ON, "charged a couple of days ago", "2026-03-16"),
    (CHARGED_ON, "charged yesterday evening", "2026-03-17"),
    (SINCE, "errors since Monday", "2026-03-16"),
    (SINCE, "errors since yesterday", "2026-03-17"),
    (CALLBACK, "call me back on Monday", "2026-03-23"),
    (CALLBACK, "call me back on April 2", "2026-04-02"),
    (CALLBACK, "call me back the day after tomorrow", "2026-03-20"),
    (FAILED_AT, "it failed at 8:15", "08:15:00+01:00"),
    (FAILED_AT, "it failed at twenty past nine", "09:20:00+01:00"),
    (FAILED_AT, "it failed at 10 to 10", "09:50:00+01:00"),
    (FAILED_AT, "it failed at 6pm", "18:00:00+01:00"),
    (FAILED_AT, "the error happened at midnight", "00:00:00+01:00"),
    (ERRORS_FROM, "errors started this morning at 8", "2026-03-18T08:00:00+01:00"),
    (ERRORS_FROM, "errors started 30 minutes ago", "2026-03-18T10:00:00+01:00"),
    (ERRORS_FROM, "errors started on Monday at 9am", "2026-03-16T09:00:00+01:00"),
    (ERRORS_FROM, "errors started yesterday around 4pm", "2026-03-17T16:00:00+01:00"),
    (ERRORS_FROM, "errors started at 2:30 pm yesterday", "2026-03-17T14:30:00+01:00"),
    (ERRORS_FROM, "errors since the 2nd at noon", "2026-03-02T12:00:00+01:00"),
]


@pytest.mark.parametrize(("slot", "text", "expected"), CASES + HELD_OUT)
def test_extract_slots_resolves_dates_and_times_in_context(
    slot: SlotPlan, text: str, expected: str
) -> None:
    found = extract_slots(text, (slot, AMOUNT), now=NOW, timezone=PARIS)
    assert found == {slot.name: expected}
    assert check_slot_value(slot, found[slot.name]) == (expected, None)


def test_extract_slots_resolves_today_in_the_customers_timezone() -> None:
    late = dt.datetime(2026, 3, 18, 23, 30, tzinfo=dt.timezone.utc)
    today = SlotPlan("day", format="date")
    asked = {"expecting": "day", "now": late}
    assert extract_slots("today", (today,), **asked, timezone="Asia/Tokyo") == {"day": "2026-03-19"}
    assert extract_slots("today", (today,), **asked) == {"day": "2026-03-18"}


def test_extract_slots_ignores_an_unknown_timezone() -> None:
    found = extract_slots("at 7:05pm", (FAILED_AT,), now=NOW, timezone="Mars/Olympus")
    assert found == {"time": "19:05:00Z"}


def test_extract_slots_writes_utc_as_z_without_a_timezone() -> None:
    found = extract_slots("errors started yesterday at 11pm", (ERRORS_FROM,), now=NOW)
    assert found == {"errors_from": "2026-03-17T23:00:00Z"}


def test_extract_slots_reads_a_naive_iso_date_time_in_the_customers_timezone() -> None:
    found = extract_slots("from 2026-03-01 10:00", (ERRORS_FROM,), now=NOW, timezone=PARIS)
    assert found == {"errors_from": "2026-03-01T10:00:00+01:00"}


@pytest.mark.parametrize(
    ("slot", "expected"),
    [(SlotPlan("call_time"), "19:05:00+01:00"), (SlotPlan("at"), "19:05:00+01:00")],
)
def test_extract_slots_reads_a_string_slot_named_for_a_time_as_a_time(
    slot: SlotPlan, expected: str
) -> None:
    found = extract_slots("at 7:05pm", (slot,), now=NOW, timezone=PARIS)
    assert found == {slot.name: expected}


def test_extract_slots_needs_an_anchor_for_chatty_relative_days() -> None:
    assert extract_slots("can you do it today?", (CALLBACK,), now=NOW) == {}
    assert extract_slots("this morning I got an email", (AMOUNT,), now=NOW) == {}


def test_extract_slots_keeps_a_duration_apart_from_a_date_ago() -> None:
    hours = SlotPlan("hours", type="integer", minimum=1, maximum=72)
    found = extract_slots("charged two days ago, extend by 24 hours", (CHARGED_ON, hours), now=NOW)
    assert found == {"charge_date": "2026-03-16", "hours": 24}


@pytest.mark.parametrize(
    ("value", "reason"),
    [("7:05", None), ("19:05:00+01:00", None), ("soon", "time must be a time of day, like 14:30")],
)
def test_check_slot_value_checks_a_time(value: str, reason: str | None) -> None:
    assert check_slot_value(FAILED_AT, value)[1] == reason


def test_check_slot_value_accepts_an_iso_time_as_written() -> None:
    assert check_slot_value(FAILED_AT, "19:05:00+01:00") == ("19:05:00+01:00", None)
    assert check_slot_value(FAILED_AT, "7:05") == ("07:05:00Z", None)

