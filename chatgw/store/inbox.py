"""What an inbox card shows of each handoff's conversation: its last message from a person
(the customer's, or a teammate's reply; the bot's own words say little on a card) and the
actions taken with their outcomes, read for a whole list in two queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import func, select

from chatgw.store.store import Store
from chatgw.store.tables import action_runs, messages

LAST_TEXT_CHARS = 200  # a card shows a line or two; the detail pane has the whole text


@dataclass(frozen=True, slots=True)
class Summary:
    last_message: dict[str, Any] | None  # {role, text, at, author?}: customer or agent
    actions: tuple[dict[str, Any], ...]  # {action, outcome, status}, oldest first

    def as_dict(self) -> dict[str, Any]:
        return {"last_message": self.last_message, "actions": list(self.actions)}


def summaries(store: Store, conversation_ids: Iterable[str]) -> dict[str, Summary]:
    """Each conversation's summary, by id (a conversation with nothing yet has an empty one)."""
    ids = sorted(set(conversation_ids))
    if not ids:
        return {}
    m, r = messages.c, action_runs.c
    newest = select(func.max(m.id)).where(m.conversation_id.in_(ids), m.role != "bot").group_by(m.conversation_id)
    with store.engine.connect() as connection:
        last_rows = connection.execute(
            select(m.conversation_id, m.role, m.text, m.author, m.at).where(m.id.in_(newest))
        ).all()
        run_rows = connection.execute(
            select(r.conversation_id, r.action, r.outcome, r.status).where(r.conversation_id.in_(ids)).order_by(r.id)
        ).all()
    last = {row.conversation_id: _message(row) for row in last_rows}
    runs: dict[str, list[dict[str, Any]]] = {}
    for row in run_rows:
        runs.setdefault(row.conversation_id, []).append({"action": row.action, "outcome": row.outcome, "status": row.status})
    return {cid: Summary(last.get(cid), tuple(runs.get(cid, ()))) for cid in ids}


def _message(row: Any) -> dict[str, Any]:
    text = row.text if len(row.text) <= LAST_TEXT_CHARS else row.text[: LAST_TEXT_CHARS - 1] + "…"
    found = {"role": row.role, "text": text, "at": row.at}
    if row.author is not None:
        found["author"] = row.author
    return found
