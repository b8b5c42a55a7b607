"""Slot extraction and checking: what a customer's message fills, and why a value is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from chatgw.compiler.plans import SlotPlan
from chatgw.nlu.slots import MAX_TEXT, check_slot_value, extract_slots

PROJECT = SlotPlan(
    "project_id",
    pattern=r"^proj_[a-z0-9]{5}$",
    prompt="Which project is it? Project ids look like proj_ab12c.",
)
AMOUNT = SlotPlan("amount", type="number", minimum=1, maximum=500)
REASON = SlotPlan("reason", prompt="Why?")
HOURS = SlotPlan("hours", type="integer", minimum=1, maximum=72)
SEATS = SlotPlan("seats", type="integer", minimum=1)
PLAN = SlotPlan("plan", enum=("starter", "pro", "enterprise"))
CANCEL_REASON = SlotPlan(
    "cancellation_reason",
    enum=("requested_by_customer", "duplicate", "fraudulent"),
    synonyms={"fraudulent": ("fraud", "a scam"), "duplicate": ("charged twice",)},
)
NOTIFY = SlotPlan("notify_customer", type="boolean")
EMAIL = SlotPlan("email", format="email")
INVOICE = SlotPlan("invoice_id")
CUSTOMER = SlotPlan("customer_id", source="identity", claim="customer_id")
CHANNEL = SlotPlan("channel", source="literal", default="chat")
NOTE = SlotPlan("note")
START_DATE = SlotPlan("start_date", format="date")


def extract(text: str, *slots: SlotPlan, expecting: str | None = None) -> dict[str, Any]:
    return extract_slots(text, slots, expecting=expecting)


# --- several slots at once ---------------------------------------------------------------------


def test_extract_slots_reads_several_slots_from_one_message() -> None:
    found = extract("give proj_ab12c a $20 credit because of an outage", PROJECT, AMOUNT, REASON)
    assert found == {"project_id": "proj_ab12c", "amount": 20, "reason": "an outage"}


def test_extract_slots_returns_values_in_slot_order() -> None:
    found = extract("upgrade proj_ab12c to enterprise, 3 seats", SEATS, PLAN, PROJECT)
    assert list(found) == ["seats", "plan", "project_id"]
    assert found == {"seats": 3, "plan": "enterprise", "project_id": "proj_ab12c"}


def test_extract_slots_uses_each_stretch_of_text_once() -> None:
    found = extract("refund $20", AMOUNT, SlotPlan("fee", type="number"))
    assert list(found.values()) == [20]


def test_extract_slots_reads_numbers_inside_ids_as_part_of_the_id() -> None:
    assert extract("rotate the key of proj_ab12c", PROJECT, SEATS) == {"project_id": "proj_ab12c"}


def test_extract_slots_finds_nothing_in_an_unrelated_message() -> None:
    assert extract("hello, is anyone there?", PROJECT, AMOUNT, PLAN, HOURS) == {}


# --- identity and literal slots -----------------------------------------------------------------


@pytest.mark.parametrize("expecting", [None, "customer_id", "channel"])
def test_extract_slots_never_fills_identity_or_literal_slots(expecting: str | None) -> None:
    text = "I am customer cus_999 writing on channel email"
    assert extract(text, CUSTOMER, CHANNEL, expecting=expecting) == {}


def test_extract_slots_fills_message_slots_next_to_identity_ones() -> None:
    found = extract("customer cus_999 needs 24 hours more", CUSTOMER, HOURS)
    assert found == {"hours": 24}


# --- patterns and ids ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["proj_ab12c", "it's proj_ab12c.", "project proj_ab12c please", "(proj_ab12c)"],
)
def test_extract_slots_searches_an_anchored_pattern_inside_the_message(text: str) -> None:
    assert extract(text, PROJECT) == {"project_id": "proj_ab12c"}


@pytest.mark.parametrize("text", ["proj_ab12cd", "xproj_ab12c", "proj_ab12"])
def test_extract_slots_ignores_near_misses_of_a_pattern(text: str) -> None:
    assert extract(text, PROJECT) == {}


def test_extract_slots_tests_tokens_when_anchors_cannot_be_lifted() -> None:
    slot = SlotPlan("code", pattern=r"^A\d{3}$|^B\d{3}$")
    assert extract("my code is B123 thanks", slot) == {"code": "B123"}


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [(r"^in_", "refund in_123 please", "in_123"), (r"\d{4}", "card ending 4242.", "4242"),
     (r"^ORD-\d+$", "order ORD-77, please", "ORD-77")],
)  # fmt: skip
def test_extract_slots_reads_whole_tokens_for_half_anchored_or_unanchored_patterns(
    pattern: str, text: str, expected: str
) -> None:
    assert extract(text, SlotPlan("ref", pattern=pattern)) == {"ref": expected}


def test_extract_slots_needs_the_slot_words_for_a_pattern_matching_plain_words() -> None:
    slot = SlotPlan("workspace", pattern=r"^[a-z]+$")
    assert extract("hello there", slot) == {}
    assert extract("workspace acme", slot) == {"workspace": "acme"}


def test_extract_slots_skips_a_pattern_python_cannot_compile() -> None:
    slot = SlotPlan("name", pattern=r"^\p{L}+$")
    assert extract("hi", slot, expecting="name") == {"name": "hi"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("refund invoice in_123 please", "in_123"),
        ("invoice ORD-12345 was wrong", "ORD-12345"),
        ("it is in_8f2k1", "in_8f2k1"),
    ],
)
def test_extract_slots_reads_id_tokens_for_an_id_slot(text: str, expected: str) -> None:
    assert extract(text, INVOICE) == {"invoice_id": expected}


def test_extract_slots_matches_ids_to_slots_by_prefix_and_nearby_words() -> None:
    project = SlotPlan("project_id")
    found = extract("refund in_123 for proj_8f2k1", project, INVOICE)
    assert found == {"project_id": "proj_8f2k1", "invoice_id": "in_123"}


def test_extract_slots_reads_a_plain_number_as_an_id_only_near_the_slot_words() -> None:
    order = SlotPlan("order_id")
    assert extract("order 12345 never arrived", order) == {"order_id": "12345"}
    assert extract("I called 12345 times", order) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("project id is website", {"project_id": "website"}),
     ("project: website", {"project_id": "website"}), ("the project is down", {})],
)  # fmt: skip
def test_extract_slots_reads_a_labelled_word_as_an_id(text: str, expected: dict[str, Any]) -> None:
    assert extract(text, SlotPlan("project_id")) == expected


def test_extract_slots_reads_a_uuid() -> None:
    slot = SlotPlan("user_id", format="uuid")
    text = "user 123E4567-e89b-12d3-a456-426614174000 is locked out"
    assert extract(text, slot) == {"user_id": "123E4567-e89b-12d3-a456-426614174000"}


# --- numbers, money, percentages, durations -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20", 20), ("add 1,000 seats", 1000), ("twenty", 20), ("twenty-five seats", 25),
        ("one hundred and five", 105), ("a dozen", 12), ("2.5", 2.5), ("20k", 20000),
    ],
)  # fmt: skip
def test_extract_slots_reads_numbers(text: str, expected: float) -> None:
    assert extract(text, SEATS) == {"seats": expected}


def test_extract_slots_returns_ints_for_whole_numbers_of_number_slots() -> None:
    found = extract("20", AMOUNT)
    assert found == {"amount": 20} and isinstance(found["amount"], int)


@pytest.mark.parametrize(
    "text",
    ["$20", "20 dollars", "€20", "20 usd", "USD 20", "twenty dollars", "£20.00", "20 euros"],
)
def test_extract_slots_reads_money_as_written(text: str) -> None:
    assert extract(f"please refund {text} now", AMOUNT, HOURS) == {"amount": 20}


def test_extract_slots_keeps_cents_as_written() -> None:
    assert extract("refund $12.50", AMOUNT) == {"amount": 12.5}


def test_extract_slots_gives_money_to_a_slot_described_as_money() -> None:
    budget = SlotPlan("limit", type="number", description="Monthly spending cap in USD")
    assert extract("set it to $300 and 5 seats", budget, SEATS) == {"limit": 300, "seats": 5}


@pytest.mark.parametrize("text", ["15%", "15 percent", "15 per cent", "15 pct"])
def test_extract_slots_reads_percentages(text: str) -> None:
    discount = SlotPlan("discount_percent", type="number")
    assert extract(f"give them {text} off", discount, AMOUNT) == {"discount_percent": 15}


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("24 hours", 24), ("a day", 24), ("2 days", 48), ("90 minutes", 1.5), ("an hour", 1),
        ("half an hour", 0.5), ("an hour and a half", 1.5), ("1 hour 30 minutes", 1.5),
        ("24h", 24), ("a week", 168), ("a 12-hour extension", 12), ("two days", 48),
        ("2 and a half hours", 2.5), ("1 day and a half", 36), ("a couple of days", 48),
    ],
)  # fmt: skip
def test_extract_slots_converts_durations_to_hours_by_default(text: str, hours: float) -> None:
    assert extract(f"extend it by {text}", HOURS, AMOUNT) == {"hours": hours}


@pytest.mark.parametrize(
    ("slot", "expected"),
    [
        (SlotPlan("minutes", type="integer"), 120),
        (SlotPlan("ttl_seconds", type="integer"), 7200),
        (SlotPlan("days", type="integer"), 1 / 12),
        (SlotPlan("extension", type="integer", description="Number of days to extend"), 1 / 12),
        (SlotPlan("duration", type="integer"), 2),
    ],
)
def test_extract_slots_converts_durations_to_the_slots_unit(
    slot: SlotPlan, expected: float
) -> None:
    assert extract("for 2 hours", slot) == {slot.name: pytest.approx(expected, abs=1e-6)}


def test_extract_slots_reads_a_bare_number_in_the_unit_of_a_duration_slot() -> None:
    assert extract("add 30", SlotPlan("days", type="integer")) == {"days": 30}


@pytest.mark.parametrize("text", ["hold on a second", "wait a minute", "I get charged twice a day"])
def test_extract_slots_ignores_time_idioms(text: str) -> None:
    assert extract(text, HOURS) == {}


def test_extract_slots_needs_an_anchor_for_a_plain_number_with_several_number_slots() -> None:
    assert extract("make it 30", AMOUNT, HOURS) == {}
    assert extract("amount 20 and hours 24", AMOUNT, HOURS) == {"amount": 20, "hours": 24}
    assert extract("refund 20", AMOUNT, HOURS) == {"amount": 20}


def test_extract_slots_does_not_read_times_or_dates_as_numbers() -> None:
    assert extract("call me at 10:30 on 2026-12-01", SEATS) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("actually make it 30", 30), ("20, no wait, 30", 30), ("30 not 20", 30),
     ("from 20 to 30", 30)],
)  # fmt: skip
def test_extract_slots_reads_corrections(text: str, expected: int) -> None:
    assert extract(text, PROJECT, AMOUNT, REASON) == {"amount": expected}


# --- enums and synonyms ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["pro", "Pro", "PRO please", "upgrade me to the pro plan", "switch from starter to pro"],
)
def test_extract_slots_reads_enum_values(text: str) -> None:
    assert extract(text, PLAN) == {"plan": "pro"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cancel it, requested by customer", "requested_by_customer"),
        ("requested-by-customer", "requested_by_customer"),
        ("it was a scam", "fraudulent"),
        ("fraud!", "fraudulent"),
        ("they charged twice", "duplicate"),
    ],
)
def test_extract_slots_reads_enum_words_and_synonyms(text: str, expected: str) -> None:
    assert extract(text, CANCEL_REASON) == {"cancellation_reason": expected}


@pytest.mark.parametrize(("text", "expected"), [("use v2", "v2"), ("api v1.5 please", "v1.5")])
def test_extract_slots_reads_enum_values_with_digits(text: str, expected: str) -> None:
    version = SlotPlan("api_version", enum=("v1", "v1.5", "v2"))
    assert extract(text, version) == {"api_version": expected}


def test_extract_slots_does_not_find_an_enum_value_inside_a_longer_word() -> None:
    assert extract("my project is professional grade", PLAN) == {}


def test_extract_slots_needs_the_slot_words_for_an_enum_value_that_is_an_everyday_word() -> None:
    month = SlotPlan("month", enum=("march", "may", "june"))
    assert extract("may I have my invoice?", month) == {}
    assert extract("the invoice for the month of may", month) == {"month": "may"}
    assert extract("May", month, expecting="month") == {"month": "may"}
    assert extract("send the march invoice", month) == {"month": "march"}


def test_extract_slots_reads_a_misspelled_enum_value_near_the_slot_words() -> None:
    assert extract("the entreprise plan", PLAN) == {"plan": "enterprise"}
    assert extract("entreprise", PLAN) == {}
    assert extract("entreprise", PLAN, expecting="plan") == {"plan": "enterprise"}


def test_extract_slots_reads_an_enum_of_numbers() -> None:
    period = SlotPlan(
        "period_days", type="integer", enum=(7, 14, 30), synonyms={"30": ("a month",)}
    )
    assert extract("make it 14", period) == {"period_days": 14}
    assert extract("make it 15", period) == {}
    assert extract("for a month", period) == {"period_days": 30}
    assert check_slot_value(period, "a month") == (30, None)


def test_extract_slots_leaves_a_value_two_enums_share_to_their_words() -> None:
    old = SlotPlan("old_plan", enum=("starter", "pro"))
    new = SlotPlan("new_plan", enum=("starter", "pro"))
    assert extract("pro", old, new) == {}
    assert extract("new plan pro", old, new) == {"new_plan": "pro"}


# --- booleans ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("yes", True), ("Yes please", True), ("sure", True), ("true", True), ("enable it", True),
     ("no", False), ("nope", False), ("no thanks", False), ("off", False), ("don't", False)],
)  # fmt: skip
def test_extract_slots_reads_yes_and_no_answers(text: str, expected: bool) -> None:
    assert extract(text, NOTIFY, expecting="notify_customer") == {"notify_customer": expected}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("and notify the customer", True), ("don't notify the customer", False),
     ("notify customer: no", False), ("notify_customer=true", True),
     ("without notifying the customer", None)],
)  # fmt: skip
def test_extract_slots_reads_a_switch_named_in_the_message(
    text: str, expected: bool | None
) -> None:
    found = extract(text, NOTIFY)
    assert found.get("notify_customer") is expected or (expected is None and found == {})


@pytest.mark.parametrize("text", ["not sure", "I don't know", "maybe"])
def test_extract_slots_reads_no_answer_from_an_unsure_reply(text: str) -> None:
    assert extract(text, NOTIFY, expecting="notify_customer") == {}


def test_extract_slots_does_not_read_yes_as_a_switch_without_the_question() -> None:
    assert extract("yes", NOTIFY) == {}


# --- emails, dates, links -----------------------------------------------------------------------


def test_extract_slots_reads_an_email() -> None:
    found = extract("send it to Bob.Smith+x@example.co.uk, thanks", EMAIL, NOTE)
    assert found == {"email": "Bob.Smith+x@example.co.uk"}


def test_extract_slots_needs_words_to_pick_among_several_email_slots() -> None:
    billing = SlotPlan("billing_email", format="email")
    assert extract("a@example.com", EMAIL, billing) == {}
    found = extract("my billing email is a@example.com", EMAIL, billing)
    assert found == {"billing_email": "a@example.com"}


@pytest.mark.parametrize(
    "text",
    ["2026-12-01", "on December 1, 2026", "1st of December 2026", "dec 1st 2026", "1 Dec 2026"],
)
def test_extract_slots_reads_dates_as_iso(text: str) -> None:
    assert extract(text, SlotPlan("start_date", format="date")) == {"start_date": "2026-12-01"}


def test_extract_slots_reads_relative_dates_only_when_anchored_or_asked() -> None:
    slot = SlotPlan("start_date", format="date")
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert extract("I need help today", slot) == {}
    assert extract("tomorrow", slot, expecting="start_date") == {"start_date": tomorrow}


def test_extract_slots_rejects_impossible_dates() -> None:
    assert extract("2026-02-30", SlotPlan("start_date", format="date")) == {}


def test_extract_slots_reads_a_date_time() -> None:
    slot = SlotPlan("send_at", format="date-time")
    found = extract("send it at 2026-12-01T10:00:00+02:00", slot)
    assert found == {"send_at": "2026-12-01T10:00:00+02:00"}


@pytest.mark.parametrize(
    "text", ["point it at https://example.com/hooks?x=1 please", "(https://example.com/hooks?x=1)."]
)
def test_extract_slots_reads_a_link(text: str) -> None:
    slot = SlotPlan("webhook_url", format="uri")
    assert extract(text, slot) == {"webhook_url": "https://example.com/hooks?x=1"}


# --- free text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("credit them because of the outage. thanks", "the outage"),
        ("due to a billing error", "a billing error"),
        ("reason: duplicate signup", "duplicate signup"),
        ('the reason is "moving to another tool"', "moving to another tool"),
    ],
)
def test_extract_slots_reads_a_reason_after_its_cue(text: str, expected: str) -> None:
    assert extract(text, REASON) == {"reason": expected}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("add a note: customer is VIP. thanks", {"note": "customer is VIP"}),
     ('with the note "call first"', {"note": "call first"}),
     ("the note is missing", {}), ("hello", {})],
)  # fmt: skip
def test_extract_slots_reads_labelled_free_text(text: str, expected: dict[str, str]) -> None:
    assert extract(text, NOTE) == expected


def test_extract_slots_takes_the_whole_answer_for_free_text_asked_for() -> None:
    found = extract("  we were charged $20 twice for proj_ab12c \n", REASON, AMOUNT, PROJECT,
                    expecting="reason")  # fmt: skip
    assert found == {"reason": "we were charged $20 twice for proj_ab12c"}


# --- bare answers to the slot just asked for --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expecting", "expected"),
    [
        ("20", "hours", {"hours": 20}),
        ("20", "amount", {"amount": 20}),
        ("twenty please", "hours", {"hours": 20}),
        ("pro", "plan", {"plan": "pro"}),
        ("the enterprise plan", "plan", {"plan": "enterprise"}),
        ("yes the second one", "plan", {"plan": "pro"}),
        ("the last one", "plan", {"plan": "enterprise"}),
        ("option 1", "plan", {"plan": "starter"}),
        ("2", "plan", {"plan": "pro"}),
        ("proj_ab12c", "project_id", {"project_id": "proj_ab12c"}),
    ],
)
def test_extract_slots_fills_the_expected_slot_from_a_bare_answer(
    text: str, expecting: str, expected: dict[str, Any]
) -> None:
    assert extract(text, PROJECT, AMOUNT, HOURS, PLAN, expecting=expecting) == expected


def test_extract_slots_without_expecting_leaves_a_bare_number_with_several_slots() -> None:
    assert extract("20", AMOUNT, HOURS) == {}


def test_extract_slots_returns_an_invalid_bare_answer_for_the_check_to_explain() -> None:
    assert extract("premium", PLAN, expecting="plan") == {"plan": "premium"}
    assert extract("it's 'premium' I think", PLAN, expecting="plan") == {"plan": "premium"}
    assert extract("it’s starterr", PLAN, expecting="plan") == {"plan": "starter"}
    assert extract("dunno", PROJECT, expecting="project_id") == {"project_id": "dunno"}
    assert extract("bob", EMAIL, expecting="email") == {"email": "bob"}


def test_extract_slots_does_not_reuse_another_slots_value_as_a_bare_answer() -> None:
    assert extract("pro", PLAN, PROJECT, expecting="project_id") == {"plan": "pro"}


@pytest.mark.parametrize("text", ["I don't know it", "cancel", "help!", "no", "never mind"])
def test_extract_slots_returns_nothing_for_a_reply_that_does_not_answer(text: str) -> None:
    assert extract(text, PROJECT, PLAN, expecting="project_id") == {}
    assert extract(text, PLAN, expecting="plan") == {}


def test_extract_slots_returns_nothing_for_a_number_slot_without_a_number() -> None:
    assert extract("no idea", HOURS, expecting="hours") == {}


def test_extract_slots_still_reads_other_slots_beside_the_expected_answer() -> None:
    found = extract("20 for proj_ab12c", PROJECT, AMOUNT, expecting="amount")
    assert found == {"project_id": "proj_ab12c", "amount": 20}


def test_extract_slots_reads_only_the_start_of_a_very_long_message() -> None:
    assert extract("x " * MAX_TEXT + "proj_ab12c", PROJECT) == {}
    assert extract("proj_ab12c " + "x" * 10 * MAX_TEXT, PROJECT) == {"project_id": "proj_ab12c"}


@pytest.mark.parametrize(
    "text",
    ["a" * 3000, "1," * 1500, "a_" * 1500, "a@" * 1500, "1 " * 1500, '"' * 3000, "one " * 800],
)
def test_extract_slots_copes_with_degenerate_input(text: str) -> None:
    slots = (PROJECT, AMOUNT, HOURS, PLAN, NOTIFY, EMAIL, INVOICE, REASON, NOTE)
    assert isinstance(extract_slots(text, slots, expecting="plan"), dict)


def test_extract_slots_treats_template_syntax_as_plain_text() -> None:
    found = extract("{{ 7*7 }}", REASON, SEATS, expecting="reason")
    assert found == {"reason": "{{ 7*7 }}"}


# --- check_slot_value ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slot", "value", "expected"),
    [
        (HOURS, "24", 24), (HOURS, 24.0, 24), (HOURS, "twenty", 20), (HOURS, "2 days", 48),
        (AMOUNT, "$20", 20), (AMOUNT, "12.5", 12.5), (AMOUNT, "1,000", None),
        (NOTIFY, "yes", True), (NOTIFY, "off", False), (NOTIFY, False, False),
        (PLAN, "Pro", "pro"), (PLAN, " enterprise ", "enterprise"),
        (CANCEL_REASON, "requested by customer", "requested_by_customer"),
        (CANCEL_REASON, "fraud", "fraudulent"),
        (PROJECT, " proj_ab12c ", "proj_ab12c"), (INVOICE, 123, "123"),
        (SlotPlan("day", format="date"), "December 1, 2026", "2026-12-01"),
        (SlotPlan("at", format="date-time"), "2026-12-01 10:00", "2026-12-01T10:00:00Z"),
    ],
)  # fmt: skip
def test_check_slot_value_coerces_valid_values(slot: SlotPlan, value: Any, expected: Any) -> None:
    coerced, reason = check_slot_value(slot, value)
    if expected is None:  # 1,000 is above the maximum of 500
        assert reason == "amount must be between 1 and 500"
    else:
        assert (coerced, reason) == (expected, None)
        assert type(coerced) is type(expected)


@pytest.mark.parametrize(
    ("slot", "value", "reason"),
    [
        (HOURS, 100, "hours must be between 1 and 72"),
        (HOURS, 0, "hours must be between 1 and 72"),
        (SEATS, 0, "seats must be at least 1"),
        (SlotPlan("n", type="number", maximum=10, exclusive_maximum=True), 10,
         "n must be less than 10"),
        (SlotPlan("n", type="number", minimum=0, exclusive_minimum=True, maximum=1), 0,
         "n must be more than 0 and at most 1"),
        (SlotPlan("n", type="number", maximum=10), 11, "n must be at most 10"),
    ],
)  # fmt: skip
def test_check_slot_value_explains_ranges(slot: SlotPlan, value: Any, reason: str) -> None:
    assert check_slot_value(slot, value) == (value, reason)


@pytest.mark.parametrize(
    ("slot", "value", "reason"),
    [
        (HOURS, "lots", "hours must be a whole number"),
        (HOURS, 2.5, "hours must be a whole number"),
        (HOURS, True, "hours must be a whole number"),
        (AMOUNT, "some", "amount must be a number"),
        (SEATS, "2 days", "seats must be a whole number"),
        (NOTIFY, "maybe", "notify customer must be yes or no"),
        (NOTE, {"a": 1}, "note must be text"),
    ],
)
def test_check_slot_value_explains_types(slot: SlotPlan, value: Any, reason: str) -> None:
    assert check_slot_value(slot, value) == (value, reason)


@pytest.mark.parametrize(
    ("slot", "value", "reason"),
    [
        (PLAN, "premium", "plan must be one of starter, pro or enterprise"),
        (SlotPlan("size", enum=("small", "large")), "huge", "size must be small or large"),
        (SlotPlan("mode", enum=("on_demand",)), "x", "mode must be on demand"),
        (SlotPlan("mode", enum=()), {}, "mode must be text"),
        (SlotPlan("period", type="integer", enum=(7, 30)), 14, "period must be 7 or 30"),
        (CANCEL_REASON, "bored",
         "cancellation reason must be one of requested by customer, duplicate or fraudulent"),
    ],
)  # fmt: skip
def test_check_slot_value_explains_enums(slot: SlotPlan, value: Any, reason: str) -> None:
    assert check_slot_value(slot, value) == (value, reason)


@pytest.mark.parametrize(
    ("slot", "reason"),
    [
        (PROJECT, "that doesn't look like a project id (like proj_ab12c)"),
        (SlotPlan("invoice_id", pattern=r"^in_\d+$", description="Invoice ids look like in_123."),
         "that doesn't look like an invoice id (like in_123)"),
        (SlotPlan("sku", pattern=r"^[A-Z]{3}\d{4}$", description="The product's stock code"),
         "that doesn't look like a sku (the product's stock code)"),
        (SlotPlan("sku", pattern=r"^[A-Z]{3}\d{4}$"), "that doesn't look like a sku"),
    ],
)  # fmt: skip
def test_check_slot_value_explains_patterns_with_the_slots_own_words(
    slot: SlotPlan, reason: str
) -> None:
    assert check_slot_value(slot, "hello") == ("hello", reason)


@pytest.mark.parametrize(
    ("slot", "value", "reason"),
    [
        (EMAIL, "bob", "that doesn't look like an email address (like name@example.com)"),
        (EMAIL, "bob@localhost", "that doesn't look like an email address (like name@example.com)"),
        (SlotPlan("user_id", format="uuid"), "123",
         "that doesn't look like a user id "
         "(it should look like 123e4567-e89b-12d3-a456-426614174000)"),
        (START_DATE, "soon", "start date must be a date, like 2026-12-01"),
        (START_DATE, "2026-02-30", "start date must be a date, like 2026-12-01"),
        (SlotPlan("url", format="uri"), "not a link", "url must be a web address, like https://example.com"),
    ],
)  # fmt: skip
def test_check_slot_value_explains_formats(slot: SlotPlan, value: Any, reason: str) -> None:
    assert check_slot_value(slot, value) == (value, reason)


@pytest.mark.parametrize(
    ("slot", "value", "reason"),
    [
        (SlotPlan("name", min_length=3, max_length=20), "ab",
         "name must be between 3 and 20 characters long"),
        (SlotPlan("name", min_length=3), "ab", "name must be at least 3 characters long"),
        (SlotPlan("name", max_length=1), "ab", "name must be at most 1 character long"),
        (SlotPlan("pin", min_length=4, max_length=4), "123",
         "pin must be exactly 4 characters long"),
    ],
)  # fmt: skip
def test_check_slot_value_explains_lengths(slot: SlotPlan, value: Any, reason: str) -> None:
    assert check_slot_value(slot, value) == (value, reason)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_check_slot_value_asks_for_a_missing_value(value: Any) -> None:
    assert check_slot_value(PROJECT, value) == (value, "please tell me the project id")


@pytest.mark.parametrize(
    ("name", "words"),
    [("project_id", "project id"), ("projectId", "project id"), ("ttl-hours", "ttl hours")],
)
def test_check_slot_value_names_the_slot_in_plain_words(name: str, words: str) -> None:
    _, reason = check_slot_value(SlotPlan(name, type="integer"), "x")
    assert reason == f"{words} must be a whole number"


def test_check_slot_value_accepts_what_extract_slots_returns() -> None:
    slots = (PROJECT, AMOUNT, REASON, HOURS, PLAN)
    found = extract_slots("give proj_ab12c a $20 credit for 2 days on pro, due to an outage", slots)
    assert set(found) == {"project_id", "amount", "reason", "hours", "plan"}
    for slot in slots:
        value, reason = check_slot_value(slot, found[slot.name])
        assert (value, reason) == (found[slot.name], None)


_STATUS = SlotPlan("status", enum=("outage", "slow"), synonyms={"outage": ("down", "off"), "slow": ("laggy",)})


@pytest.mark.parametrize("text", ["the site was down all morning", "our shop is down", "it went down twice"])
def test_a_common_word_synonym_counts_when_it_says_how_something_is(text: str) -> None:
    assert extract_slots(text, [_STATUS]) == {"status": "outage"}


@pytest.mark.parametrize("text", ["scroll down to the bottom", "turn it off and on"])
def test_a_common_word_synonym_elsewhere_still_needs_the_slot_named(text: str) -> None:
    assert extract_slots(text, [_STATUS]) == {}
