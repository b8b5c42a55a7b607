"""Inbox indexes (schema_version 4): the handoff queries the inbox and live pages poll, each an
index range scan in the order it reads instead of a scan of every handoff and a sort.

- `ix_handoffs_updated` (updated_at): the live poll (`store/changes.py`: updated_at after the
  cursor, in updated_at order) and the cursor of now (its max);
- `ix_handoffs_created` (created_at): the inbox list of every status, newest first, and the
  insights' handoffs of a window;
- `ix_handoffs_conversation` (conversation_id, updated_at): one conversation's live poll and
  its open handoff, read with every chat turn that hands over or withdraws.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_INDEXES = {
    "ix_handoffs_updated": ["updated_at"],
    "ix_handoffs_created": ["created_at"],
    "ix_handoffs_conversation": ["conversation_id", "updated_at"],
}


def upgrade() -> None:
    for name, columns in _INDEXES.items():
        op.create_index(name, "handoffs", columns)
    op.execute(sa.text("INSERT INTO schema_version (version, applied_at) VALUES (4, :at)").bindparams(at=time.time()))


def downgrade() -> None:
    for name in _INDEXES:
        op.drop_index(name, "handoffs")
    op.execute(sa.text("DELETE FROM schema_version WHERE version = 4"))
