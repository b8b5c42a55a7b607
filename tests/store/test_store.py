"""The store on a real SQLite file and a real PostgreSQL (the `store_url` fixture runs each test on
both): schema, leases that serialise turns across replicas, outbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import insert

from chatgw.store import LEASE_SECONDS, NewHandoff, RunRecord, StoreError, TurnRecord, open_store
from chatgw.store.tables import SCHEMA_VERSION, schema_version


def record(cid: str, lease: float, message: str, **extra) -> TurnRecord:
    return TurnRecord(
        conversation_id=cid, lease=lease, state={"status": "idle"}, status="idle", claims={"sub": "u1"},
        message=message, intent=None, out_of_scope=False, replies=("ok",), at=1000.0, **extra,
    )


def test_store_creates_the_schema_in_wal_mode_with_a_version(tmp_path: Path) -> None:
    store = open_store("sqlite:///chat.db", root=str(tmp_path))
    try:
        with store.engine.connect() as connection:
            mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
            version = connection.exec_driver_sql("SELECT version FROM schema_version").scalar()
        assert mode == "wal" and version == SCHEMA_VERSION
        assert (tmp_path / "chat.db").exists()
    finally:
        store.close()


def test_store_lease_lets_one_replica_run_a_turn_at_a_time(store_url: str) -> None:
    url = store_url
    one, two = open_store(url), open_store(url)  # two replicas on the same database
    try:
        lease = one.create_conversation("c1", subject="u1", claims={}, state={"status": "idle"}, now=1000.0)
        assert two.begin_turn("c1", now=1001.0) is None  # held by the first
        assert one.save_turn(record("c1", lease, "hello"))
        second = two.begin_turn("c1", now=1002.0)
        assert second is not None and one.begin_turn("c1", now=1003.0) is None
        assert not one.save_turn(record("c1", lease, "stale lease"))  # nothing written
        assert two.save_turn(record("c1", second, "yes"))
        texts = [m.text for m in one.messages("c1") if m.role == "customer"]
        assert texts == ["hello", "yes"]
        assert one.get_conversation("c1").version == 2
    finally:
        one.close()
        two.close()


def test_store_lease_expires_after_a_crashed_turn(store_url: str) -> None:
    store = open_store(store_url)
    try:
        store.create_conversation("c1", subject=None, claims={}, state={"status": "idle"}, now=1000.0)
        assert store.begin_turn("c1", now=1000.0 + LEASE_SECONDS / 2) is None
        assert store.begin_turn("c1", now=1000.0 + LEASE_SECONDS + 1) is not None
    finally:
        store.close()


def test_store_turn_with_a_handoff_writes_runs_tags_and_the_outbox_together(store_url: str) -> None:
    store = open_store(store_url)
    try:
        lease = store.create_conversation("c1", subject="u1", claims={}, state={"status": "idle"}, now=1000.0)
        run = RunRecord("rotate_key", "rotateProjectKey", "handoff", 500, 12.5, {"method": "POST"})
        handoff = NewHandoff("h1", "action_reply", {"reason": "action_reply"}, (("http://hook", "{}"),))
        store.save_turn(record("c1", lease, "yes", runs=(run,), tags=("keys", "keys", "outcome:handoff"), handoff=handoff))
        assert [r.action for r in store.runs("c1")] == ["rotate_key"]
        assert store.tags("c1") == ["keys", "outcome:handoff"]
        assert [h.id for h in store.handoffs("open")] == ["h1"]
        [due] = store.due_deliveries(now=1000.0)
        store.delivery_failed(due.id, next_at=1010.0, error="status 503")
        assert store.due_deliveries(now=1005.0) == [] and store.next_delivery_at() == 1010.0
        store.delivered(due.id, now=1011.0)
        assert store.outbox_pending() == 0
    finally:
        store.close()


def test_store_start_turn_leases_only_the_owners_conversation_and_reads_it(store_url: str) -> None:
    store = open_store(store_url)
    try:
        lease = store.create_conversation("c1", subject="u1", claims={}, state={"status": "idle"}, now=1000.0)
        assert store.save_turn(record("c1", lease, "hello", tags=("usage",)))
        store.add_agent_message("c1", "A person here", author="ana", now=1001.0)
        assert store.start_turn("c1", subject="u2", now=1002.0) is None  # another identity's
        assert store.start_turn("c1", subject=None, now=1002.0) is None
        assert store.start_turn("c9", subject="u1", now=1002.0) is None  # no such conversation
        start = store.start_turn("c1", subject="u1", now=1002.0)
        assert start is not None and start.conversation.version == 1
        assert [m.text for m in start.agent_messages] == ["A person here"]
        assert store.start_turn("c1", subject="u1", now=1003.0) is None  # held by that turn
        delivered = tuple(m.id for m in start.agent_messages)
        assert store.save_turn(record("c1", start.lease, "thanks", tags=("usage", "outcome:resolved"), delivered=delivered))
        again = store.start_turn("c1", subject="u1", now=1004.0)
        assert again is not None and again.agent_messages == () and again.conversation.version == 2
        assert store.tags("c1") == ["outcome:resolved", "usage"]
    finally:
        store.close()


def test_store_first_turn_creates_the_conversation_with_its_tags(store_url: str) -> None:
    store = open_store(store_url)
    try:
        assert store.save_turn(record("c1", None, "hi", tags=("a", "a", "b"), subject=None, outcome="resolved"))
        conversation = store.get_conversation("c1")
        assert conversation.version == 1 and conversation.outcome == "resolved" and not conversation.handed_off
        assert store.tags("c1") == ["a", "b"]
        assert [m.role for m in store.messages("c1")] == ["customer", "bot"]
        assert store.start_turn("c1", subject=None, now=1001.0) is not None  # anonymous: nobody's identity
    finally:
        store.close()


def test_a_bad_store_url_is_refused_without_echoing_it():
    from chatgw.store._db import StoreError, connect

    with pytest.raises(StoreError) as refused:
        connect("postgres//user:hunter2@db/x")
    assert "hunter2" not in str(refused.value)


@pytest.mark.parametrize("url", ["postgresql://u@127.0.0.1/db", "postgres://u@127.0.0.1/db"])
def test_a_postgresql_url_without_a_driver_uses_psycopg_3(url: str):
    from chatgw.store._db import connect

    engine = connect(url)
    assert (engine.dialect.name, engine.dialect.driver) == ("postgresql", "psycopg")
    engine.dispose()


def test_an_unreachable_postgresql_is_a_store_error_without_the_password():
    with pytest.raises(Exception) as failed:
        open_store("postgresql://chatgw:hunter2@127.0.0.1:9/chatgw")
    assert "hunter2" not in str(failed.value)


def _two_due_deliveries(store) -> None:
    for n, cid in enumerate(("c1", "c2")):
        lease = store.create_conversation(cid, subject="u1", claims={}, state={"status": "idle"}, now=1000.0)
        handoff = NewHandoff(f"h{n}", "asked", {"reason": "asked"}, (("http://hook", "{}"),))
        store.save_turn(record(cid, lease, "a human please", handoff=handoff))


def test_outbox_claims_skip_rows_another_worker_is_claiming_instead_of_waiting(store_url: str) -> None:
    """PostgreSQL: a row locked by another transaction (a worker mid-claim) is skipped, not
    waited for (FOR UPDATE SKIP LOCKED); the claim takes the rest."""
    import threading

    if not store_url.startswith("postgresql"):
        pytest.skip("row locks are PostgreSQL's; SQLite runs the claim under its one write lock")
    store = open_store(store_url)
    try:
        _two_due_deliveries(store)
        with store.engine.connect() as other:
            first = other.exec_driver_sql("SELECT id FROM outbox ORDER BY next_at, id LIMIT 1 FOR UPDATE").scalar()
            found: list = []
            claimer = threading.Thread(target=lambda: found.append(store.due_deliveries(now=1000.0)), daemon=True)
            claimer.start()
            claimer.join(timeout=30)
            blocked = claimer.is_alive()
            other.rollback()
        claimer.join(timeout=30)
        [claimed] = found[0]
        assert not blocked and claimed.id != first
        [retried] = store.due_deliveries(now=1000.0)  # the first row, once its locker let go
        assert retried.id == first and store.due_deliveries(now=1000.0) == []
    finally:
        store.close()


@pytest.mark.parametrize("returning", [True, False], ids=["one statement", "row by row"])
def test_outbox_claims_each_due_row_once_until_the_claim_lapses(store_url: str, returning: bool) -> None:
    from chatgw.store.store import CLAIM_SECONDS

    store = open_store(store_url)
    try:
        store.engine.dialect.update_returning = returning  # row by row: a database without RETURNING
        _two_due_deliveries(store)
        claimed = store.due_deliveries(now=1000.0)
        again = store.due_deliveries(now=1000.0 + CLAIM_SECONDS / 2)
        lapsed = store.due_deliveries(now=1000.0 + CLAIM_SECONDS + 1)
        assert [d.handoff_id for d in claimed] == ["h0", "h1"] and again == []
        assert sorted(d.id for d in lapsed) == sorted(d.id for d in claimed)
    finally:
        store.close()


def test_store_keeps_text_with_nul_as_u_fffd_on_every_database(store_url: str) -> None:
    # PostgreSQL refuses NUL in text, written or compared; before, each of these was a
    # database error there (a 500 from the server) and fine on SQLite.
    store = open_store(store_url)
    try:
        lease = store.create_conversation("c1", subject="u\x001", claims={}, state={"status": "idle"}, now=1000.0)
        assert store.save_turn(record("c1", lease, "hi\x00there"))
        store.add_agent_message("c1", "on\x00it", author="ann\x00", now=1001.0)
        assert store.get_conversation("c\x001") is None and store.handoff("h\x00") is None
        found = store.get_conversation("c1")
        assert found.subject == "u\ufffd1"
        assert [(m.text, m.author) for m in store.messages("c1")][::2] == [("hi\ufffdthere", None), ("on\ufffdit", "ann\ufffd")]
    finally:
        store.close()
