"""Conversations, messages, action runs, tags, handoffs and the webhook outbox (SQLAlchemy 2).

    open_store(url, root=...)   engine from the URL (SQLite in WAL mode), schema created or checked
    upgrade_store(url, ...)     the Alembic migrations a store lacks (migrations/)
    Store                       small repository functions, each one short transaction
    insights(store, since=...)  the numbers behind GET /v1/insights and `chatgw insights`

store/ depends on SQLAlchemy, Alembic and the standard library only: no engine, config or plan types.
"""

from chatgw.store._db import StoreError, StoreOutdated
from chatgw.store.insights import insights, parse_since
from chatgw.store.records import (
    Approval,
    Conversation,
    Decision,
    Delivery,
    Handoff,
    Message,
    NewApproval,
    NewHandoff,
    RunAhead,
    RunRecord,
    TurnRecord,
    TurnStart,
    delivery_id,
)
from chatgw.store.store import LEASE_SECONDS, Store, open_store, upgrade_store
from chatgw.store.tables import SUBJECT_CHARS

__all__ = [
    "LEASE_SECONDS",
    "SUBJECT_CHARS",
    "Approval",
    "Conversation",
    "Decision",
    "Delivery",
    "Handoff",
    "Message",
    "NewApproval",
    "NewHandoff",
    "RunAhead",
    "RunRecord",
    "Store",
    "StoreError",
    "StoreOutdated",
    "TurnRecord",
    "TurnStart",
    "delivery_id",
    "insights",
    "open_store",
    "parse_since",
    "upgrade_store",
]
