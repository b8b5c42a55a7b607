"""The writes of a chat turn, compiled once per dialect and run with `exec_driver_sql`.

Through `Connection.execute`, SQLAlchemy Core spends most of a turn's store time on its own
per-execution work (the compiled-cache lookup, building bind parameters, result set-up):
bench/serve.py's turn, four inserts, took 0.74 ms of CPU on PostgreSQL (psycopg 3) that way and
0.37 ms as the same SQL through `exec_driver_sql` (0.20 and 0.14 ms on SQLite). The SQL is
still SQLAlchemy's, compiled from the Core statements for the engine's dialect, with each
type's bind processor (JSON, above all) applied as Core would; errors are still SQLAlchemy's
(IntegrityError, disconnects that invalidate the pool), so callers handle them as before.

Writes only: a read would come back without the result processing (JSON columns as text on
SQLite), so reads stay on `Connection.execute`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection, CursorResult, Dialect, Insert, bindparam
from sqlalchemy.sql.dml import UpdateBase



class _Bind(NamedTuple):
    """Where one bound value comes from: the row's `key`, through `process`, or `constant`."""

    key: str | None
    process: Callable[[Any], Any] | None
    constant: Any


class _Compiled:
    """One statement for one set of parameter names: its SQL and how to bind a row."""

    __slots__ = ("_binds", "_names", "sql")

    def __init__(self, statement: UpdateBase, names: Sequence[str], dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(names))
        self.sql = compiled.string
        filled = {column.key for column in (*compiled.insert_prefetch, *compiled.update_prefetch)} - set(names)
        if filled:  # column defaults Core computes at execution, which bare SQL would miss
            raise ValueError(f"{statement.table}: give {sorted(filled)} in the row")
        # Each bind by its rendered name: a row's value, or a constant of the statement
        # itself (the 1 of `version + 1`), processed now, once.
        binds: dict[str, _Bind] = {}
        for bind, name in compiled.bind_names.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if name in names:
                binds[name] = _Bind(name, process, None)
            elif not bind.required:
                value = bind.effective_value
                binds[name] = _Bind(None, None, value if process is None else process(value))
            else:
                raise ValueError(f"{statement.table}: no value for {name!r}")
        order = compiled.positiontup  # qmark/numeric dialects (SQLite): a tuple in this order
        # None: positional; else the names of a dict (pyformat, psycopg)
        self._names = None if order is not None else tuple(binds)
        self._binds = tuple(binds[name] for name in (order if order is not None else binds))

    def bind(self, row: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        values = tuple(
            constant if key is None else row[key] if process is None else process(row[key])
            for key, process, constant in self._binds
        )
        return values if self._names is None else dict(zip(self._names, values))


class Prepared:
    """Core INSERT/UPDATE statements run as their compiled SQL, for one engine's dialect."""

    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect
        # Keyed by the statement object (kept alive here, so never confused with a later one):
        # meant for the module-level statements of the hot path, not ones built per call.
        self._compiled: dict[tuple[UpdateBase, tuple[str, ...]], _Compiled] = {}
        self._multirow: dict[tuple[Insert, tuple[str, ...], int], Insert] = {}  # per row count

    def execute(self, connection: Connection, statement: UpdateBase, row: Mapping[str, Any]) -> CursorResult[Any]:
        """Run `statement` with one row of parameters."""
        names = tuple(row)
        compiled = self._compiled.get((statement, names))
        if compiled is None:
            compiled = self._compiled[(statement, names)] = _Compiled(statement, names, self._dialect)
        return connection.exec_driver_sql(compiled.sql, compiled.bind(row))

    def insert_many(self, connection: Connection, statement: Insert, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert `rows` (all with the same keys) as one multi-row INSERT.

        Not `executemany`: psycopg runs that in pipeline mode, which cost more CPU for the
        few rows of a turn (two messages, a few tags) than one statement carrying them all."""
        names = tuple(rows[0])
        flat = {f"{name}_{n}": row[name] for n, row in enumerate(rows) for name in names}
        self.execute(connection, self._many(statement, names, len(rows)), flat)

    def _many(self, statement: Insert, names: tuple[str, ...], count: int) -> Insert:
        key = (statement, names, count)
        many = self._multirow.get(key)
        if many is None:
            columns = statement.table.c  # type: ignore[attr-defined]
            many = self._multirow[key] = statement.values([
                {name: bindparam(f"{name}_{n}", type_=columns[name].type) for name in names} for n in range(count)
            ])
        return many
