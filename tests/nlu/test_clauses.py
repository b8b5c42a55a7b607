"""Refused requests, lists of values and two objects under one verb (chatgw.nlu.clauses), and
relative changes (chatgw.nlu.changes)."""

from __future__ import annotations

import pytest

from chatgw.nlu.changes import Change, relative_change
from chatgw.nlu.clauses import split_objects, split_values, without_refusals


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("don't reset my key, just show usage", "just show usage"),
        ("i DON'T want to change my plan, i just want to see my errors", "i just want to see my errors"),
        ("no need for a refund, I only want to track my parcel", "I only want to track my parcel"),
        ("instead of cancelling, can you pause the subscription", "can you pause the subscription"),
        ("I'm not asking you to upgrade anything, just tell me the prices", "just tell me the prices"),
        ("never mind the credit, show me the errors", "show me the errors"),
        ("please do not cancel my order", ""),
    ],
)
def test_without_refusals_drops_the_refused_clause(text: str, rest: str):
    assert without_refusals(text) == rest


@pytest.mark.parametrize(
    "text", ["my key doesn't work, reset it", "no, don't", "don't do it", "why is my api not working", "i can't log in, reset my key"]
)
def test_without_refusals_leaves_complaints_and_bare_answers_alone(text: str):
    assert without_refusals(text) is None


def test_split_values_gives_one_request_per_id_with_the_shared_words():
    assert split_values("lift the limit on proj_8f2k1 and proj_ab12c for 6 hours") == [
        ("lift the limit on proj_8f2k1 for 6 hours", "proj_8f2k1"),
        ("lift the limit on proj_ab12c for 6 hours", "proj_ab12c"),
    ]
    assert split_values("refund ord_ab12cd $20 and ord_zz99yy $10 for the delay") == [
        ("refund ord_ab12cd $20 for the delay", "ord_ab12cd"),
        ("refund ord_zz99yy $10 for the delay", "ord_zz99yy"),
    ]
    assert [piece for piece, _ in split_values("send it to a@x.test, b@y.test and c@z.test") or ()] == [
        "send it to a@x.test", "send it to b@y.test", "send it to c@z.test"
    ]


@pytest.mark.parametrize("text", ["reset the key for proj_8f2k1", "move proj_8f2k1 and ord_ab12cd", "proj_aa111 and PROJ_AA111"])
def test_split_values_needs_two_different_values_of_one_kind(text: str):
    assert split_values(text) is None


def test_split_objects_shares_the_verb_and_the_tail():
    assert split_objects("show usage and errors for proj_8f2k1") == [
        "show usage for proj_8f2k1", "show errors for proj_8f2k1"
    ]
    assert split_objects("can you check the usage and the errors on proj_ab12c") == [
        "can you check the usage on proj_ab12c", "can you check the errors on proj_ab12c"
    ]


@pytest.mark.parametrize("text", ["reset my key and show usage", "reset it and send it", "show usage", "lift the limit and give me a credit"])
def test_split_objects_is_none_without_two_objects_under_one_verb(text: str):
    assert split_objects(text) is None


@pytest.mark.parametrize(
    ("text", "change"),
    [
        ("make it 6 hours longer", Change("add", amount=6)),
        ("add 5 more dollars", Change("add", amount=5)),
        ("actually double that", Change("multiply", factor=2)),
        ("make it half that", Change("multiply", factor=0.5)),
        ("2 hours less", Change("subtract", amount=2)),
    ],
)
def test_relative_change_reads_how_the_value_moves(text: str, change: Change):
    assert relative_change(text) == change


@pytest.mark.parametrize("text", ["make it 30", "actually 6 hours is enough", "for 12 hours", "yes"])
def test_relative_change_is_none_for_a_value_stated_outright(text: str):
    assert relative_change(text) is None
