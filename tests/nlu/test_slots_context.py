"""Slot values read in context: units, the slots' words, their constraints, patterns normalised."""

from __future__ import annotations

from typing import Any

import pytest

from chatgw.compiler.plans import SlotPlan
from chatgw.nlu.slots import check_slot_value, extract_slots
from chatgw.nlu.slots._patterns import pattern_matches

PERCENT = SlotPlan(
    "percent",
    type="integer",
    enum=(25, 50, 100),
    description="How much to raise the limit by, in percent",
)
LIFT_HOURS = SlotPlan(
    "hours", type="integer", minimum=1, maximum=72, description="How long the lift lasts, in hours"
)
AMOUNT = SlotPlan("amount", type="number", minimum=1, maximum=500)
DAYS = SlotPlan("days", type="integer", minimum=1, maximum=30)
SEATS = SlotPlan("seats", type="integer", minimum=1)
ADMINS = SlotPlan("admins", type="integer", minimum=0)
PROJECT = SlotPlan("project_id", pattern=r"^proj_[a-z0-9]{5}$")


def extract(text: str, *slots: SlotPlan, expecting: str | None = None) -> dict[str, Any]:
    return extract_slots(text, slots, expecting=expecting)


# --- values go to the slot whose unit or words sit next to them --------------------------------


def test_extract_slots_reads_a_rate_limit_lift_by_units() -> None:
    text = "I'm getting throttled, raise my rate limit by 50 percent for 24 hours"
    assert extract(text, PERCENT, LIFT_HOURS) == {"percent": 50, "hours": 24}


CREDIT = SlotPlan("credit", type="number", description="Credit to give, in dollars")
EXTENSION = SlotPlan("extension", type="integer", description="How many days to extend the trial")


@pytest.mark.parametrize(
    ("text", "slots", "expected"),
    [
        ("credit 20 and extend by 3", (AMOUNT, DAYS), {"amount": 20, "days": 3}),
        ("credit 20 and extend by 3", (DAYS, AMOUNT), {"amount": 20, "days": 3}),
        ("give 20 back and 3 extra days", (AMOUNT, DAYS), {"amount": 20, "days": 3}),
        ("credit 20 dollars and extend by 3 days", (AMOUNT, DAYS), {"amount": 20, "days": 3}),
        ("extend the trial by 3 and credit 20", (CREDIT, EXTENSION),
         {"credit": 20, "extension": 3}),
        ("20 for the credit and 3 for the extension", (CREDIT, EXTENSION),
         {"credit": 20, "extension": 3}),
    ],
)  # fmt: skip
def test_extract_slots_splits_two_numbers_between_money_and_days(
    text: str, slots: tuple[SlotPlan, ...], expected: dict[str, Any]
) -> None:
    assert extract(text, *slots) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("add 5 seats and 2 admins", {"seats": 5, "admins": 2}),
        ("I need 5 more seats and 2 of them admins", {"seats": 5, "admins": 2}),
        ("2 admins and 5 seats please", {"seats": 5, "admins": 2}),
    ],
)
def test_extract_slots_gives_each_count_the_noun_it_counts(
    text: str, expected: dict[str, Any]
) -> None:
    assert extract(text, SEATS, ADMINS) == expected


def test_extract_slots_reads_a_slot_by_the_words_of_its_description() -> None:
    quota = SlotPlan("quota", type="integer", description="New number of API calls per minute")
    window = SlotPlan("window", type="integer", description="Length of the burst window")
    found = extract("set api calls to 600 and the burst to 10", quota, window)
    assert found == {"quota": 600, "window": 10}


# --- enums of numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["raise it 50%", "raise it by 50 percent", "fifty percent please", "by 50 per cent"]
)
def test_extract_slots_reads_a_percentage_for_an_enum_of_numbers(text: str) -> None:
    assert extract(text, PERCENT, LIFT_HOURS) == {"percent": 50}


@pytest.mark.parametrize("text", ["50", "50%", "50 percent", "fifty", "fifty percent", "half"])
def test_extract_slots_answers_a_reasked_enum_of_numbers(text: str) -> None:
    assert extract(text, PERCENT, LIFT_HOURS, expecting="percent") == {"percent": 50}


def test_extract_slots_reads_money_for_an_enum_of_amounts() -> None:
    credit = SlotPlan("credit", type="integer", enum=(10, 20, 50))
    assert extract("a $20 credit for 3 days", credit, DAYS) == {"credit": 20, "days": 3}


def test_extract_slots_returns_a_percentage_outside_the_enum_for_the_check_to_refuse() -> None:
    found = extract("raise it by 75 percent", PERCENT, LIFT_HOURS)
    assert found == {"percent": 75}
    assert check_slot_value(PERCENT, found["percent"]) == (75, "percent must be one of 25, 50 or 100")
    assert extract("75%", PERCENT, LIFT_HOURS, expecting="percent") == {"percent": 75}


