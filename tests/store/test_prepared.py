"""The turn's writes as compiled SQL (store/_prepared.py) and the PostgreSQL pool's dead-connection
check (store/_db.py), on a real SQLite file and a real PostgreSQL: what Core would have written,
read back through Core."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, insert, select, text, update

from chatgw.store import open_store
from chatgw.store._prepared import Prepared
from chatgw.store.tables import conversations, messages, tags

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
        # Without a check at checkout the next call would fail on the dead socket (OperationalError)
        assert store.get_conversation("nobody") is None
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT pg_backend_pid()").scalar() != pid
    finally:
        store.close()
