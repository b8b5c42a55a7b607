"""Reading test files: the format, and each mistake reported at its line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatgw.testing import SuiteError, suite_files
from chatgw.testing.loader import stubs_of
from chatgw.testing.stubs import Stub
from tests.testing.conftest import LoadText

FILE = "tests/conversations/suite.yaml"

GOOD = """\
identity: {customer_id: cus_demo, plan: pro}
conversations:
  - name: reset key
    identity: {plan: starter}
    turns:
      - user: reset my api key for proj_8f2k1
        expect: {intent: reset_api_key, state: confirming}
      - user: yes
        respond: [{status: 200, body: {key_suffix: abcd}}, {timeout: true}]
"""


def _problems(load_text: LoadText, text: str) -> list[tuple[int, int, str, str]]:
    with pytest.raises(SuiteError) as raised:
        load_text(text)
    return [(d.line, d.column, d.code, d.message) for d in raised.value.diagnostics]


def test_load_cases_reads_conversations_with_their_places(load_text: LoadText) -> None:
    (case,) = load_text(GOOD)

    assert case.id == f"{FILE}::reset key"
    assert case.line == 3
    assert case.turn_lines == (6, 8)
    assert case.identity == {"customer_id": "cus_demo", "plan": "starter"}


def test_load_cases_reads_yes_and_no_as_the_words_written(load_text: LoadText) -> None:
    text = GOOD.replace("- user: yes", "- user: Yes") + "      - user: no  # a comment\n      - {user: on, expect: {}}\n      - user: 42\n"

    (case,) = load_text(text)

    assert [turn.user for turn in case.conversation.turns] == ["reset my api key for proj_8f2k1", "Yes", "no", "on", "42"]


def test_respond_list_becomes_stubs_in_order(load_text: LoadText) -> None:
    (case,) = load_text(GOOD)

    assert stubs_of(case.conversation.turns[1].respond) == [Stub(200, {"key_suffix": "abcd"}), Stub(timeout=True)]
    assert stubs_of(case.conversation.turns[0].respond) == []


def test_load_cases_unknown_key_is_reported_at_the_key_with_did_you_mean(load_text: LoadText) -> None:
    text = GOOD.replace("expect: {intent", "expct: {intent")

    ((line, column, code, message),) = _problems(load_text, text)

    assert (line, column, code) == (7, 9, "CGW103")
    assert "unknown key 'expct'" in message


def test_load_cases_wrong_value_is_reported_at_the_value(load_text: LoadText) -> None:
    text = GOOD.replace("state: confirming", "state: confirmed")

    ((line, column, code, message),) = _problems(load_text, text)

    assert (line, column, code) == (7, 48, "CGW104")
    assert "state" in message


def test_load_cases_missing_key_is_reported_at_its_parent(load_text: LoadText) -> None:
    text = "conversations:\n  - name: x\n    turns:\n      - expect: {state: idle}\n"

    ((line, column, code, message),) = _problems(load_text, text)

    assert (line, column, code) == (4, 9, "CGW105")
    assert "'user'" in message


def test_load_cases_unknown_intent_gets_did_you_mean(load_text: LoadText) -> None:
    text = GOOD.replace("intent: reset_api_key", "intent: reset_api_keys")

    ((line, column, code, message),) = _problems(load_text, text)

    assert (line, column, code) == (7, 26, "CGW104")
    assert message == "intent 'reset_api_keys' is not an action of this project"


def test_load_cases_invalid_regex_and_duplicate_names_are_reported(load_text: LoadText) -> None:
    text = GOOD.replace("state: confirming}", "reply_matches: 'ends in (abc'}") + GOOD.split("conversations:\n", 1)[1]

    found = _problems(load_text, text)

    assert [(line, code) for line, _, code, _ in found] == [(7, "CGW104"), (10, "CGW104")]
    assert "not a valid regular expression" in found[0][3]
    assert "two conversations are named 'reset key' (the other on line 3)" in found[1][3]


def test_load_cases_timeout_with_a_status_is_refused(load_text: LoadText) -> None:
    text = GOOD + "      - user: again\n        respond: {timeout: true, status: 500}\n"

    ((line, column, code, message),) = _problems(load_text, text)

    assert (line, column, code) == (11, 18, "CGW104")
    assert "a timeout has no status" in message


def test_load_cases_yaml_error_and_non_mapping_files(load_text: LoadText) -> None:
    assert _problems(load_text, "conversations: [\n")[0][2] == "CGW101"
    assert _problems(load_text, "- just a list\n")[0][2:] == ("CGW104", "a test file must be a mapping with conversations:")


def test_suite_files_finds_yaml_below_folders_sorted(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    for name in ("b/2.yaml", "a.yml", "b/1.yaml", "notes.txt"):
        (tmp_path / name).write_text("", encoding="utf-8")

    assert [p.relative_to(tmp_path).as_posix() for p in suite_files([tmp_path])] == ["a.yml", "b/1.yaml", "b/2.yaml"]


def test_suite_files_refuses_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="does not exist"):
        suite_files([tmp_path / "nope"])
