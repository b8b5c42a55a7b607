"""Approval policies in the engine, against a real HTTP upstream on loopback: a confirmed run is
parked instead of sent, an approved one sends exactly the parked request (whatever a reload
changed), a rejected one sends nothing, and a run key started once is never sent again."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from typing import Any, Mapping

import pytest

from chatgw.compiler.plans import ApprovalPlan, CallPlan
from chatgw.engine import ConversationState, Engine, RunStart, RunStatus, TurnResult
from chatgw.engine import approval
from chatgw.runtime import DryRunSender, HttpSender, request_digest

from tests.engine.plans import EXTEND_TRIAL, acme, converse
from tests.upstream import Reply

CUSTOMER = {"customer_id": "cus_me", "sub": "user_1"}
POLICY = ApprovalPlan(when="slots.hours > 24", reason="Trials over {{ slots.hours }} hours need a look.")


def with_approval(base_url: str, policy: ApprovalPlan | None = POLICY, **changes: Any):  # type: ignore[no-untyped-def]
    """The Acme test project whose trial extension has `policy` (and other `changes`)."""
    project = acme(base_url)
    actions = tuple(
        replace(action, approval=policy, **changes) if action.name == "extend_trial" else action
        for action in project.actions
    )
    return replace(project, actions=actions)


def parked_state(upstream_url: str, hours: int = 48) -> tuple[TurnResult, ConversationState]:
    _, confirmed = converse(with_approval(upstream_url), [f"extend my trial by {hours} hours", "yes"], identity=CUSTOMER)
    return confirmed, ConversationState.from_dict(json.loads(json.dumps(confirmed.state.to_dict())))


def extensions(upstream) -> list:  # type: ignore[no-untyped-def]
    return [r for r in upstream.received if r.path == "/customers/cus_me/trial/extend"]


class MemoryJournal:
    """The write-ahead record kept in a dict, as the store keeps it in a table (the store's own
    tests run it on SQLite and PostgreSQL): a run key can be started once."""

    def __init__(self) -> None:
        self.runs: dict[str, RunStatus] = {}
        self.states: dict[str, Mapping[str, Any]] = {}  # the conversation's state written ahead

    async def begin(self, start: RunStart) -> bool:
        if start.run_key in self.runs:
            return False
        self.runs[start.run_key] = RunStatus("sending")
        self.states[start.run_key] = start.state
        return True

    async def sending(self, run_key: str, request: Mapping[str, Any], idempotency_key: str | None) -> None:
        self.runs[run_key] = RunStatus("sending")

    async def answered(self, run_key: str, status: int) -> None:
        self.runs[run_key] = RunStatus("sent", status)

    async def lookup(self, run_key: str) -> RunStatus | None:
        return self.runs.get(run_key)


def approve(project, state, parked, journal=None) -> TurnResult:  # type: ignore[no-untyped-def]
    async def run() -> TurnResult:
        async with HttpSender(project.upstream) as sender:
            return await Engine(project, sender).approved(state, parked, identity=CUSTOMER, journal=journal)

    return asyncio.run(run())


def test_a_confirmed_run_that_needs_approval_is_parked_and_nothing_is_sent(upstream) -> None:
    confirmed, state = parked_state(upstream.url)
    parked = confirmed.parked
    assert parked is not None and extensions(upstream) == []
    assert confirmed.handoff_reason == "approval" and confirmed.turn.state == "handoff"
    assert confirmed.turn.replies[-1].startswith("Trials over 48 hours need a look. I've passed your request to a teammate")
    assert parked.preview["body"] == {"hours": 48} and parked.request["body"] == {"hours": 48}
    assert parked.digest == request_digest(parked.preview) and parked.reason == "Trials over 48 hours need a look."
    assert parked.preview["headers"]["Idempotency-Key"] == parked.request["idempotency_key"]
    assert approval.Parked.from_dict(json.loads(json.dumps(parked.as_dict()))) == parked
    [waiting] = converse(with_approval(upstream.url), ["hello?"], identity=CUSTOMER, state=state)
    assert waiting.turn.replies == (approval.WAITING,) and waiting.parked is None
    assert extensions(upstream) == []


def test_below_the_threshold_the_run_is_sent_at_once(upstream) -> None:
    _, done = converse(with_approval(upstream.url), ["extend my trial by 12 hours", "yes"], identity=CUSTOMER)
    assert done.parked is None and done.turn.replies == ("Done: your trial is 12 hours longer.",)
    assert [r.json() for r in extensions(upstream)] == [{"hours": 12}]


def test_a_when_that_cannot_be_evaluated_asks_for_approval(upstream) -> None:
    unsure = ApprovalPlan(when="identity.plan == 'free'")  # this customer's token has no plan claim
    _, confirmed = converse(
        with_approval(upstream.url, unsure), ["extend my trial by 2 hours", "yes"], identity=CUSTOMER
    )
    assert confirmed.parked is not None and extensions(upstream) == []


def test_approval_always_parks_even_without_a_confirmation(upstream) -> None:
    project = with_approval(upstream.url, ApprovalPlan(), confirm=None)
    [parked] = converse(project, ["extend my trial by 2 hours"], identity=CUSTOMER)
    assert parked.parked is not None and parked.turn.replies[-1].startswith("I've passed your request")


def test_an_approved_run_sends_exactly_the_parked_request_after_a_reload_changed_the_action(upstream) -> None:
    upstream.respond(Reply(200, {}))
    confirmed, state = parked_state(upstream.url)
    reloaded = with_approval(
        upstream.url,
        steps=(CallPlan(operation=EXTEND_TRIAL, path={"customer_id": "{{ slots.customer_id }}"}, body={"hours": 1}),),
    )
    assert approval.outdated(reloaded, confirmed.parked) is None
    journal = MemoryJournal()
    result = approve(reloaded, state, confirmed.parked, journal)
    [sent] = extensions(upstream)
    assert sent.json() == {"hours": 48}  # what the customer confirmed, not what the reload says now
    assert sent.headers["idempotency-key"] == confirmed.parked.request["idempotency_key"]
    assert result.turn.replies == ("Done: your trial is 48 hours longer.",) and result.state.status == "idle"
    [run] = result.runs
    assert run.outcome == "ok" and run.run_key == confirmed.parked.run_key and run.journaled


def test_approving_a_run_twice_sends_it_once(upstream) -> None:
    confirmed, state = parked_state(upstream.url)
    journal = MemoryJournal()
    project = with_approval(upstream.url)
    first = approve(project, state, confirmed.parked, journal)
    second = approve(project, state, confirmed.parked, journal)
    assert len(extensions(upstream)) == 1
    assert first.runs[0].outcome == "ok" and second.runs[0].outcome == "unknown"  # refused before sending


def test_a_rejected_run_sends_nothing_and_says_why(upstream) -> None:
    confirmed, state = parked_state(upstream.url)
    result = Engine(with_approval(upstream.url), DryRunSender()).rejected(state, confirmed.parked, "one extension per month")
    assert extensions(upstream) == []
    assert result.turn.replies == (approval.rejected("one extension per month"),)
    assert "nothing was changed" in result.turn.replies[0] and "One extension per month." in result.turn.replies[0]
    [run] = result.runs
    assert run.outcome == "rejected" and run.run_key == confirmed.parked.run_key and not run.journaled
    assert result.state.status == "idle" and result.state.handoff_reason is None


@pytest.mark.parametrize("message", ["cancel", "never mind", "stop", "I changed my mind"])
def test_cancelling_while_parked_withdraws_the_request_and_sends_nothing(upstream, message: str) -> None:
    confirmed, state = parked_state(upstream.url)
    [withdrawn] = converse(with_approval(upstream.url), [message], identity=CUSTOMER, state=state)
    assert withdrawn.withdrawn is True and withdrawn.parked is None and withdrawn.outcome == "cancelled"
    assert withdrawn.turn.replies == (approval.WITHDRAWN,) and withdrawn.turn.handoff is False
    assert withdrawn.state.status == "idle" and withdrawn.state.handoff_reason is None
    assert withdrawn.runs == ()  # the server records the unsent run from the approval it keeps
    # Only a cancel withdraws: anything else still waits, and an ordinary handoff ignores a cancel.
    [still] = converse(with_approval(upstream.url), ["cancel the last invoice email change"], identity=CUSTOMER, state=state)
    assert still.withdrawn is False and still.turn.replies == (approval.WAITING,)
    human = replace(state, handoff_reason="customer_asked")
    [waiting] = converse(with_approval(upstream.url), [message], identity=CUSTOMER, state=human)
    assert waiting.withdrawn is False and waiting.state.status == "handoff"
    assert extensions(upstream) == []
    assert approval.unsent_run(confirmed.parked, "withdrawn").idempotency_key == confirmed.parked.request["idempotency_key"]


def test_a_parked_request_is_outdated_when_its_action_operation_or_host_is_gone(upstream) -> None:
    confirmed, _ = parked_state(upstream.url)
    parked = confirmed.parked
    project = with_approval(upstream.url)
    gone = replace(project, actions=tuple(a for a in project.actions if a.name != "extend_trial"))
    moved = replace(project, upstream=replace(project.upstream, base_url="http://127.0.0.2:9"))
    other = with_approval(upstream.url, steps=project.action("show_usage").steps)
    assert "no longer exists" in approval.outdated(gone, parked)
    assert "no longer calls extendTrial" in approval.outdated(other, parked)
    assert "base_url changed" in approval.outdated(moved, parked)


class Crash(Exception):
    """The process dies while the approved request is out."""


class CrashingSender:
    def __init__(self) -> None:
        self.sent = 0

    async def send(self, request):  # type: ignore[no-untyped-def]
        self.sent += 1
        raise Crash()


def test_an_approved_run_whose_outcome_a_crash_lost_goes_to_a_human_never_a_blind_resend(upstream) -> None:
    confirmed, state = parked_state(upstream.url)
    project, journal, sender = with_approval(upstream.url), MemoryJournal(), CrashingSender()

    async def crash_then_settle() -> TurnResult | None:
        try:
            await Engine(project, sender).approved(state, confirmed.parked, identity=CUSTOMER, journal=journal)
        except Crash:
            pass
        left = ConversationState.from_dict(journal.states[confirmed.parked.run_key])
        return await Engine(project, sender).settle(left, identity=CUSTOMER, journal=journal)

    settled = asyncio.run(crash_then_settle())
    assert sender.sent == 1 and settled is not None
    assert settled.handoff_reason == "outcome_unknown" and settled.runs[0].outcome == "unknown"
