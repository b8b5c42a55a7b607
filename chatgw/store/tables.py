"""The tables of the store, and the schema version they make up."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy import String as _String
from sqlalchemy import Text as _Text

NUL_STANDIN = "\ufffd"  # what a NUL character in stored text reads back as, on every database


class _NoNul:
    """Text that every database can hold. PostgreSQL refuses NUL ("\\x00") in text, whether
    written or compared, so a message, an agent's name or a looked-up id carrying one would be
    a database error (a 500) there and fine on SQLite. Every text value the store binds goes
    through here, so both stores keep it as U+FFFD, and a lookup by such an id finds nothing."""

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if isinstance(value, str) and "\x00" in value:
            return value.replace("\x00", NUL_STANDIN)
        return value


class String(_NoNul, TypeDecorator[str]):
    impl = _String
    cache_ok = True  # SQLAlchemy reads it from each class's own namespace


class Text(_NoNul, TypeDecorator[str]):
    impl = _Text
    cache_ok = True


# The schema's revision (chatgw/store/migrations/versions/): 2 is action_runs.run_key (unique)
# and idempotency_key, the write-ahead record, and outbox.claimed_until; 3 is handoffs.kind and
# the approvals table; 4 the indexes of the inbox's handoff queries.
SCHEMA_VERSION = 4

SUBJECT_CHARS = 255  # the longest customer id (identity subject) a conversation can belong to

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", Float, nullable=False),
)

conversations = Table(
    "conversations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("subject", String(SUBJECT_CHARS)),  # the identity's `sub`; None for an anonymous customer
    Column("claims", JSON, nullable=False),  # verified claims of the last turn; never a token
    Column("state", JSON, nullable=False),  # the engine's ConversationState.to_dict()
    Column("status", String(32), nullable=False),  # the engine state's status
    Column("outcome", String(32)),  # resolved | failed | handoff | cancelled | out_of_scope
    Column("handed_off", Integer, nullable=False, default=0),  # ever handed to a human
    Column("version", Integer, nullable=False, default=0),  # bumped by every turn
    Column("busy_until", Float),  # lease of the replica processing a turn
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(64), ForeignKey("conversations.id"), nullable=False),
    Column("role", String(16), nullable=False),  # customer | bot | agent
    Column("text", Text, nullable=False),
    Column("author", String(255)),  # the agent's name
    Column("intent", String(255)),
    Column("out_of_scope", Integer, nullable=False, default=0),
    Column("delivered", Integer, nullable=False, default=1),  # agent replies: sent to the chat yet
    Column("at", Float, nullable=False),
    Index("ix_messages_conversation", "conversation_id", "id"),
)

action_runs = Table(
    "action_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(64), ForeignKey("conversations.id"), nullable=False),
    Column("action", String(255), nullable=False),
    Column("operation", String(255)),
    Column("request", JSON),  # the redacted preview
    # Names the confirmed run; unique, so one confirmed request is started at most once.
    Column("run_key", String(64)),
    Column("idempotency_key", String(64)),
    Column("status", Integer),
    Column("latency_ms", Float),
    Column("outcome", String(32), nullable=False),  # sending | sent | unknown | ok | failed | ...
    Column("error", Text),
    Column("at", Float, nullable=False),
    Index("ix_action_runs_at", "at"),
    UniqueConstraint("run_key", name="uq_action_runs_run_key"),
)

tags = Table(
    "tags",
    metadata,
    Column("conversation_id", String(64), ForeignKey("conversations.id"), primary_key=True),
    Column("tag", String(255), primary_key=True),
    Column("at", Float, nullable=False),
)

handoffs = Table(
    "handoffs",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("conversation_id", String(64), ForeignKey("conversations.id"), nullable=False),
    Column("status", String(16), nullable=False),  # open | claimed | resolved
    Column("reason", String(64), nullable=False),
    Column("kind", String(16), nullable=False, server_default="handoff"),  # handoff | approval
    Column("packet", JSON, nullable=False),
    Column("assignee", String(255)),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Index("ix_handoffs_status", "status", "created_at"),
    # What the inbox and the live pages poll by (migration 0004 says which query reads which).
    Index("ix_handoffs_updated", "updated_at"),
    Index("ix_handoffs_created", "created_at"),
    Index("ix_handoffs_conversation", "conversation_id", "updated_at"),
)

# A confirmed run parked for a teammate's decision; one per handoff of kind `approval`.
approvals = Table(
    "approvals",
    metadata,
    Column("handoff_id", String(64), ForeignKey("handoffs.id"), primary_key=True),
    Column("conversation_id", String(64), ForeignKey("conversations.id"), nullable=False),
    Column("action", String(255), nullable=False),
    Column("operation", String(255), nullable=False),
    Column("run_key", String(64), nullable=False),
    # The parked run: its first request as it will be sent (no credentials), the redacted
    # preview, its digest and the slots. Never in the packet, the API or the webhook: the
    # preview is what those show.
    Column("parked", JSON, nullable=False),
    Column("claims", JSON, nullable=False),  # verified claims of the turn that confirmed it
    Column("status", String(16), nullable=False),  # pending | approved | rejected | withdrawn
    Column("decided_by", String(255)),
    Column("decision_reason", Text),
    Column("created_at", Float, nullable=False),
    Column("decided_at", Float),
    Index("ix_approvals_created", "created_at"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("handoff_id", String(64), ForeignKey("handoffs.id"), nullable=False),
    Column("url", Text, nullable=False),
    Column("payload", Text, nullable=False),  # the exact JSON bytes that are signed and sent
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_at", Float, nullable=False),
    Column("delivered_at", Float),
    Column("claimed_until", Float),  # a worker is delivering it until then; others keep off
    Column("last_error", Text),
    UniqueConstraint("handoff_id", "url"),
    Index("ix_outbox_due", "delivered_at", "next_at"),
)
