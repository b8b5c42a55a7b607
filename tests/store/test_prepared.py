"""The turn's writes as compiled SQL (store/_prepared.py) and the PostgreSQL pool's dead-connection
check (store/_db.py), on a real SQLite file and a real PostgreSQL: what Core would have written,
read back through Core."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from sqlalchemy import bindparam, event, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from chatgw.store import open_store
from chatgw.store._prepared import Prepared
from chatgw.store.records import RunRecord, TurnRecord
from chatgw.store.tables import action_runs, conversations, messages, tags

_c = conversations.c
_BUMP = update(conversations).where(_c.id == bindparam("_id")).values(version=_c.version + 1)
_INSERT = insert(conversations)
_MESSAGES = insert(messages)
_TAGS = insert(tags)


def conversation(cid: str, **extra) -> dict:
    row = {
        "id": cid, "subject": None, "claims": {"sub": "u1", "locale": "de-CH"}, "state": {"status": "idle", "slots": {"n": [1, None]}},
        "status": "idle", "outcome": None, "handed_off": 0, "version": 1, "busy_until": None, "created_at": 1.5, "updated_at": 2.5,
    }
    return {**row, **extra}


def test_prepared_writes_what_core_reads_back(store_url: str) -> None:
    store = open_store(store_url)
    prepared = Prepared(store.engine.dialect)
    try:
        with store.engine.begin() as connection:
            prepared.execute(connection, _INSERT, conversation("c1"))
            prepared.insert_many(connection, _MESSAGES, [
                {"conversation_id": "c1", "role": role, "text": f"{role} says 100% {{{{ x }}}} ?", "intent": None,
                 "out_of_scope": 0, "delivered": 1, "at": 3.0} for role in ("customer", "bot", "bot")
            ])
            prepared.insert_many(connection, _TAGS, [{"conversation_id": "c1", "tag": "intent:x", "at": 3.0}])
            bumped = prepared.execute(connection, _BUMP, {"status": "executing", "_id": "c1"})
            missed = prepared.execute(connection, _BUMP, {"status": "executing", "_id": "nobody"})
        with store.engine.connect() as connection:
            row = connection.execute(select(conversations)).one()
            texts = connection.execute(select(messages.c.role, messages.c.text).order_by(messages.c.id)).all()
            tagged = connection.execute(select(tags.c.tag)).scalars().all()
    finally:
        store.close()
    assert (bumped.rowcount, missed.rowcount) == (1, 0)
    assert row.claims == {"sub": "u1", "locale": "de-CH"} and row.state == {"status": "idle", "slots": {"n": [1, None]}}
    assert (row.version, row.status, row.created_at) == (2, "executing", 1.5)  # the statement's own `+ 1`
    assert [tuple(t) for t in texts] == [(r, f"{r} says 100% {{{{ x }}}} ?") for r in ("customer", "bot", "bot")]
    assert tagged == ["intent:x"]


def _statements(engine) -> list[str]:
    """Every statement the engine sends from now on (BEGIN and COMMIT are not among them:
    psycopg sends those itself)."""
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, sql, *_rest: sent.append(sql))
    return sent


def _autocommitted(engine) -> list[bool]:
    """For every statement from now on, whether the driver ran it outside a transaction
    (psycopg's `autocommit`: no BEGIN before it, no COMMIT after)."""
    seen: list[bool] = []
    event.listen(
        engine, "before_cursor_execute",
        lambda connection, *_rest: seen.append(bool(getattr(connection.connection.dbapi_connection, "autocommit", False))),
    )
    return seen


def test_execute_all_writes_every_part_and_on_postgresql_as_one_statement(store_url: str) -> None:
    store = open_store(store_url)
    prepared = Prepared(store.engine.dialect)
    sent = _statements(store.engine)
    try:
        with store.engine.begin() as connection:
            # Parts with the same parameter names (conversation_id, at) and a foreign key from
            # the later parts to the first's row.
            prepared.execute_all(connection, [
                (_INSERT, [conversation("c1")]),
                (_MESSAGES, [{"conversation_id": "c1", "role": r, "text": f"{r}: 50%", "intent": None, "out_of_scope": 0,
                              "delivered": 1, "at": 3.0} for r in ("customer", "bot")]),
                (_TAGS, []),  # nothing to write: left out
                (_TAGS, [{"conversation_id": "c1", "tag": "usage", "at": 4.0}]),
            ])
        written = len(sent)
        with store.engine.connect() as connection:
            row = connection.execute(select(conversations)).one()
            texts = connection.execute(select(messages.c.text).order_by(messages.c.id)).scalars().all()
            tagged = connection.execute(select(tags.c.tag, tags.c.at)).all()
    finally:
        store.close()
    assert written == (1 if prepared.joins else 3)
    assert prepared.joins == store_url.startswith("postgresql")
    assert row.claims == {"sub": "u1", "locale": "de-CH"} and row.state["slots"] == {"n": [1, None]}
    assert texts == ["customer: 50%", "bot: 50%"] and [tuple(t) for t in tagged] == [("usage", 4.0)]


def test_a_part_that_fails_writes_nothing_of_the_others(store_url: str) -> None:
    store = open_store(store_url)
    prepared = Prepared(store.engine.dialect)
    try:
        with store.engine.begin() as connection:
            prepared.execute(connection, _INSERT, conversation("taken"))
        with pytest.raises(IntegrityError), store.engine.begin() as connection:
            prepared.execute_all(connection, [(_INSERT, [conversation("c2")]), (_INSERT, [conversation("taken")])])
        with store.engine.connect() as connection:
            ids = connection.execute(select(conversations.c.id)).scalars().all()
    finally:
        store.close()
    assert ids == ["taken"]


def _first_turn(cid: str, *, tags_: tuple[str, ...] = ("usage",)) -> TurnRecord:
    run = RunRecord(action="show_usage", operation="getUsage", request={"method": "GET"}, status=200,
                    outcome="ok", run_key=f"rk-{cid}", idempotency_key=None, journaled=False)
    return TurnRecord(
        conversation_id=cid, lease=None, state={"status": "idle"}, status="idle", claims={"sub": "u"},
        message="show my usage", intent="show_usage", out_of_scope=False, replies=("You made 3 requests.",),
        outcome="ok", runs=(run,), tags=tags_, handoff=None, delivered=(), subject="u", at=10.0,
    )


def test_a_first_turn_is_one_statement_outside_a_transaction_on_postgresql(store_url: str) -> None:
    store = open_store(store_url)
    sent, autocommitted = _statements(store.engine), _autocommitted(store.engine)
    try:
        assert store.save_turn(_first_turn("c1", tags_=("usage", "intent:show_usage", "usage")))
        written = (len(sent), autocommitted[:1])
        conversation_ = store.get_conversation("c1")
        transcript = [(m.role, m.text) for m in store.messages("c1")]
        with store.engine.connect() as connection:
            runs = connection.execute(select(action_runs.c.run_key, action_runs.c.outcome)).all()
            tagged = sorted(connection.execute(select(tags.c.tag)).scalars())
    finally:
        store.close()
    if store_url.startswith("postgresql"):
        assert written == (1, [True])
    assert conversation_ is not None and conversation_.status == "idle" and conversation_.claims == {"sub": "u"}
    assert transcript == [("customer", "show my usage"), ("bot", "You made 3 requests.")]
    assert [tuple(r) for r in runs] == [("rk-c1", "ok")] and tagged == ["intent:show_usage", "usage"]


def test_prepared_refuses_a_statement_whose_column_default_core_would_fill(store_url: str) -> None:
    store = open_store(store_url)
    try:
        row = conversation("c2")
        del row["handed_off"]  # a column with a Python-side default: Core adds it, the SQL cannot
        with store.engine.begin() as connection, pytest.raises(ValueError, match="handed_off"):
            Prepared(store.engine.dialect).execute(connection, _INSERT, row)
    finally:
        store.close()


def test_a_connection_the_server_ended_is_replaced_not_used(postgres_cluster) -> None:
    store = open_store(postgres_cluster.database())
    try:
        with store.engine.connect() as other:
            with store.engine.connect() as connection:  # back in the pool, idle, after this
                pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            # another session ends it while it idles, as a server restart would
            assert other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
            other.commit()
            # pg_terminate_backend only signals: wait until the backend is gone and its end has
            # reached the socket (under load the check could otherwise look too early)
            for _ in range(100):
                if not other.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}).scalar():
                    break
                other.commit()
                time.sleep(0.05)
            time.sleep(0.2)
        # Without a check at checkout the next call would fail on the dead socket (OperationalError)
        assert store.get_conversation("nobody") is None
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT pg_backend_pid()").scalar() != pid
    finally:
        store.close()


