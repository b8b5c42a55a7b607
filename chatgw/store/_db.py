"""Opening the database: the engine from a URL, SQLite tuned for a sidecar, the schema checked."""

from __future__ import annotations

import os
import re
import time

from sqlalchemy import Engine, create_engine, event, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from chatgw.errors import ChatgwError
from chatgw.store.tables import SCHEMA_VERSION, metadata, schema_version


class StoreError(ChatgwError):
    """The store cannot be opened or was written by a newer chatgw."""


def connect(url: str, *, root: str | None = None) -> Engine:
    """An engine for `url`; a relative SQLite path is taken relative to `root`."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        # Never the URL itself: it may carry a database password.
        match = re.match(r"[A-Za-z][A-Za-z0-9+.-]*", url)
        scheme = match.group(0) if match else "(none)"
        raise StoreError(
            f"store: is not a database URL (scheme {scheme!r}); write it like "
            "sqlite:///chatgw.db or postgresql://user:${PASSWORD}@host/db"
        ) from None
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite:
        database = parsed.database or ""
        if database and database != ":memory:" and not os.path.isabs(database) and root:
            parsed = parsed.set(database=os.path.join(root, database))
        engine = create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        try:
            engine = create_engine(parsed, pool_pre_ping=True)
        except ModuleNotFoundError as error:
            raise StoreError(
                f"the database driver for {parsed.get_backend_name()} is not installed "
                f"(no module {error.name!r}); pip install it next to chatgw"
            ) from None
    return engine


def create_schema(engine: Engine) -> None:
    """Create missing tables and record the schema version; refuse a newer schema."""
    metadata.create_all(engine)
    with engine.begin() as connection:
        found = connection.execute(select(schema_version.c.version)).scalars().all()
        if not found:
            connection.execute(insert(schema_version).values(version=SCHEMA_VERSION, applied_at=time.time()))
        elif max(found) < SCHEMA_VERSION:
            _upgrade(connection, max(found))
        elif max(found) > SCHEMA_VERSION:
            raise StoreError(
                f"the store has schema version {max(found)}, newer than this chatgw's "
                f"{SCHEMA_VERSION}; upgrade chatgw"
            )


# In-place upgrades from each earlier version (plain DDL both SQLite and PostgreSQL take).
_UPGRADES = {
    1: (
        "ALTER TABLE action_runs ADD COLUMN run_key VARCHAR(64)",
        "ALTER TABLE action_runs ADD COLUMN idempotency_key VARCHAR(64)",
        "CREATE UNIQUE INDEX uq_action_runs_run_key ON action_runs (run_key)",
        "ALTER TABLE outbox ADD COLUMN claimed_until FLOAT",
    ),
}


def _upgrade(connection, version: int) -> None:  # type: ignore[no-untyped-def]
    for step in range(version, SCHEMA_VERSION):
        for statement in _UPGRADES[step]:
            connection.execute(text(statement))
        connection.execute(insert(schema_version).values(version=step + 1, applied_at=time.time()))


def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = connection.cursor()
    # WAL lets readers (insights, the inbox) run beside the one writer. With WAL,
    # synchronous=NORMAL is the usual pairing and is safe: the database is never corrupted;
    # a power cut (not a crash of chatgw) may lose the last turns committed since the
    # previous checkpoint, and in exchange a commit does not wait for an fsync.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
