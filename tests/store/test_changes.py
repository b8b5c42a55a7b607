"""Reading the store's changes by cursor (what live pages poll), on SQLite and PostgreSQL: two
stores on one database stand for two replicas."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from chatgw.store import open_store
from chatgw.store.changes import HOLE_SPAN, OVERLAP_SECONDS, Cursor, changes, current
from chatgw.store.tables import handoffs, messages


def conversation(store, cid: str, now: float = 1000.0) -> None:
    lease = store.create_conversation(cid, subject=None, claims={}, state={"status": "idle"}, now=now)
    store.end_turn(cid, lease)


def handoff(store, cid: str, hid: str, now: float) -> None:
    """A handoff row as a turn writes it."""
    with store.engine.begin() as connection:
        connection.execute(insert(handoffs).values(
            id=hid, conversation_id=cid, status="open", reason="customer_asked", packet={}, assignee=None,
            created_at=now, updated_at=now,
        ))


def message_with_id(store, id: int, role: str = "customer") -> None:
    """A message row with the id a concurrent insert would have been handed."""
    with store.engine.begin() as connection:
        connection.execute(insert(messages).values(
            id=id, conversation_id="c1", role=role, text="hello", out_of_scope=0, delivered=1, at=1001.0,
        ))


def kinds(found) -> list[tuple[str, str]]:
    return [(c.kind, c.data.get("role") or c.data.get("status")) for c in found]


def test_changes_after_the_current_cursor_are_only_what_happens_next(store_url: str) -> None:
    one, two = open_store(store_url), open_store(store_url)
    try:
        conversation(one, "c1")
        one.add_agent_message("c1", "earlier", author="ana", now=1000.0)
        cursor = current(two)
        assert changes(two, cursor)[0] == []
        one.add_agent_message("c1", "Hi, Ana here", author="ana", now=1001.0)
        handoff(one, "c1", "h_1", 1001.0)
        found, cursor = changes(two, cursor)
        assert kinds(found) == [("message", "agent"), ("handoff", "open")]
        assert found[0].data["author"] == "ana" and found[1].data["id"] == "h_1"
        assert changes(two, cursor)[0] == []  # nothing twice
        one.set_handoff("h_1", status="resolved", now=1002.0)
        found, cursor = changes(two, cursor)
        assert kinds(found) == [("handoff", "resolved")]
        assert changes(two, Cursor.decode(cursor.encode()))[0] == []  # the text form round-trips
    finally:
        one.close()
        two.close()


def test_changes_catch_a_message_committed_after_a_higher_id_was_read(store_url: str) -> None:
    # On PostgreSQL an id handed out first may be committed last: the reader keeps it as a hole.
    store = open_store(store_url)
    try:
        conversation(store, "c1")
        cursor = current(store)
        message_with_id(store, cursor.message + 3)  # a later id, committed first
        found, cursor = changes(store, cursor)
        assert [c.data["id"] for c in found] == [cursor.message] and len(cursor.holes) == 2
        message_with_id(store, cursor.message - 1, "agent")  # an earlier id, committed late
        found, cursor = changes(store, cursor)
        assert [c.data["role"] for c in found] == ["agent"] and len(cursor.holes) == 1
        assert changes(store, cursor)[0] == []
    finally:
        store.close()


def test_changes_give_up_holes_further_back_than_the_span(store_url: str) -> None:
    store = open_store(store_url)
    try:
        conversation(store, "c1")
        start = current(store)
        message_with_id(store, start.message + HOLE_SPAN * 3)
        _, cursor = changes(store, start)
        assert 0 < len(cursor.holes) <= HOLE_SPAN
        assert min(cursor.holes) > cursor.message - HOLE_SPAN
    finally:
        store.close()


def test_changes_see_a_handoff_written_by_a_replica_whose_clock_is_behind(store_url: str) -> None:
    one, two = open_store(store_url), open_store(store_url)
    try:
        conversation(one, "c1")
        conversation(one, "c2")
        handoff(one, "c1", "h_1", 1010.0)
        found, cursor = changes(two, current(two))
        assert found == []
        handoff(two, "c2", "h_2", 1010.0 - OVERLAP_SECONDS / 2)  # committed later, stamped earlier
        found, cursor = changes(one, cursor)
        assert [c.data["id"] for c in found] == ["h_2"]
        assert changes(one, cursor)[0] == []
    finally:
        one.close()
        two.close()


def test_changes_of_one_conversation_leave_out_the_others(store_url: str) -> None:
    store = open_store(store_url)
    try:
        conversation(store, "c1")
        conversation(store, "c2")
        cursor = current(store)
        store.add_agent_message("c2", "for c2", author="ana", now=1001.0)
        store.add_agent_message("c1", "for c1", author="ana", now=1001.0)
        handoff(store, "c2", "h_2", 1001.0)
        found, cursor = changes(store, cursor, conversation_id="c1")
        assert [(c.kind, c.conversation_id) for c in found] == [("message", "c1")]
        store.add_agent_message("c1", "again", author="ana", now=1002.0)
        assert [c.data["role"] for c in changes(store, cursor, conversation_id="c1")[0]] == ["agent"]
    finally:
        store.close()


@pytest.mark.parametrize("text", ["", "not-base64!", "eyJ4IjoxfQ", "WzEsWzFdLCJ4IixbXV0"])
def test_a_cursor_this_server_did_not_give_is_refused_with_how_to_start(text: str) -> None:
    with pytest.raises(ValueError, match="start without one"):
        Cursor.decode(text)
