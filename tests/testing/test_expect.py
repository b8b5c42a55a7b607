"""Matching a turn object against expectations: subsets, absence, text and patterns."""

from __future__ import annotations

from typing import Any

from chatgw.testing import check_turn
from chatgw.testing.expect import request_view
from chatgw.testing.model import Expect

BASE = "http://127.0.0.1:8081/v1"
TURN: dict[str, Any] = {
    "conversation_id": "c1",
    "intent": {"name": "lift_rate_limit", "confidence": 0.9},
    "candidates": [],
    "slots": {"project_id": "proj_8f2k1", "hours": 24, "customer_id": "cus_demo"},
    "state": "idle",
    "request": {
        "method": "POST",
        "url": BASE + "/projects/proj_8f2k1/rate-limit/lift?dry=true&tag=a&tag=b",
        "headers": {"Content-Type": "application/json", "X-Customer-Id": "cus_demo"},
        "body": {"hours": 24, "reason": "support-chat", "meta": {"source": "chat", "flags": [1, 2]}},
    },
    "replies": ["Done. proj_8f2k1 can now make 6000 requests a minute.", "Anything else?"],
    "tags": ["limits", "action:lift_rate_limit", "outcome:resolved"],
    "handoff": False,
}


def _check(expect: dict[str, Any], turn: dict[str, Any] = TURN, sent: int = 1) -> list[str]:
    return [m.message for m in check_turn(Expect.model_validate(expect), turn, base_url=BASE, sent=sent)]


def test_check_turn_passes_when_every_named_expectation_holds() -> None:
    expect = {
        "intent": "lift_rate_limit",
        "state": "idle",
        "slots": {"hours": 24.0},
        "tags": ["limits"],
        "handoff": False,
        "sent": True,
        "reply": ["6000 requests a minute", "Anything else?"],
        "reply_matches": r"^Done\. proj_\w+",
        "request": {
            "method": "post",
            "path": "/projects/proj_8f2k1/rate-limit/lift",
            "query": {"dry": True, "tag": ["a", "b"]},
            "headers": {"x-customer-id": "cus_demo"},
            "body": {"hours": 24, "meta": {"flags": [1, 2]}},
        },
    }

    assert _check(expect) == []


def test_check_turn_names_each_difference() -> None:
    expect = {
        "intent": "reset_api_key",
        "state": "confirming",
        "slots": {"hours": "24", "plan": "pro"},
        "tags": ["keys"],
        "handoff": True,
        "sent": False,
    }

    assert _check(expect) == [
        "intent: expected 'reset_api_key', got 'lift_rate_limit'",
        "state: expected 'confirming', got 'idle'",
        "handoff: expected True, got False",
        "slots.hours: expected '24', got 24",
        "slots.plan: expected 'pro', got no such slot",
        "tags: missing 'keys'; got ['limits', 'action:lift_rate_limit', 'outcome:resolved']",
        "sent: expected False, but 1 request(s) were sent",
    ]


def test_check_turn_null_means_absent() -> None:
    out_of_scope = {**TURN, "intent": {"name": None, "confidence": 0.1}, "request": None}

    assert _check({"intent": None, "request": None}, out_of_scope) == []
    assert _check({"intent": None, "request": None}) == [
        "intent: expected null, got 'lift_rate_limit'",
        "request: expected none, got POST /projects/proj_8f2k1/rate-limit/lift",
    ]
    assert _check({"request": {"method": "GET"}}, out_of_scope) == ["request: expected one, but there was none"]


def test_check_turn_request_differences_in_one_line() -> None:
    expect = {
        "request": {
            "method": "PUT",
            "path": "/projects/proj_8f2k1/plan",
            "query": {"dry": False, "page": 2},
            "headers": {"X-Customer-Id": "cus_other"},
            "body": {"hours": 12, "meta": {"flags": [1]}, "note": "x"},
        }
    }

    (message,) = _check(expect)

    assert message == (
        "request: method: expected PUT, got POST; path: expected /projects/proj_8f2k1/plan, got "
        "/projects/proj_8f2k1/rate-limit/lift; query.dry: expected False, got 'true'; query.page: expected 2, "
        "got nothing; headers.X-Customer-Id: expected 'cus_other', got 'cus_demo'; body.hours: expected 12, "
        "got 24; body.meta.flags: expected [1], got [1, 2]; body.note: expected 'x', got nothing"
    )


def test_check_turn_body_null_expects_no_body() -> None:
    without_body = {**TURN, "request": {**TURN["request"], "body": None}}

    assert _check({"request": {"body": None}}, without_body) == []
    assert _check({"request": {"body": None}}) != []


def test_check_turn_reply_text_and_pattern() -> None:
    assert _check({"reply": "6001 requests"}) == ["reply: expected to contain '6001 requests'"]
    assert _check({"reply_matches": "^Anything$"}) == ["reply: no reply matches /^Anything$/"]


def test_check_turn_booleans_never_equal_numbers() -> None:
    flagged = {**TURN, "slots": {"on": True, "count": 1}}

    assert _check({"slots": {"on": True, "count": 1.0}}, flagged) == []
    assert _check({"slots": {"on": 1, "count": True}}, flagged) == [
        "slots.on: expected 1, got True",
        "slots.count: expected True, got 1",
    ]


def test_request_view_strips_the_base_url_and_splits_the_query() -> None:
    view = request_view(TURN["request"], BASE + "/")

    assert view is not None
    assert (view["path"], view["query"]) == ("/projects/proj_8f2k1/rate-limit/lift", {"dry": "true", "tag": ["a", "b"]})
    assert request_view(None, BASE) is None


def test_a_plain_space_in_a_reply_expectation_matches_the_no_break_spaces_of_formatted_values() -> None:
    turn = {**TURN, "replies": ["Lifted until 2 May 2026, 11:00\u202fAM; 60,00\u00a0€ credited."]}

    assert _check({"reply": "11:00 AM; 60,00 € credited", "reply_matches": r"11:00 AM;"}, turn) == []
    assert _check({"reply": "11:00 PM"}, turn) == ["reply: expected to contain '11:00 PM'"]
