"""The writes of a chat turn, compiled once per dialect and run with `exec_driver_sql`.

Through `Connection.execute`, SQLAlchemy Core spends most of a turn's store time on its own
per-execution work (the compiled-cache lookup, building bind parameters, result set-up):
bench/serve.py's turn, four inserts, took 0.74 ms of CPU on PostgreSQL (psycopg 3) that way and
0.37 ms as the same SQL through `exec_driver_sql` (0.20 and 0.14 ms on SQLite). The SQL is
still SQLAlchemy's, compiled from the Core statements for the engine's dialect, with each
type's bind processor (JSON, above all) applied as Core would; errors are still SQLAlchemy's
(IntegrityError, disconnects that invalidate the pool), so callers handle them as before.

On PostgreSQL the writes of a turn whose row counts nobody reads go out as one statement,
each a data-modifying part of one WITH (`execute_all`): a turn's four INSERTs were four round
trips inside BEGIN ... COMMIT (0.69-0.82 ms of CPU, 1.2-1.4 ms of wall time in bench/serve.py's
turn) and are one, without a transaction around it when nothing else is written (0.37-0.44 ms,
0.65-0.74 ms). A single statement is atomic by itself, and foreign keys are checked at its end,
so a part may reference a row another part inserts.

Writes only: a read would come back without the result processing (JSON columns as text on
SQLite), so reads stay on `Connection.execute`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection, CursorResult, Dialect, Insert, bindparam
from sqlalchemy.sql.dml import UpdateBase

Write = tuple[UpdateBase, Sequence[Mapping[str, Any]]]
"""A statement and its rows: one row, or several with the same keys (one multi-row INSERT)."""

_PLACEHOLDER = re.compile(r"(?<!%)%\((\w+)\)s")  # pyformat's %(name)s; %% is a literal percent sign


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
        values = self.values(row)
        return values if self._names is None else dict(zip(self._names, values))

    def values(self, row: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(
            constant if key is None else row[key] if process is None else process(row[key])
            for key, process, constant in self._binds
        )

    @property
    def named(self) -> tuple[str, ...] | None:
        """The parameter names, in the order of `values` (None: positional)."""
        return self._names


class _Joined:
    """Statements in pyformat as the parts of one: `WITH s0 AS (...), s1 AS (...) <last>`, each
    part's parameters renamed `s<n>_<name>` so that two parts' names never collide."""

    __slots__ = ("_names", "sql")

    def __init__(self, parts: Sequence[_Compiled]) -> None:
        sqls, self._names = [], []
        for n, part in enumerate(parts):
            sqls.append(_PLACEHOLDER.sub(lambda found, n=n: f"%(s{n}_{found.group(1)})s", part.sql))
            self._names.append(tuple(f"s{n}_{name}" for name in part.named or ()))
        self.sql = "WITH " + ", ".join(f"s{n} AS ({sql})" for n, sql in enumerate(sqls[:-1])) + " " + sqls[-1]

    def bind(self, parts: Sequence[tuple[_Compiled, Mapping[str, Any]]]) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for names, (compiled, row) in zip(self._names, parts):
            params.update(zip(names, compiled.values(row)))
        return params


class Prepared:
    """Core INSERT/UPDATE statements run as their compiled SQL, for one engine's dialect."""

    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect
        # Keyed by the statement object (kept alive here, so never confused with a later one):
        # meant for the module-level statements of the hot path, not ones built per call.
        self._compiled: dict[tuple[UpdateBase, tuple[str, ...]], _Compiled] = {}
        self._multirow: dict[tuple[Insert, tuple[str, ...], int], Insert] = {}  # per row count
        self._joined: dict[tuple[_Compiled, ...], _Joined] = {}
        # PostgreSQL takes INSERT/UPDATE/DELETE inside WITH; SQLite and others do not.
        self.joins = dialect.name == "postgresql" and dialect.paramstyle == "pyformat"

    def execute(self, connection: Connection, statement: UpdateBase, row: Mapping[str, Any]) -> CursorResult[Any]:
        """Run `statement` with one row of parameters."""
        compiled = self._compile(statement, tuple(row))
        return connection.exec_driver_sql(compiled.sql, compiled.bind(row))

    def insert_many(self, connection: Connection, statement: Insert, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert `rows` (all with the same keys) as one multi-row INSERT.

        Not `executemany`: psycopg runs that in pipeline mode, which cost more CPU for the
        few rows of a turn (two messages, a few tags) than one statement carrying them all."""
        self.execute_all(connection, [(statement, rows)])

    def execute_all(self, connection: Connection, writes: Sequence[Write]) -> None:
        """Run `writes` whose row counts nobody reads (those without rows are skipped): one
        statement on PostgreSQL, one after another elsewhere. Parts of one statement all see
        the database as it was before it, so no part may depend on another's effect but a
        foreign key."""
        parts = [self._part(statement, rows) for statement, rows in writes if rows]
        if len(parts) > 1 and self.joins:
            key = tuple(compiled for compiled, _ in parts)
            joined = self._joined.get(key)
            if joined is None:
                joined = self._joined[key] = _Joined(key)
            connection.exec_driver_sql(joined.sql, joined.bind(parts))
            return
        for compiled, row in parts:
            connection.exec_driver_sql(compiled.sql, compiled.bind(row))

    def _part(self, statement: UpdateBase, rows: Sequence[Mapping[str, Any]]) -> tuple[_Compiled, Mapping[str, Any]]:
        """The compiled statement for `rows` and its one row of parameters."""
        names = tuple(rows[0])
        if len(rows) == 1:
            return self._compile(statement, names), rows[0]
        assert isinstance(statement, Insert), "several rows are one multi-row INSERT"
        flat = {f"{name}_{n}": row[name] for n, row in enumerate(rows) for name in names}
        return self._compile(self._many(statement, names, len(rows)), tuple(flat)), flat

    def _compile(self, statement: UpdateBase, names: tuple[str, ...]) -> _Compiled:
        compiled = self._compiled.get((statement, names))
        if compiled is None:
            compiled = self._compiled[(statement, names)] = _Compiled(statement, names, self._dialect)
        return compiled

    def _many(self, statement: Insert, names: tuple[str, ...], count: int) -> Insert:
        key = (statement, names, count)
        many = self._multirow.get(key)
        if many is None:
            columns = statement.table.c  # type: ignore[attr-defined]
            many = self._multirow[key] = statement.values([
                {name: bindparam(f"{name}_{n}", type_=columns[name].type) for name in names} for n in range(count)
            ])
        return many
