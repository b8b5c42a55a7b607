"""The repo's example deployment (chatgw.yaml + actions/) through the engine, against the demo
Acme API served on loopback."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from chatgw.compiler import load_project
from chatgw.compiler.plans import ProjectPlan
from chatgw.demo import create_acme_app

from tests.demo.conftest import TOKEN, running
from tests.engine.plans import converse

EXAMPLE = Path(__file__).resolve().parents[2] / "chatgw.yaml"
DEMO_CUSTOMER = {"customer_id": "cus_demo", "sub": "u_demo"}


@pytest.fixture(scope="module")
def example() -> Iterator[ProjectPlan]:
    with running(create_acme_app(TOKEN, seed=7)) as url, pytest.MonkeyPatch.context() as env:
        env.setenv("ACME_API_URL", url)
        env.setenv("ACME_API_TOKEN", TOKEN)
        yield load_project(EXAMPLE)


def test_example_rotates_the_key_of_the_customers_own_project(example):
    asked, confirming, done = converse(
        example, ["my key leaked, I need a new one", "proj_8f2k1", "yep"], identity=DEMO_CUSTOMER
    )
    assert asked.turn.intent == "reset_api_key" and asked.turn.state == "collecting"
    assert confirming.turn.state == "confirming"
    assert "proj_8f2k1" in confirming.turn.replies[0]
    assert done.outcome == "resolved"
    assert done.turn.replies[0].startswith("Done. Your new key ends in ")
    assert done.runs[0].operation == "rotateProjectKey" and done.runs[0].status == 200
    assert "Authorization" not in done.turn.request["headers"]


def test_example_never_reaches_another_customers_project(example):
    results = converse(example, ["rotate the token for proj_zz999", "yes"], identity=DEMO_CUSTOMER)
    assert results[-1].turn.replies == ("I couldn't find project proj_zz999 on your account.",)
    assert results[-1].runs[0].status == 404


def test_example_takes_several_slots_from_one_message(example):
    [result] = converse(
        example, ["I want a credit of $20 for the outage on proj_ab12c"], identity=DEMO_CUSTOMER
    )
    assert result.turn.intent == "apply_credit"
    assert result.turn.state == "confirming"
    assert result.turn.slots == {
        "project_id": "proj_ab12c", "amount": 20, "reason": "outage", "customer_id": "cus_demo",
    }
    assert result.turn.request["body"]["amount"] == 20


def test_example_reasks_a_bad_value_with_the_reason(example):
    bad, good, done = converse(
        example,
        ["please lift the rate limit on proj_8f2k1 for 100 hours", "48", "sure, go ahead"],
        identity=DEMO_CUSTOMER,
    )
    assert bad.turn.state == "collecting"
    assert "72" in bad.turn.replies[0]
    assert good.turn.state == "confirming" and good.turn.slots["hours"] == 48
    assert done.outcome == "resolved" and done.runs[0].status == 200


def test_example_answers_directly_and_refuses_without_a_claim(example):
    answer, refused = converse(example, ["how do rate limits work", "check my usage for proj_8f2k1"])
    assert answer.turn.intent == "explain_rate_limits" and answer.runs[0].outcome == "ok"
    assert refused.turn.intent == "check_usage"
    assert "customer id" in refused.turn.replies[0] and refused.runs == ()


def test_example_credit_above_50_dollars_waits_for_approval_then_is_applied_once(example):
    import asyncio

    from chatgw.engine import ConversationState, Engine
    from chatgw.runtime import HttpSender

    confirming, parked = converse(
        example, ["give proj_8f2k1 an $80 credit for the outage", "yes"], identity=DEMO_CUSTOMER
    )
    assert confirming.turn.state == "confirming" and parked.turn.state == "handoff"
    assert parked.parked is not None and parked.parked.preview["body"]["amount"] == 80
    assert parked.turn.replies[0].startswith("Credits over $50 need a teammate's approval.")

    async def approve():  # type: ignore[no-untyped-def]
        async with HttpSender(example.upstream) as sender:
            state = ConversationState.from_dict(parked.state.to_dict())
            return await Engine(example, sender).approved(state, parked.parked, identity=DEMO_CUSTOMER)

    done = asyncio.run(approve())
    assert done.runs[0].operation == "applyCredit" and done.runs[0].status == 201
    assert done.turn.replies[0].startswith("Done. $80")
