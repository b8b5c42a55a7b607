"""Approvals (schema_version 3): handoffs.kind (`handoff` or `approval`) and the approvals table,
one parked run per handoff of kind `approval`.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handoffs") as table:
        table.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="handoff"))
    op.create_table(
        "approvals",
        sa.Column("handoff_id", sa.String(64), sa.ForeignKey("handoffs.id"), primary_key=True),
        sa.Column("conversation_id", sa.String(64), sa.ForeignKey("conversations.id"), nullable=False),
        sa.Column("action", sa.String(255), nullable=False),
        sa.Column("operation", sa.String(255), nullable=False),
        sa.Column("run_key", sa.String(64), nullable=False),
        sa.Column("parked", sa.JSON, nullable=False),
        sa.Column("claims", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(255)),
        sa.Column("decision_reason", sa.Text),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("decided_at", sa.Float),
    )
    op.create_index("ix_approvals_created", "approvals", ["created_at"])
    op.execute(sa.text("INSERT INTO schema_version (version, applied_at) VALUES (3, :at)").bindparams(at=time.time()))


def downgrade() -> None:
    op.drop_index("ix_approvals_created", "approvals")
    op.drop_table("approvals")
    with op.batch_alter_table("handoffs") as table:
        table.drop_column("kind")
    op.execute(sa.text("DELETE FROM schema_version WHERE version = 3"))