def test_a_later_turn_takes_its_lease_alone_and_writes_in_three_statements_on_postgresql(store_url: str) -> None:
    store = open_store(store_url)
    try:
        assert store.save_turn(_first_turn("c1"))
        sent, autocommitted = _statements(store.engine), _autocommitted(store.engine)
        start = store.start_turn("c1", subject="u", now=20.0)
        assert start is not None
        leased = (len(sent), list(autocommitted))
        later = replace(
            _first_turn("c1", tags_=("usage", "billing")), lease=start.lease, at=21.0,
            runs=(RunRecord(action="show_usage", operation="getUsage", outcome="ok", run_key="rk-2"),),
        )
        del sent[:], autocommitted[:]
        assert store.save_turn(later)
        saved = (len(sent), list(autocommitted))
        transcript = [m.text for m in store.messages("c1")]
        with store.engine.connect() as connection:
            tagged = sorted(connection.execute(select(tags.c.tag)).scalars())
    finally:
        store.close()
    if store_url.startswith("postgresql"):
        assert leased == (2, [True, True])  # UPDATE ... RETURNING, then the human replies not yet shown
        assert saved == (3, [False] * 3)  # in one transaction: the lease's UPDATE, the known tags, the inserts
    assert transcript == ["show my usage", "You made 3 requests."] * 2 and tagged == ["billing", "usage"]
