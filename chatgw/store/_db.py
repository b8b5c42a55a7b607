"""Opening the database: the engine from a URL, SQLite tuned for a sidecar, the schema checked."""

from __future__ import annotations

import os
import re
import select

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError, NoSuchModuleError

from chatgw.errors import ChatgwError
from chatgw.store import migrations


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
    if parsed.drivername in ("postgresql", "postgres"):
        # psycopg 3, the driver of the chatgw[postgres] extra, whatever SQLAlchemy's default
        parsed = parsed.set(drivername="postgresql+psycopg")
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite:
        database = parsed.database or ""
        if database and database != ":memory:" and not os.path.isabs(database) and root:
            parsed = parsed.set(database=os.path.join(root, database))
        engine = create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        postgres = parsed.get_backend_name() == "postgresql"
        try:
            # pool_pre_ping costs a round trip and ~0.08 ms of CPU per transaction; on
            # PostgreSQL a look at the idle socket finds what it would (`_drop_dead`).
            engine = create_engine(parsed, pool_pre_ping=not postgres)
        except NoSuchModuleError:
            raise StoreError(
                f"store: {parsed.drivername!r} is not a database chatgw can use; write it like "
                "sqlite:///chatgw.db or postgresql://user:${PASSWORD}@host/db"
            ) from None
        except ModuleNotFoundError as error:
            hint = "pip install 'chatgw[postgres]'" if parsed.get_backend_name() == "postgresql" else "pip install it next to chatgw"
            raise StoreError(
                f"the database driver for {parsed.get_backend_name()} is not installed "
                f"(no module {error.name!r}); {hint}"
            ) from None
        if postgres:
            event.listen(engine, "checkout", _drop_dead)
    return engine


def _drop_dead(dbapi_connection, _record, _proxy) -> None:  # type: ignore[no-untyped-def]
    """Refuse a pooled PostgreSQL connection the server has closed; the pool opens another.

    An idle connection has nothing to read unless the server ended it (a restart, a
    terminated backend: an error message, then EOF), so a readable socket, or none, means
    dead. chatgw never LISTENs, so no notification can be waiting on a live one.
    """
    if dbapi_connection.closed or dbapi_connection.broken:
        raise DisconnectionError("the connection is closed")
    try:
        readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    except (OSError, ValueError):
        raise DisconnectionError("the connection has no socket") from None
    if readable:
        raise DisconnectionError("the server closed the connection")


class StoreOutdated(StoreError):
    """The store's schema is older than this chatgw's: `chatgw store upgrade` brings it up."""


def create_schema(engine: Engine) -> None:
    """Create the tables of an empty store; refuse a store whose schema is not current."""
    found = migrations.status(engine)
    if found.state == "empty":
        migrations.create_current(engine)
    elif found.state == "older":
        raise StoreOutdated(
            f"the store is at schema revision {found.revision}, this chatgw needs {found.head}: "
            "run `chatgw store upgrade` (back up the database first)"
        )
    elif found.state == "newer":
        raise StoreError(
            f"the store has schema revision {found.revision}, newer than this chatgw's "
            f"{found.head}; upgrade chatgw"
        )


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
