"""Schema migrations with Alembic: where a store's schema stands, and bringing it up to date.

A new, empty database gets the current tables at once (and is stamped at the newest
revision); an existing one is only ever changed by `upgrade` (`chatgw store upgrade`), never
by `serve` on its own: a migration is an operator's decision, taken once, not a side effect of
whichever replica starts first. Stores written before Alembic carry only `schema_version`;
their version names the revision they are at (1 -> 0001, 2 -> 0002).
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import Connection, Engine, inspect, select

from chatgw.store.tables import metadata, schema_version

__all__ = ["SchemaStatus", "create_current", "status", "upgrade"]

_FOLDER = Path(__file__).parent


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    state: Literal["empty", "current", "older", "newer"]
    revision: str | None  # where the store is; None when empty
    head: str  # where this chatgw's migrations end


def status(engine: Engine) -> SchemaStatus:
    """Where the schema of the store at `engine` stands against this chatgw's migrations."""
    scripts = _scripts()
    head = scripts.get_current_head()
    assert head is not None
    with engine.connect() as connection:
        revision = _revision(connection)
    if revision is None:
        return SchemaStatus("empty", None, head)
    if revision == head:
        return SchemaStatus("current", revision, head)
    known = {script.revision for script in scripts.walk_revisions()}
    return SchemaStatus("older" if revision in known else "newer", revision, head)


def create_current(engine: Engine) -> None:
    """Create the current tables in an empty database and stamp the newest revision."""
    with engine.begin() as connection:
        _create(connection)


def upgrade(engine: Engine) -> list[str]:
    """Apply every migration the store lacks, in one transaction; the revisions applied."""
    from alembic import command

    with engine.begin() as connection:
        before = _revision(connection)
        if before is None:
            _create(connection)
            return []
        if not inspect(connection).has_table("alembic_version"):
            command.stamp(_config(connection), before)  # a store from before Alembic
        command.upgrade(_config(connection), "head")
    scripts = _scripts()
    return [s.revision for s in reversed(list(scripts.iterate_revisions("head", before)))]


def _create(connection: Connection) -> None:
    from alembic import command

    metadata.create_all(connection)
    # schema_version is kept for chatgw releases before Alembic: they refuse a newer store by it
    head = _scripts().get_current_head() or "0"
    connection.execute(schema_version.insert().values(version=int(head), applied_at=time.time()))
    command.stamp(_config(connection), "head")


def _revision(connection: Connection) -> str | None:
    """The store's revision: Alembic's, else the legacy schema_version, else None (empty)."""
    tables = inspect(connection)
    if tables.has_table("alembic_version"):
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(connection).get_current_revision()
    if tables.has_table("schema_version"):
        found = connection.execute(select(schema_version.c.version)).scalars().all()
        return f"{max(found):04d}" if found else None
    return None


def _config(connection: Connection):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_FOLDER))
    config.attributes["connection"] = connection
    return config


@functools.cache
def _scripts():  # type: ignore[no-untyped-def]
    """The revision files, read once per process (every store opened asks for the head)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(_FOLDER))
