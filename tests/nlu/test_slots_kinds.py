"""What a slot is and the words that name it, read once and remembered: never answered for another."""

from __future__ import annotations

from chatgw.compiler.plans import SlotPlan
from chatgw.nlu.slots._anchors import names_any
from chatgw.nlu.slots._kinds import _CLASSIFIED_MAX, Kind, classify


def test_classify_remembers_a_slot_and_tells_equal_named_slots_apart() -> None:
    money = SlotPlan("amount", type="number")
    text = SlotPlan("amount", description="what the customer says about the amount")
    assert classify(money) is classify(money)
    assert (classify(money).kind, classify(text).kind) == (Kind.MONEY, Kind.TEXT)
    assert classify(money).measure is Kind.MONEY and classify(text).slot is text


def test_classify_answers_for_each_of_many_short_lived_slots() -> None:
    # more slots than the memo holds, each dropped at once: a freed slot's id is soon reused
    for i in range(_CLASSIFIED_MAX + 100):
        slot = SlotPlan(f"s{i}", type="integer") if i % 2 else SlotPlan(f"s{i}", format="email")
        kind = classify(slot)
        assert kind.slot is slot and kind.kind is (Kind.NUMBER if i % 2 else Kind.EMAIL)


def test_names_any_remembers_a_word_per_group_of_slot_words() -> None:
    for _ in range(2):  # the second round is answered from the memo
        assert names_any("proj", ("project",)) and names_any("projects", ("project",))
        assert not names_any("proj", ("invoice",)) and names_any("in_123", ("invoice", "in"))