@pytest.mark.parametrize(("value", "expected"), [("50%", 50), ("fifty percent", 50), ("half", 50)])
def test_check_slot_value_reads_a_percentage_for_an_enum_of_numbers(value: str, expected: int) -> None:
    assert check_slot_value(PERCENT, value) == (expected, None)


# --- money needs its currency, unless money was asked for -----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "it started failing at 5 past 7 this morning",
        "the outage was at 7:05 on March 3",
        "I have 3 projects and none of them load",
    ],
)
def test_extract_slots_does_not_read_a_number_of_something_else_as_money(text: str) -> None:
    assert extract(text, AMOUNT) == {}


@pytest.mark.parametrize("text", ["20", "make it 30", "$20", "refund 20 please"])
def test_extract_slots_still_reads_a_lone_number_for_the_only_money_slot(text: str) -> None:
    assert len(extract(text, AMOUNT)) == 1


def test_extract_slots_reads_a_bare_number_as_money_when_asked_for() -> None:
    assert extract("5 past 7", AMOUNT, expecting="amount") == {}
    assert extract("5", AMOUNT, LIFT_HOURS, expecting="amount") == {"amount": 5}


# --- a bare number goes to the one slot it fits ---------------------------------------------------


@pytest.mark.parametrize("text", ["make it 100 instead", "100", "actually 100"])
def test_extract_slots_gives_a_bare_number_to_the_only_slot_it_fits(text: str) -> None:
    assert extract(text, LIFT_HOURS, PERCENT) == {"percent": 100}


def test_extract_slots_gives_a_bare_number_to_the_only_range_it_fits() -> None:
    assert extract("make it 300", AMOUNT, LIFT_HOURS) == {"amount": 300}


def test_extract_slots_does_not_guess_when_two_slots_fit_a_bare_number() -> None:
    assert extract("make it 50 instead", LIFT_HOURS, PERCENT) == {}
    assert extract("make it 7", LIFT_HOURS, AMOUNT) == {}


# --- patterns, normalised -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["PROJ_8F2K1", "proj 8f2k1", "proj-8f2k1", "it's Proj_8F2k1.", "project PROJ-8F2K1 is down"],
)
def test_extract_slots_normalises_case_and_separators_for_a_pattern(text: str) -> None:
    assert extract(text, PROJECT) == {"project_id": "proj_8f2k1"}


@pytest.mark.parametrize(
    ("slot", "text", "expected"),
    [
        (SlotPlan("order", pattern=r"^ORD-\d{5}$"), "order ord 12345 is late", "ORD-12345"),
        (SlotPlan("order", pattern=r"^ORD-\d{5}$"), "order ord_12345 is late", "ORD-12345"),
        (SlotPlan("sku", pattern=r"^[A-Z]{3}\d{4}$"), "sku abc1234 is out", "ABC1234"),
    ],
)
def test_extract_slots_normalises_any_pattern_slot(slot: SlotPlan, text: str, expected: str) -> None:
    assert extract(text, slot) == {slot.name: expected}


@pytest.mark.parametrize("text", ["proj 8f2k1x", "proj__8f2k1", "hello proj"])
def test_extract_slots_normalises_only_into_a_match_of_the_pattern(text: str) -> None:
    assert extract(text, PROJECT) == {}


def test_pattern_matches_normalises_the_values_before_and_after_an_exact_one() -> None:
    found = pattern_matches(PROJECT.pattern or "", "PROJ 8F2K1 then proj_ab12c and Proj-zz999, not proj_ab12c-x")
    assert sorted((m.start, m.value, m.sure) for m in found) == [
        (0, "proj_8f2k1", False), (16, "proj_ab12c", True), (31, "proj_zz999", True),
    ]


@pytest.mark.parametrize("value", ["PROJ_8F2K1", "proj 8f2k1", "proj-8f2k1"])
def test_check_slot_value_normalises_a_value_into_its_pattern(value: str) -> None:
    assert check_slot_value(PROJECT, value) == ("proj_8f2k1", None)


# --- safety ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["proj " * 600, "5 past " * 400, "50 percent " * 300, "at 7 " * 600, "last " * 700],
)
def test_extract_slots_copes_with_long_repetitive_input(text: str) -> None:
    slots = (PERCENT, LIFT_HOURS, AMOUNT, PROJECT, SlotPlan("at", format="date-time"))
    assert isinstance(extract_slots(text, slots, expecting="percent"), dict)


def test_extract_slots_escapes_regex_syntax_in_operator_words() -> None:
    odd = SlotPlan("c(+)", type="integer", enum=(1, 2), description="a [weird] (name*")
    assert extract("c(+) 2 please", odd) == {"c(+)": 2}
