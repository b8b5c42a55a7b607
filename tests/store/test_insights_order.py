"""The insights' actions come most requested first (what the insights page lists), on SQLite and
PostgreSQL."""

from __future__ import annotations

from sqlalchemy import insert

from chatgw.store import insights, open_store
from chatgw.store.tables import action_runs, conversations

NOW = 1_796_040_000.0


def test_insights_list_the_most_requested_action_first_ties_by_name(store_url: str) -> None:
    store = open_store(store_url)
    try:
        with store.engine.begin() as connection:
            connection.execute(insert(conversations).values(
                id="c0", subject=None, claims={}, state={}, status="idle", outcome="resolved", handed_off=0,
                version=1, created_at=NOW, updated_at=NOW,
            ))
            for action, count in (("show_usage", 1), ("rotate_key", 3), ("apply_credit", 3), ("extend_trial", 2)):
                for _ in range(count):
                    connection.execute(insert(action_runs).values(conversation_id="c0", action=action, outcome="ok", at=NOW))
        data = insights(store, since="7d", now=NOW)
    finally:
        store.close()
    assert [(a["action"], a["requests"]) for a in data["actions"]] == [
        ("apply_credit", 3), ("rotate_key", 3), ("extend_trial", 2), ("show_usage", 1),
    ]
