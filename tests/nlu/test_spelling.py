"""Slips read as the operator's words (chatgw.nlu.intents._spelling), on a non-demo action set."""

from __future__ import annotations

import pytest

from chatgw.nlu.intents import build_intent_engine
from chatgw.nlu.intents._spelling import Speller

EXAMPLES = {
    "cancel_order": ["cancel my order", "I want to cancel order ord_ab12cd", "stop my order please"],
    "track_parcel": ["where is my parcel", "track my parcel", "has my parcel shipped yet"],
    "refund": ["I want a refund", "give me my money back", "refund the damaged item"],
}


@pytest.mark.parametrize(
    ("text", "corrected"),
    [
        ("cancle my ordr", "cancel my order"),  # a swap and a missing letter
        ("trakc my parcle", "track my parcel"),
        ("refnud plz", "refund plz"),
    ],
)
def test_a_slip_becomes_the_example_word_it_is_one_edit_from(text: str, corrected: str):
    assert Speller([t for ts in EXAMPLES.values() for t in ts]).correct(text) == corrected


@pytest.mark.parametrize("text", ["what's the weather in rome", "rest my legs", "cancel my order"])
def test_english_words_and_known_words_are_never_changed(text: str):
    assert Speller([t for ts in EXAMPLES.values() for t in ts]).correct(text) is None


def test_an_english_word_with_an_ending_the_vocabulary_splits_is_no_slip():
    # "wipers" is not a whole word of the encoder's vocabulary, "wipe" is
    assert Speller(["turn on whisper mode"]).correct("what size wipers does my car take") is None


def test_two_equally_close_words_are_not_guessed_between():
    speller = Speller(["show the list", "lift the limit"], english=frozenset())
    assert speller.correct("lisft") is None  # one edit from both list and lift
    assert speller.correct("limt") == "limit"  # lift and list lack its "m"


def test_a_message_is_read_again_with_its_slips_corrected():
    engine = build_intent_engine(EXAMPLES, engine="builtin")
    assert engine.match("cancle my ordr").name == "cancel_order"
    assert engine.match("trakc my parcle").name == "track_parcel"
    assert engine.match("what's the weather in rome").name is None
