"""Running conversations through the real engine with stubbed answers, and reporting them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from chatgw.testing import junit_xml, select
from chatgw.testing.report import render_failures, render_line, render_summary
from tests.testing.conftest import LoadText, RunText

HAPPY = """\
identity: {customer_id: cus_demo}
conversations:
  - name: reset happy
    turns:
      - user: reset my api key for proj_8f2k1
        expect: {intent: reset_api_key, state: confirming, sent: false}
      - user: yes
        respond: {status: 200, body: {key_id: k, key_suffix: abcd, rotated_at: "2026-01-01T00:00:00Z"}}
        expect: {request: {method: POST, path: /projects/proj_8f2k1/keys/rotate}, reply: ends in abcd}
"""

WRONG = """\
identity: {customer_id: cus_demo}
conversations:
  - name: reset wrong
    turns:
      - user: reset my api key for proj_8f2k1
        expect: {state: confirming}
      - user: yes
        respond: {status: 200, body: {key_id: k, key_suffix: abcd, rotated_at: "2026-01-01T00:00:00Z"}}
        expect: {request: {path: /projects/proj_8f2k1/keys, body: {reason: chat}}, reply: ends in wxyz}
      - user: thanks
        expect: {state: idle}
"""


def test_run_suite_passes_a_conversation_that_goes_as_written(run_text: RunText) -> None:
    suite = run_text(HAPPY)

    (result,) = suite.results
    assert result.passed and (suite.passed, suite.failed) == (1, 0)
    assert [turn.sent for turn in result.turns] == [0, 1]
    assert result.turns[1].turn["replies"][0].startswith("Done. Your new key ends in abcd")


def test_run_suite_stops_a_conversation_at_its_first_failing_turn(run_text: RunText) -> None:
    (result,) = run_text(WRONG).results

    assert not result.passed
    assert len(result.turns) == 2
    turn = result.failed_turn
    assert turn is not None and (turn.index, turn.line) == (2, 7)
    assert [m.field for m in turn.mismatches] == ["reply", "request"]


def test_run_suite_fails_a_stub_the_spec_does_not_allow(run_text: RunText) -> None:
    text = HAPPY.replace("body: {key_id: k, key_suffix: abcd, rotated_at", "body: {key_id: k, key_suffix: 7, rotated_at").replace(
        "reply: ends in abcd", "reply: ends in 7"
    )

    (result,) = run_text(text).results

    assert not result.passed
    (mismatch,) = result.turns[1].mismatches
    assert mismatch.message.startswith("respond: rotateProjectKey: the stubbed 200 body does not match the spec's response")


def test_run_suite_fails_a_stub_no_request_came_for(run_text: RunText) -> None:
    text = HAPPY.replace(
        "expect: {intent: reset_api_key, state: confirming, sent: false}",
        "respond: {status: 200}\n        expect: {state: confirming}",
    )

    (result,) = run_text(text).results

    (mismatch,) = result.turns[0].mismatches
    assert mismatch.message == "respond: 1 stubbed response(s) were not used; the turn sent 0 request(s)"


def test_run_suite_unstubbed_requests_are_dry_run_or_mock(run_text: RunText) -> None:
    text = """\
identity: {customer_id: cus_demo}
conversations:
  - name: usage
    turns:
      - user: how many api calls did proj_8f2k1 make this month
        expect: {sent: true, reply: "812,345 of its 1,000,000 calls"}
"""
    assert not run_text(text).results[0].passed  # dry run: 200 with no body
    assert run_text(text, mock=True).results[0].passed  # the spec's example


def test_run_suite_identity_claims_reach_the_request(run_text: RunText) -> None:
    text = HAPPY.replace("identity: {customer_id: cus_demo}", "identity: {customer_id: cus_other}").replace(
        "expect: {request: {method: POST,", "expect: {request: {headers: {X-Customer-Id: cus_other}, method: POST,"
    )

    assert run_text(text).results[0].passed


def test_select_keeps_cases_whose_id_contains_the_keyword(load_text: LoadText) -> None:
    cases = load_text(HAPPY + WRONG.split("conversations:\n", 1)[1])

    assert [case.name for case in select(cases, "WRONG")] == ["reset wrong"]
    assert [case.name for case in select(cases, "suite.yaml::reset")] == ["reset happy", "reset wrong"]
    assert len(select(cases, None)) == 2


def test_report_shows_a_line_per_conversation_and_a_diff_of_the_request(run_text: RunText) -> None:
    suite = run_text(HAPPY + WRONG.split("conversations:\n", 1)[1])

    lines = [render_line(result) for result in suite.results]
    failures = render_failures(suite)

    assert lines == [
        "tests/conversations/suite.yaml::reset happy PASSED",
        "tests/conversations/suite.yaml::reset wrong FAILED",
    ]
    assert "FAILURES" in failures and "suite.yaml::reset wrong" in failures
    assert "turn 1 ok: user: reset my api key for proj_8f2k1" in failures
    assert "turn 2 (tests/conversations/suite.yaml:14) failed: user: yes" in failures
    assert "  reply: expected to contain 'ends in wxyz'" in failures
    diff = failures.split("request (- expected, + actual):\n", 1)[1]
    assert diff.startswith(
        "    -path: /projects/proj_8f2k1/keys\n"
        "    +path: /projects/proj_8f2k1/keys/rotate\n"
        "     body:\n"
        "    -  reason: chat\n"
        "    +  reason: support-chat\n"
    )
    assert "    | Done. Your new key ends in abcd" in failures
    assert render_summary(suite).strip("= ") == "1 passed, 1 failed"


def test_report_of_a_passing_suite_has_no_failures_section(run_text: RunText) -> None:
    assert render_failures(run_text(HAPPY)) == ""


def test_junit_xml_has_a_testcase_per_conversation_and_the_failure(run_text: RunText) -> None:
    suite = run_text(HAPPY + WRONG.split("conversations:\n", 1)[1])

    root = ET.fromstring(junit_xml(suite, "acme-support"))

    testsuite = root.find("testsuite")
    assert testsuite is not None
    assert (testsuite.get("tests"), testsuite.get("failures")) == ("2", "1")
    cases = testsuite.findall("testcase")
    assert [(c.get("classname"), c.get("name"), c.get("line")) for c in cases] == [
        ("tests.conversations.suite", "reset happy", "3"),
        ("tests.conversations.suite", "reset wrong", "10"),
    ]
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure is not None
    assert failure.get("message") == "turn 2: reply: expected to contain 'ends in wxyz'"
    assert "turn 2 (tests/conversations/suite.yaml:14) failed" in (failure.text or "")
