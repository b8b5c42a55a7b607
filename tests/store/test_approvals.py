"""Approvals in the store, on a real SQLite file and a real PostgreSQL: parked with its handoff,
decided once (by the write-ahead of the approved run, or by the turn that rejects it, whichever
replica gets there first), and still pending after a restart."""

from __future__ import annotations

import pytest

from chatgw.store import Decision, NewApproval, NewHandoff, RunAhead, Store, TurnRecord, open_store

PREVIEW = {"method": "POST", "url": "http://api.test/credits", "headers": {"Authorization": "[redacted]"}, "body": {"amount": 80}}
PARKED = {
    "action": "apply_credit", "operation": "applyCredit", "run_key": "k" * 32, "digest": "d" * 64,
    "request": {**PREVIEW, "headers": {"X-Session": "sess-value-not-for-the-inbox"}}, "preview": PREVIEW,
    "slots": {"amount": 80}, "reason": "Credits over $50 need a teammate's approval.",
}


def park(store: Store, cid: str = "c1", hid: str = "h_1") -> None:
    """A first turn whose confirmed run was parked as an approval."""
    approval = NewApproval("apply_credit", "applyCredit", PARKED["run_key"], PARKED, {"sub": "u1"})
    handoff = NewHandoff(hid, "approval", {"kind": "approval"}, approval=approval)
    assert store.save_turn(turn(cid, None, "yes", replies=("A teammate will approve it.",), handoff=handoff))


def turn(cid: str, lease: float | None, message: str | None, **extra) -> TurnRecord:
    status = extra.pop("status", "handoff")
    return TurnRecord(
        conversation_id=cid, lease=lease, state={"status": status}, status=status, claims={"sub": "u1"},
        message=message, intent=None, out_of_scope=False, subject="u1", at=1000.0, **extra,
    )


def ahead(decision: Decision, run_key: str = PARKED["run_key"]) -> RunAhead:
    return RunAhead(run_key, "apply_credit", "applyCredit", PREVIEW, "idem-1", {"status": "executing"}, decision=decision)


@pytest.fixture
def stores(store_url: str):  # type: ignore[no-untyped-def]
    one, two = open_store(store_url), open_store(store_url)  # two replicas on one database
    yield one, two
    one.close()
    two.close()


def test_a_parked_approval_is_stored_with_its_handoff_and_shows_only_the_preview(stores) -> None:
    one, _ = stores
    park(one)
    [listed] = one.handoffs("open")
    assert listed.kind == "approval" and listed.reason == "approval"
    shown = listed.as_dict(packet=False)
    assert shown["approval"] == {
        "action": "apply_credit", "operation": "applyCredit", "request": PREVIEW, "request_hash": "d" * 64,
        "reason": "Credits over $50 need a teammate's approval.", "status": "pending",
        "decided_by": None, "decided_at": None, "decision_reason": None,
    }
    assert "sess-value-not-for-the-inbox" not in repr(shown)
    assert listed.approval is not None and listed.approval.parked == PARKED and listed.approval.claims == {"sub": "u1"}


def test_approving_on_two_replicas_records_one_decision_and_one_run(stores) -> None:
    one, two = stores
    park(one)
    first = one.start_turn("c1", subject="u1", now=2000.0)
    assert first is not None
    approved = Decision("h_1", "approved", "ana", None, 2000.0)
    assert one.begin_run("c1", ahead(approved), lease=first.lease, subject="u1", claims={}, now=2000.0) is not None
    # The other replica, once the lease is free: the decision is taken, nothing may be sent.
    one.end_turn("c1", first.lease)
    second = two.start_turn("c1", subject="u1", now=2001.0)
    assert second is not None
    late = Decision("h_1", "approved", "bo", None, 2001.0)
    assert two.begin_run("c1", ahead(late, "other" * 6), lease=second.lease, subject="u1", claims={}, now=2001.0) is None
    assert two.begin_run("c1", ahead(late), lease=second.lease, subject="u1", claims={}, now=2001.0) is None
    assert two.handoff("h_1").status == "resolved"  # written ahead with the decision: nothing left to do
    decided = two.handoff("h_1").approval
    assert decided.status == "approved" and decided.decided_by == "ana" and decided.decided_at == 2000.0
    assert [(r.run_key, r.outcome) for r in two.runs("c1")] == [(PARKED["run_key"], "sending")]


def test_a_rejection_resolves_the_handoff_and_its_reply_waits_for_the_next_chat(stores) -> None:
    one, two = stores
    park(one)
    start = one.start_turn("c1", subject="u1", now=2000.0)
    rejected = Decision("h_1", "rejected", "ana", "one credit per month", 2000.0)
    assert one.save_turn(turn("c1", start.lease, None, status="idle", replies=("Not approved: one credit per month.",),
                              decision=rejected, undelivered=True))
    handoff = two.handoff("h_1")
    assert handoff.status == "resolved" and handoff.approval.status == "rejected"
    assert handoff.approval.decision_reason == "one credit per month"
    later = two.start_turn("c1", subject="u1", now=2001.0)
    assert [(m.role, m.text) for m in later.agent_messages] == [("bot", "Not approved: one credit per month.")]
    assert [m.text for m in two.messages("c1")][-1] == "Not approved: one credit per month."


def test_a_pending_approval_survives_a_restart(store_url: str) -> None:
    store = open_store(store_url)
    park(store)
    store.close()
    again = open_store(store_url)
    try:
        found = again.handoff("h_1")
        assert found.approval.status == "pending" and found.approval.parked == PARKED
    finally:
        again.close()


def test_a_withdrawal_and_a_teammates_decision_are_recorded_once_whichever_commits_first(stores) -> None:
    one, two = stores
    # The customer's withdrawal first: a later approval is not written ahead, nothing may be sent.
    park(one, "c1", "h_1")
    start = one.start_turn("c1", subject="u1", now=2000.0)
    withdrawn = Decision("h_1", "withdrawn", "customer", None, 2000.0)
    assert one.save_turn(turn("c1", start.lease, "never mind", status="idle", replies=("Withdrawn.",), decision=withdrawn))
    late = two.start_turn("c1", subject="u1", now=2001.0)
    assert two.begin_run("c1", ahead(Decision("h_1", "approved", "ana", None, 2001.0)), lease=late.lease,
                         subject="u1", claims={}, now=2001.0) is None
    assert two.handoff("h_1").approval.status == "withdrawn" and two.runs("c1") == []

    # A teammate's approval first: the withdrawal's turn writes nothing at all.
    park(one, "c2", "h_2")
    start = one.start_turn("c2", subject="u1", now=2000.0)
    approved = Decision("h_2", "approved", "ana", None, 2000.0)
    assert one.begin_run("c2", ahead(approved, "r" * 32), lease=start.lease, subject="u1", claims={}, now=2000.0)
    one.end_turn("c2", start.lease)
    messages = len(two.messages("c2"))
    later = two.start_turn("c2", subject="u1", now=2001.0)
    refused = turn("c2", later.lease, "never mind", status="idle", replies=("Withdrawn.",),
                   decision=Decision("h_2", "withdrawn", "customer", None, 2001.0))
    assert two.save_turn(refused) is False
    assert two.handoff("h_2").approval.status == "approved" and two.handoff("h_2").approval.decided_by == "ana"
    assert len(two.messages("c2")) == messages and two.get_conversation("c2").state == {"status": "executing"}
    assert [r.outcome for r in two.runs("c2")] == ["sending"]
