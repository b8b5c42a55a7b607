"""Retention on SQLite and a real PostgreSQL: old conversations go with everything that is
theirs; open handoffs and runs in flight stay, whatever their age."""

from __future__ import annotations

import dataclasses

from chatgw.store import NewApproval, NewHandoff, RunRecord, open_store
from chatgw.store.retention import prune
from tests.store.test_store import record


def test_prune_deletes_old_conversations_whole_and_keeps_open_handoffs_and_runs_in_flight(store_url: str) -> None:
    store = open_store(store_url)
    try:
        def turn(cid: str, at: float, **extra) -> None:
            lease = store.create_conversation(cid, subject="u1", claims={}, state={"status": "idle"}, now=at)
            store.save_turn(dataclasses.replace(record(cid, lease, "hello", **extra), at=at))

        run = RunRecord("rotate_key", "rotateProjectKey", "ok", 200, 12.5, {"method": "POST"})
        turn("old", 1000.0, runs=(run,), tags=("keys",))
        resolved = NewHandoff("h-old", "customer_asked", {"reason": "customer_asked"}, (("http://hook", "{}"),))
        turn("old-resolved-handoff", 1000.0, handoff=resolved)
        store.set_handoff("h-old", now=1001.0, status="resolved")
        store.set_outcome("old-resolved-handoff", "handoff", now=1001.0)  # leaves updated_at old
        waiting = NewHandoff("h-open", "customer_asked", {"reason": "customer_asked"})
        turn("old-open-handoff", 1000.0, handoff=waiting)
        turn("old-in-flight", 1000.0)
        store.set_state("old-in-flight", {"status": "executing"}, now=1000.0)
        turn("recent", 9000.0)
        parked = NewApproval("rotate_key", "rotateProjectKey", "k" * 32, {"preview": {}}, {})
        turn("old-decided-approval", 1000.0, handoff=NewHandoff("h-appr", "approval", {}, approval=parked))
        store.set_handoff("h-appr", now=1001.0, status="resolved")
        store.set_outcome("old-decided-approval", "resolved", now=1001.0)
        pending = NewApproval("rotate_key", "rotateProjectKey", "p" * 32, {"preview": {}}, {})
        turn("old-pending-approval", 1000.0, handoff=NewHandoff("h-pend", "approval", {}, approval=pending))

        counts = prune(store, before=5000.0)

        assert counts["approvals"] == 1 and store.handoff("h-appr") is None and store.handoff("h-pend") is not None
        assert counts["conversations"] == 3 and counts["handoffs"] == 2 and counts["outbox"] == 1
        assert counts["action_runs"] == 1 and counts["tags"] == 1 and counts["messages"] >= 2
        assert store.get_conversation("old") is None and store.runs("old") == [] and store.messages("old") == []
        assert store.get_conversation("old-resolved-handoff") is None and store.handoff("h-old") is None
        for kept in ("old-open-handoff", "old-in-flight", "recent"):
            assert store.get_conversation(kept) is not None
        assert prune(store, before=5000.0)["conversations"] == 0
    finally:
        store.close()
