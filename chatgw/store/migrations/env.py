"""Alembic's entry point: run the migrations on the connection chatgw hands over
(`chatgw.store.migrations.upgrade`); chatgw never reads an alembic.ini."""

from __future__ import annotations

from alembic import context

from chatgw.store.tables import metadata

connection = context.config.attributes["connection"]
# Batch mode lets ALTER TABLE work on SQLite too (it copies the table when it must).
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
