"""The write-ahead record of exactly-once runs (schema_version 2): action_runs.run_key (unique)
and idempotency_key, and outbox.claimed_until for claims across replicas.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("action_runs") as table:
        table.add_column(sa.Column("run_key", sa.String(64)))
        table.add_column(sa.Column("idempotency_key", sa.String(64)))
        table.create_unique_constraint("uq_action_runs_run_key", ["run_key"])
    with op.batch_alter_table("outbox") as table:
        table.add_column(sa.Column("claimed_until", sa.Float))
    op.execute(sa.text("INSERT INTO schema_version (version, applied_at) VALUES (2, :at)").bindparams(at=time.time()))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as table:
        table.drop_column("claimed_until")
    with op.batch_alter_table("action_runs") as table:
        table.drop_constraint("uq_action_runs_run_key", type_="unique")
        table.drop_column("idempotency_key")
        table.drop_column("run_key")
    op.execute(sa.text("DELETE FROM schema_version WHERE version = 2"))
