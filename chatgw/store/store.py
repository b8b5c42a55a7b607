"""The repository: small functions over the tables, each one short transaction.

Turns of one conversation are serialised across replicas by a lease on its row:
`begin_turn` takes it only when nobody holds it, `save_turn` writes only while holding it,
so two racing requests can never both run a turn (and its action) on the same state.
"""

from __future__ import annotations

import time
from typing import Any, Iterable

from sqlalchemy import Engine, and_, func, insert, or_, select, text, update

from chatgw.store._db import connect, create_schema
from chatgw.store.records import Conversation, Delivery, Handoff, Message, RunRecord, TurnRecord
from chatgw.store.tables import action_runs, conversations, handoffs, messages, outbox, tags

LEASE_SECONDS = 60.0  # longest a turn may hold its conversation (upstream timeouts included)


def open_store(url: str, *, root: str | None = None) -> Store:
    """Open (and create, when new) the store at `url`."""
    engine = connect(url, root=root)
    create_schema(engine)
    return Store(engine)


class Store:
    """Conversations, messages, action runs, tags, handoffs and the webhook outbox."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def close(self) -> None:
        self.engine.dispose()

    def ping(self) -> bool:
        with self.engine.connect() as connection:
            return connection.execute(text("SELECT 1")).scalar() == 1

    # -- conversations -------------------------------------------------------------------

    def create_conversation(
        self, id: str, *, subject: str | None, claims: dict[str, Any], state: dict[str, Any], now: float
    ) -> float:
        """Insert a new conversation, leased to the caller; returns the lease."""
        lease = now + LEASE_SECONDS
        with self.engine.begin() as connection:
            connection.execute(
                insert(conversations).values(
                    id=id, subject=subject, claims=claims, state=state, status=state.get("status", "idle"),
                    handed_off=0, version=0, busy_until=lease, created_at=now, updated_at=now,
                )
            )
        return lease

    def get_conversation(self, id: str) -> Conversation | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(conversations).where(conversations.c.id == id)).first()
        if row is None:
            return None
        return Conversation(
            id=row.id, subject=row.subject, claims=row.claims or {}, state=row.state or {},
            status=row.status, outcome=row.outcome, handed_off=bool(row.handed_off),
            version=row.version, created_at=row.created_at, updated_at=row.updated_at,
        )

    def begin_turn(self, id: str, *, now: float) -> float | None:
        """Lease the conversation for one turn; None when another turn holds it."""
        lease = now + LEASE_SECONDS
        with self.engine.begin() as connection:
            result = connection.execute(
                update(conversations)
                .where(conversations.c.id == id)
                .where(or_(conversations.c.busy_until.is_(None), conversations.c.busy_until < now))
                .values(busy_until=lease)
            )
        return lease if result.rowcount == 1 else None

    def end_turn(self, id: str, lease: float) -> None:
        """Give the lease back without writing (the turn failed)."""
        with self.engine.begin() as connection:
            connection.execute(
                update(conversations)
                .where(and_(conversations.c.id == id, conversations.c.busy_until == lease))
                .values(busy_until=None)
            )

    def save_turn(self, record: TurnRecord) -> bool:
        """Write a turn and release the lease; False (nothing written) when the lease was lost.

        A record without a lease is the first turn of a new conversation: its row is created.
        """
        at = record.at or time.time()
        c = conversations.c
        with self.engine.begin() as connection:
            values: dict[str, Any] = {
                "state": dict(record.state), "status": record.status, "claims": dict(record.claims),
                "version": c.version + 1, "busy_until": None, "updated_at": at,
            }
            if record.outcome is not None:
                values["outcome"] = record.outcome
            if record.handoff is not None:
                values["handed_off"] = 1
            if record.lease is None:
                connection.execute(
                    insert(conversations).values(
                        id=record.conversation_id, subject=record.subject, created_at=at,
                        **{**values, "version": 1, "handed_off": values.get("handed_off", 0)},
                    )
                )
            else:
                result = connection.execute(
                    update(conversations)
                    .where(and_(c.id == record.conversation_id, c.busy_until == record.lease))
                    .values(**values)
                )
                if result.rowcount != 1:
                    connection.rollback()
                    return False
            rows = [{
                "conversation_id": record.conversation_id, "role": "customer", "text": record.message,
                "intent": record.intent, "out_of_scope": int(record.out_of_scope), "delivered": 1, "at": at,
            }]
            rows += [
                {"conversation_id": record.conversation_id, "role": "bot", "text": reply, "intent": None,
                 "out_of_scope": 0, "delivered": 1, "at": at}
                for reply in record.replies
            ]
            connection.execute(insert(messages), rows)
            if record.runs:
                connection.execute(insert(action_runs), [_run_row(record.conversation_id, run, at) for run in record.runs])
            self._add_tags(connection, record.conversation_id, record.tags, at)
            if record.delivered:
                connection.execute(
                    update(messages).where(messages.c.id.in_(record.delivered)).values(delivered=1)
                )
            if record.handoff is not None:
                new = record.handoff
                connection.execute(
                    insert(handoffs).values(
                        id=new.id, conversation_id=record.conversation_id, status="open", reason=new.reason,
                        packet=dict(new.packet), assignee=None, created_at=at, updated_at=at,
                    )
                )
                for url, payload in new.webhooks:
                    connection.execute(
                        insert(outbox).values(handoff_id=new.id, url=url, payload=payload, attempts=0, next_at=at)
                    )
        return True

    def set_state(self, id: str, state: dict[str, Any], *, now: float) -> None:
        """Replace a conversation's engine state outside a turn (e.g. when a human resolves it)."""
        with self.engine.begin() as connection:
            connection.execute(
                update(conversations)
                .where(conversations.c.id == id)
                .values(state=state, status=state.get("status", "idle"), version=conversations.c.version + 1, updated_at=now)
            )

    def set_outcome(self, id: str, outcome: str, *, now: float) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(conversations).where(conversations.c.id == id).values(outcome=outcome, updated_at=now)
            )

    def messages(self, conversation_id: str) -> list[Message]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(messages).where(messages.c.conversation_id == conversation_id).order_by(messages.c.id)
            ).all()
        return [Message(row.id, row.role, row.text, row.at, row.author) for row in rows]

    def undelivered_agent_messages(self, conversation_id: str) -> list[Message]:
        """Human replies the customer has not yet been shown in a chat response."""
        m = messages.c
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(messages)
                .where(and_(m.conversation_id == conversation_id, m.role == "agent", m.delivered == 0))
                .order_by(m.id)
            ).all()
        return [Message(row.id, row.role, row.text, row.at, row.author) for row in rows]

    def runs(self, conversation_id: str) -> list[RunRecord]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(action_runs).where(action_runs.c.conversation_id == conversation_id).order_by(action_runs.c.id)
            ).all()
        return [_run_record(row) for row in rows]

    def tags(self, conversation_id: str) -> list[str]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(tags.c.tag).where(tags.c.conversation_id == conversation_id).order_by(tags.c.at, tags.c.tag)
            ).scalars().all()
        return list(rows)

    def add_tags(self, conversation_id: str, new: Iterable[str], *, now: float) -> None:
        with self.engine.begin() as connection:
            self._add_tags(connection, conversation_id, tuple(new), now)

    # -- handoffs ------------------------------------------------------------------------

    def handoffs(self, status: str | None = None, *, limit: int = 200) -> list[Handoff]:
        query = select(handoffs).order_by(handoffs.c.created_at.desc()).limit(limit)
        if status is not None:
            query = query.where(handoffs.c.status == status)
        with self.engine.connect() as connection:
            return [_handoff(row) for row in connection.execute(query).all()]

    def handoff(self, id: str) -> Handoff | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(handoffs).where(handoffs.c.id == id)).first()
        return None if row is None else _handoff(row)

    def open_handoff(self, conversation_id: str) -> Handoff | None:
        """The conversation's handoff that is not resolved yet, if any."""
        query = (
            select(handoffs)
            .where(and_(handoffs.c.conversation_id == conversation_id, handoffs.c.status != "resolved"))
            .order_by(handoffs.c.created_at.desc())
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else _handoff(row)

    def set_handoff(self, id: str, *, now: float, status: str | None = None, assignee: str | None = None) -> None:
        values: dict[str, Any] = {"updated_at": now}
        if status is not None:
            values["status"] = status
        if assignee is not None:
            values["assignee"] = assignee
        with self.engine.begin() as connection:
            connection.execute(update(handoffs).where(handoffs.c.id == id).values(**values))

    def add_agent_message(self, conversation_id: str, text_: str, *, author: str | None, now: float) -> None:
        """A human's reply: in the transcript now, in the next chat response once."""
        with self.engine.begin() as connection:
            connection.execute(
                insert(messages).values(
                    conversation_id=conversation_id, role="agent", text=text_, author=author,
                    out_of_scope=0, delivered=0, at=now,
                )
            )
            connection.execute(
                update(conversations).where(conversations.c.id == conversation_id).values(updated_at=now)
            )

    # -- webhook outbox ------------------------------------------------------------------

    def due_deliveries(self, *, now: float, limit: int = 20) -> list[Delivery]:
        o = outbox.c
        query = (
            select(outbox).where(and_(o.delivered_at.is_(None), o.next_at <= now)).order_by(o.next_at).limit(limit)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [Delivery(row.id, row.handoff_id, row.url, row.payload, row.attempts) for row in rows]

    def next_delivery_at(self) -> float | None:
        with self.engine.connect() as connection:
            return connection.execute(
                select(func.min(outbox.c.next_at)).where(outbox.c.delivered_at.is_(None))
            ).scalar()

    def delivered(self, id: int, *, now: float) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(outbox).where(outbox.c.id == id).values(delivered_at=now, attempts=outbox.c.attempts + 1)
            )

    def delivery_failed(self, id: int, *, next_at: float, error: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(outbox)
                .where(outbox.c.id == id)
                .values(attempts=outbox.c.attempts + 1, next_at=next_at, last_error=error[:500])
            )

    def outbox_pending(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(
                select(func.count()).select_from(outbox).where(outbox.c.delivered_at.is_(None))
            ).scalar_one()

    # -- helpers -------------------------------------------------------------------------

    @staticmethod
    def _add_tags(connection: Any, conversation_id: str, new: tuple[str, ...], at: float) -> None:
        if not new:
            return
        known = set(
            connection.execute(select(tags.c.tag).where(tags.c.conversation_id == conversation_id)).scalars()
        )
        rows = [{"conversation_id": conversation_id, "tag": tag, "at": at} for tag in dict.fromkeys(new) if tag not in known]
        if rows:
            connection.execute(insert(tags), rows)


def _run_row(conversation_id: str, run: RunRecord, at: float) -> dict[str, Any]:
    return {
        "conversation_id": conversation_id, "action": run.action, "operation": run.operation,
        "request": None if run.request is None else dict(run.request), "status": run.status,
        "latency_ms": run.latency_ms, "outcome": run.outcome, "error": run.error, "at": run.at or at,
    }


def _run_record(row: Any) -> RunRecord:
    return RunRecord(
        action=row.action, operation=row.operation, outcome=row.outcome, status=row.status,
        latency_ms=row.latency_ms, request=row.request, error=row.error, at=row.at,
    )


def _handoff(row: Any) -> Handoff:
    return Handoff(
        id=row.id, conversation_id=row.conversation_id, status=row.status, reason=row.reason,
        packet=row.packet or {}, assignee=row.assignee, created_at=row.created_at, updated_at=row.updated_at,
    )
