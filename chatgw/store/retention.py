"""Retention: deleting conversations nobody has touched for longer than the store keeps them
(`chatgw store prune`, `store.retention`).

A conversation goes with everything that belongs to it (messages, action runs, tags, its
handoffs, their approvals and outbox rows) or not at all. Never deleted, whatever their age: a
conversation with a handoff still open or claimed (a person owes the customer an answer), and
one with a run in flight (status `executing`: its outcome is still to be settled).
"""

from __future__ import annotations

from sqlalchemy import delete, exists, select

from chatgw.store.store import Store
from chatgw.store.tables import action_runs, approvals, conversations, handoffs, messages, outbox, tags

__all__ = ["prune"]

_BATCH = 500  # conversations deleted per statement: bounded IN lists on any database


def prune(store: Store, *, before: float) -> dict[str, int]:
    """Delete conversations last updated before `before` (epoch seconds) and what belongs to
    them, in one transaction; how many rows went, per table."""
    pending = exists().where(
        handoffs.c.conversation_id == conversations.c.id, handoffs.c.status.in_(("open", "claimed"))
    )
    old = select(conversations.c.id).where(
        conversations.c.updated_at < before, conversations.c.status != "executing", ~pending
    )
    counts = {name: 0 for name in ("conversations", "messages", "action_runs", "tags", "approvals", "handoffs", "outbox")}
    with store.engine.begin() as connection:
        ids = list(connection.execute(old).scalars())
        for start in range(0, len(ids), _BATCH):
            batch = ids[start : start + _BATCH]
            owned = select(handoffs.c.id).where(handoffs.c.conversation_id.in_(batch))
            counts["outbox"] += connection.execute(delete(outbox).where(outbox.c.handoff_id.in_(owned))).rowcount
            for name, table in (("approvals", approvals), ("handoffs", handoffs), ("tags", tags), ("action_runs", action_runs), ("messages", messages)):
                counts[name] += connection.execute(delete(table).where(table.c.conversation_id.in_(batch))).rowcount
            counts["conversations"] += connection.execute(delete(conversations).where(conversations.c.id.in_(batch))).rowcount
    return counts
