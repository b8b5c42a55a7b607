"""The handoff queries the inbox and the live pages poll read an index in the order they need,
on SQLite and on a real PostgreSQL: each statement the store really runs is captured and put
through EXPLAIN. (PostgreSQL is told to avoid sequential scans, bitmap scans and, for a query
that must read in order, sorts wherever it can: on a table this small it would rightly scan
it, and the question is whether an index can serve the query at all.)"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest
from sqlalchemy import event

from chatgw.store import NewHandoff, Store, TurnRecord, open_store
from chatgw.store.changes import Cursor, changes, current

# What each poll runs -> (the index that must serve it, whether it must read in order, sort-free).
QUERIES: dict[str, tuple[Callable[[Store], Any], str, bool]] = {
    "inbox live poll": (lambda store: changes(store, Cursor(handoff_at=1500.0)), "ix_handoffs_updated", True),
    "conversation live poll": (lambda store: changes(store, Cursor(handoff_at=1500.0), conversation_id="c7"),
                               "ix_handoffs_conversation", True),
    "inbox list, every status": (lambda store: store.handoffs(), "ix_handoffs_created", True),
    "inbox list, one status": (lambda store: store.handoffs("open"), "ix_handoffs_status", True),
    "open handoff of a conversation": (lambda store: store.open_handoff("c7"), "ix_handoffs_conversation", False),
}


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    store = open_store(store_url)
    for n in range(30):
        handoff = NewHandoff(f"h_{n}", "customer_asked", {})
        store.save_turn(TurnRecord(
            conversation_id=f"c{n}", lease=None, state={"status": "handoff"}, status="handoff", claims={},
            message="a human please", intent=None, out_of_scope=False, replies=("Handing over.",),
            handoff=handoff, at=1000.0 + n * 50,
        ))
    yield store
    store.close()


@pytest.mark.parametrize("name", list(QUERIES))
def test_each_inbox_query_reads_its_index_in_order(store: Store, name: str) -> None:
    run, index, ordered = QUERIES[name]
    [(statement, parameters)] = _handoff_statements(store, run)
    plan = _explain(store, statement, parameters, ordered=ordered)
    assert index in plan, plan
    if ordered:
        assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan  # read in order, nothing sorted after


def test_the_cursor_of_now_reads_the_newest_handoff_from_the_index(store: Store) -> None:
    newest, recent = _handoff_statements(store, current)
    for statement, parameters in (newest, recent):
        assert "ix_handoffs_updated" in _explain(store, statement, parameters)


def _handoff_statements(store: Store, run: Callable[[Store], Any]) -> list[tuple[str, Any]]:
    """The statements on the handoffs table that `run(store)` executes, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def capture(connection: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if "FROM handoffs" in statement:
            seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        run(store)
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    return seen


def _explain(store: Store, statement: str, parameters: Any, *, ordered: bool = True) -> str:
    with store.engine.connect() as connection:
        if store.engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            return "\n".join(row[-1] for row in rows)
        for setting in ("enable_seqscan", "enable_bitmapscan", *(("enable_sort",) if ordered else ())):
            connection.exec_driver_sql(f"SET LOCAL {setting} = off")
        rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
        return "\n".join(row[0] for row in rows)
