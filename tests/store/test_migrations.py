"""Schema migrations (Alembic) on SQLite and a real PostgreSQL: a store of the previous release
is upgraded to exactly the current tables, an older store is refused until upgraded, and a
new database gets the current schema at once."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, insert, inspect, select

from chatgw.store import RunAhead, StoreError, StoreOutdated, open_store, upgrade_store
from chatgw.store.tables import SCHEMA_VERSION, metadata, schema_version


def _previous_release(url: str) -> None:
    """A store as the release before Alembic wrote it: schema 1 with only schema_version."""
    from alembic import command

    from chatgw.store.migrations import _config

    engine = create_engine(url)
    with engine.begin() as connection:
        command.upgrade(_config(connection), "0001")
        connection.exec_driver_sql("DROP TABLE alembic_version")
    engine.dispose()


def _differences(url: str) -> list:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return compare_metadata(MigrationContext.configure(connection), metadata)
    finally:
        engine.dispose()


def test_a_new_database_gets_the_current_schema(store_url: str) -> None:
    open_store(store_url).close()
    assert _differences(store_url) == []
    assert upgrade_store(store_url) == []


def test_a_store_of_the_previous_release_is_refused_then_upgraded_to_the_current_tables(store_url: str) -> None:
    _previous_release(store_url)
    with pytest.raises(StoreOutdated, match=r"run `chatgw store upgrade`"):
        open_store(store_url)
    assert upgrade_store(store_url) == ["0002", "0003", "0004"]
    assert _differences(store_url) == []
    store = open_store(store_url)
    try:
        ahead = RunAhead("r" * 32, "a", "op", {}, None, {"status": "executing"})
        lease = store.begin_run("c1", ahead, lease=None, subject=None, claims={}, now=1.0)
        assert lease is not None  # the write-ahead record works, run_key unique
        assert store.begin_run("c1", ahead, lease=lease, subject=None, claims={}, now=1.0) is None
        with store.engine.connect() as connection:
            versions = connection.execute(select(schema_version.c.version)).scalars().all()
        assert max(versions) == SCHEMA_VERSION
    finally:
        store.close()
    assert upgrade_store(store_url) == []  # twice is harmless


def _at_revision(url: str, revision: str, handoff: str) -> None:
    """A store migrated only up to `revision`, holding one conversation and the handoff whose
    INSERT ... VALUES `handoff` gives (in that revision's columns)."""
    from alembic import command

    from chatgw.store.migrations import _config

    engine = create_engine(url)
    with engine.begin() as connection:
        command.upgrade(_config(connection), revision)
        connection.exec_driver_sql(
            "INSERT INTO conversations (id, claims, state, status, handed_off, version, created_at, updated_at)"
            " VALUES ('c1', '{}', '{}', 'handoff', 1, 1, 1.0, 1.0)"
        )
        connection.exec_driver_sql("INSERT INTO handoffs " + handoff)
    engine.dispose()


def test_a_store_at_0002_keeps_its_handoffs_as_kind_handoff_and_gains_approvals(store_url: str) -> None:
    _at_revision(store_url, "0002", "(id, conversation_id, status, reason, packet, created_at, updated_at)"
                 " VALUES ('h_1', 'c1', 'open', 'customer_asked', '{}', 1.0, 1.0)")
    with pytest.raises(StoreOutdated):
        open_store(store_url)
    assert upgrade_store(store_url) == ["0003", "0004"]
    open_store(store_url).close()
    store = open_store(store_url)
    try:
        [handoff] = store.handoffs()
        assert handoff.kind == "handoff" and handoff.approval is None
        assert handoff.as_dict(packet=False)["kind"] == "handoff"
    finally:
        store.close()


def test_a_store_at_0003_gains_the_inbox_indexes_and_keeps_its_handoffs(store_url: str) -> None:
    _at_revision(store_url, "0003", "(id, conversation_id, status, reason, kind, packet, created_at, updated_at)"
                 " VALUES ('h_1', 'c1', 'open', 'customer_asked', 'handoff', '{}', 1.0, 2.0)")
    engine = create_engine(store_url)
    try:
        indexes_before = {index["name"] for index in inspect(engine).get_indexes("handoffs")}
    finally:
        engine.dispose()
    with pytest.raises(StoreOutdated, match="revision 0003"):
        open_store(store_url)
    assert upgrade_store(store_url) == ["0004"]
    assert _differences(store_url) == []
    engine = create_engine(store_url)
    try:
        added = {index["name"] for index in inspect(engine).get_indexes("handoffs")} - indexes_before
    finally:
        engine.dispose()
    assert added == {"ix_handoffs_updated", "ix_handoffs_created", "ix_handoffs_conversation"}
    store = open_store(store_url)
    try:
        [handoff] = store.handoffs()
        assert (handoff.id, handoff.status, handoff.updated_at) == ("h_1", "open", 2.0)
        with store.engine.connect() as connection:
            assert max(connection.execute(select(schema_version.c.version)).scalars()) == 4
    finally:
        store.close()


def test_a_store_upgraded_by_hand_before_alembic_is_read_as_revision_0002(store_url: str) -> None:
    _previous_release(store_url)
    engine = create_engine(store_url)
    with engine.begin() as connection:  # what chatgw did in place before migrations
        for statement in (
            "ALTER TABLE action_runs ADD COLUMN run_key VARCHAR(64)",
            "ALTER TABLE action_runs ADD COLUMN idempotency_key VARCHAR(64)",
            "CREATE UNIQUE INDEX uq_action_runs_run_key ON action_runs (run_key)",
            "ALTER TABLE outbox ADD COLUMN claimed_until FLOAT",
        ):
            connection.exec_driver_sql(statement)
        connection.execute(insert(schema_version).values(version=2, applied_at=0.0))
    engine.dispose()
    # schema_version 2 is revision 0002: nothing of it is redone, only what came after
    with pytest.raises(StoreOutdated, match="revision 0002"):
        open_store(store_url)
    engine = create_engine(store_url)
    try:
        assert "alembic_version" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    assert upgrade_store(store_url) == ["0003", "0004"]
    open_store(store_url).close()


def test_a_store_newer_than_this_chatgw_is_refused(store_url: str) -> None:
    open_store(store_url).close()
    engine = create_engine(store_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    engine.dispose()
    with pytest.raises(StoreError, match="newer"):
        open_store(store_url)
