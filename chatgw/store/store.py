"""The repository: small functions over the tables, each one short transaction.

Turns of one conversation are serialised across replicas by a lease on its row:
`start_turn` takes it only when nobody holds it, `save_turn` writes only while holding it,
so two racing requests can never both run a turn (and its action) on the same state.

A chat turn is the hot path: its statements are built once, below, with bound parameters,
so each execution reuses SQLAlchemy's compiled form instead of building and hashing a new
statement, and its writes run as that compiled SQL (`_prepared.py`); it costs two
transactions (lease and read, one UPDATE ... RETURNING and the human replies not yet shown;
write and release), or one for the first turn of a conversation: on PostgreSQL that one is a
single statement (its INSERTs as the parts of one WITH), outside any BEGIN ... COMMIT.
"""

from __future__ import annotations

import time
from typing import Any, Iterable

from sqlalchemy import Engine, and_, bindparam, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError

from chatgw.store import migrations
from chatgw.store._db import connect, create_schema
from chatgw.store._prepared import Prepared
from chatgw.store.records import (
    Approval,
    Conversation,
    Decision,
    Delivery,
    Handoff,
    Message,
    RunAhead,
    RunRecord,
    TurnRecord,
    TurnStart,
)
from chatgw.store.tables import action_runs, approvals, conversations, handoffs, messages, outbox, tags

LEASE_SECONDS = 60.0  # longest a turn may hold its conversation (upstream timeouts included)
CLAIM_SECONDS = 30.0  # how long a webhook delivery is one worker's before another may retry it

_c, _m = conversations.c, messages.c
# Bound parameters that are not columns start with "_": the SET of an UPDATE comes from the
# column-named keys of each execution's parameters.
_FREE = or_(_c.busy_until.is_(None), _c.busy_until < bindparam("_now"))
_LEASE = update(conversations).where(_c.id == bindparam("_id"), _FREE)
_LEASE_OWN = _LEASE.where(_c.subject.is_not_distinct_from(bindparam("_subject")))
_LEASE_OWN_READ = _LEASE_OWN.returning(*conversations.c)  # the row as the lease leaves it
_CONVERSATION = select(conversations).where(_c.id == bindparam("_id"))
_AGENT_MESSAGES = (
    select(messages)
    .where(_m.conversation_id == bindparam("_id"), _m.delivered == 0)
    .order_by(_m.id)
)
_INSERT_CONVERSATION = insert(conversations)
_SAVE_CONVERSATION = (
    update(conversations)
    .where(_c.id == bindparam("_id"), _c.busy_until == bindparam("_lease"))
    .values(version=_c.version + 1)
)
_INSERT_MESSAGES = insert(messages)
_INSERT_RUNS = insert(action_runs)
_MARK_DELIVERED = update(messages).where(_m.id.in_(bindparam("_ids", expanding=True))).values(delivered=1)
_TAGS = select(tags.c.tag).where(tags.c.conversation_id == bindparam("_id"))
_INSERT_TAGS = insert(tags)
# A handoff with its approval, when it is one (the approval's columns prefixed `approval_`).
_HANDOFFS = select(
    handoffs, *(column.label(f"approval_{column.name}") for column in approvals.c if column.name not in ("handoff_id", "conversation_id"))
).select_from(handoffs.outerjoin(approvals, approvals.c.handoff_id == handoffs.c.id))


def open_store(url: str, *, root: str | None = None) -> Store:
    """Open (and create, when new) the store at `url`."""
    engine = connect(url, root=root)
    try:
        create_schema(engine)
    except BaseException:
        engine.dispose()  # no pooled connection left to the garbage collector
        raise
    return Store(engine)


def upgrade_store(url: str, *, root: str | None = None) -> list[str]:
    """Apply the schema migrations the store at `url` lacks (`chatgw store upgrade`); the
    revisions applied, [] when it was current (an empty database gets the current schema)."""
    engine = connect(url, root=root)
    try:
        return migrations.upgrade(engine)
    finally:
        engine.dispose()


class Store:
    """Conversations, messages, action runs, tags, handoffs and the webhook outbox."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._prepared = Prepared(engine.dialect)  # the turn's writes, compiled once
        # For writes that are one statement: no BEGIN and COMMIT, two round trips fewer.
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")

    def close(self) -> None:
        self.engine.dispose()

    @property
    def remote(self) -> bool:
        """Whether a statement waits on a network round trip (anything but SQLite)."""
        return self.engine.dialect.name != "sqlite"

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
            row = connection.execute(_CONVERSATION, {"_id": id}).first()
        return None if row is None else _conversation(row)

    def begin_turn(self, id: str, *, now: float) -> float | None:
        """Lease the conversation for one turn; None when another turn holds it."""
        lease = now + LEASE_SECONDS
        with self.engine.begin() as connection:
            result = connection.execute(_LEASE, {"_id": id, "_now": now, "busy_until": lease})
        return lease if result.rowcount == 1 else None

    def start_turn(
        self, id: str, *, subject: str | None, now: float, lease_seconds: float = LEASE_SECONDS
    ) -> TurnStart | None:
        """Lease `subject`'s conversation for one turn and read it under the lease, at once.

        None when it cannot be taken: it does not exist, belongs to another identity, or
        another turn holds it (`get_conversation` tells which).
        """
        lease = now + lease_seconds
        values = {"_id": id, "_subject": subject, "_now": now, "busy_until": lease}
        # Over a network each statement on its own, no BEGIN and COMMIT: the lease is taken by
        # one statement, and the human replies are read once it is held (they may arrive any
        # time, in or out of a transaction).
        alone = self.remote and self.engine.dialect.update_returning
        with self._autocommit.connect() if alone else self.engine.begin() as connection:
            if self.engine.dialect.update_returning:  # PostgreSQL, SQLite 3.35+: one statement fewer
                row = connection.execute(_LEASE_OWN_READ, values).first()
                if row is None:
                    return None
            else:
                if connection.execute(_LEASE_OWN, values).rowcount != 1:
                    return None
                row = connection.execute(_CONVERSATION, {"_id": id}).one()
            agent = connection.execute(_AGENT_MESSAGES, {"_id": id}).all()
        return TurnStart(lease, _conversation(row), tuple(_message(m) for m in agent))

    def end_turn(self, id: str, lease: float) -> None:
        """Give the lease back without writing (the turn failed)."""
        with self.engine.begin() as connection:
            connection.execute(
                update(conversations)
                .where(and_(conversations.c.id == id, conversations.c.busy_until == lease))
                .values(busy_until=None)
            )

    def save_turn(self, record: TurnRecord) -> bool:
        """Write a turn and release the lease; False (nothing written) when the lease was lost, or
        the approval the turn decides was decided before.

        A record without a lease is the first turn of a new conversation: its row is created.
        """
        at = record.at or time.time()
        cid = record.conversation_id
        first = record.lease is None
        values: dict[str, Any] = {
            "state": dict(record.state), "status": record.status, "claims": dict(record.claims),
            "busy_until": None, "updated_at": at,
        }
        conversation: list[dict[str, Any]] = []
        if first:
            conversation.append({
                **values, "id": cid, "subject": record.subject, "outcome": record.outcome,
                "handed_off": int(record.handoff is not None), "version": 1, "created_at": at,
            })
        rows = [] if record.message is None else [
            _message_row(cid, "customer", record.message, at, record.intent, record.out_of_scope)
        ]
        rows += [_message_row(cid, "bot", reply, at, delivered=not record.undelivered) for reply in record.replies]
        writes = [
            (_INSERT_CONVERSATION, conversation), (_INSERT_MESSAGES, rows),
            (_INSERT_RUNS, [_run_row(cid, run, at) for run in record.runs if not run.journaled]),
        ]
        if first and self._prepared.joins and _only_inserts(record):
            # The whole turn is one statement: atomic by itself, no BEGIN ... COMMIT around it.
            writes.append((_INSERT_TAGS, _fresh_tags(None, cid, record.tags, at)))
            with self._autocommit.connect() as connection:
                self._prepared.execute_all(connection, writes)
            return True
        with self.engine.begin() as connection:
            if not first:
                if record.outcome is not None:
                    values["outcome"] = record.outcome
                if record.handoff is not None:
                    values["handed_off"] = 1
                result = self._prepared.execute(connection, _SAVE_CONVERSATION, {**values, "_id": cid, "_lease": record.lease})
                if result.rowcount != 1:
                    connection.rollback()
                    return False
            writes.append((_INSERT_TAGS, _fresh_tags(None if first else connection, cid, record.tags, at)))
            self._prepared.execute_all(connection, writes)
            for run in record.runs:
                if run.journaled:
                    connection.execute(
                        update(action_runs).where(action_runs.c.run_key == run.run_key).values(**_run_outcome(run))
                    )
            if record.delivered:
                connection.execute(_MARK_DELIVERED, {"_ids": list(record.delivered)})
            if record.decision is not None and not _decide(connection, record.decision):
                connection.rollback()
                return False  # decided first by another turn (a teammate, or the customer withdrawing)
            if record.handoff is not None:
                new = record.handoff
                connection.execute(
                    insert(handoffs).values(
                        id=new.id, conversation_id=cid, status="open", reason=new.reason, kind=new.kind,
                        packet=dict(new.packet), assignee=None, created_at=at, updated_at=at,
                    )
                )
                if new.approval is not None:
                    parked = new.approval
                    connection.execute(
                        insert(approvals).values(
                            handoff_id=new.id, conversation_id=cid, action=parked.action, operation=parked.operation,
                            run_key=parked.run_key, parked=dict(parked.parked), claims=dict(parked.claims),
                            status="pending", created_at=at,
                        )
                    )
                for url, payload in new.webhooks:
                    connection.execute(
                        insert(outbox).values(handoff_id=new.id, url=url, payload=payload, attempts=0, next_at=at)
                    )
        return True

    # -- the write-ahead record of state-changing runs -------------------------------------

    def begin_run(
        self, conversation_id: str, run: RunAhead, *, lease: float | None, subject: str | None,
        claims: dict[str, Any], now: float, lease_seconds: float = LEASE_SECONDS,
    ) -> float | None:
        """Commit `run` as `sending`, with the conversation's state, before its request leaves.

        `lease` None: the first turn of a new conversation, whose row is created here, leased.
        Returns the lease the turn holds now; None when the run must not be sent: its key was
        started before (unless `run.replay`), or the turn lost its lease to another replica.
        """
        state = dict(run.state)
        values = {"state": state, "status": state.get("status", "executing"), "updated_at": now}
        row = {
            "conversation_id": conversation_id, "action": run.action, "operation": run.operation,
            "request": dict(run.request), "run_key": run.run_key, "idempotency_key": run.idempotency_key,
            "outcome": "sending", "at": now,
        }
        first = lease is None
        if first:
            lease = now + lease_seconds
            conversation = {
                **values, "id": conversation_id, "subject": subject, "claims": claims,
                "handed_off": 0, "version": 0, "busy_until": lease, "created_at": now,
            }
        try:
            if first and self._prepared.joins and run.decision is None and not run.replay:
                # Both rows as one statement, no BEGIN ... COMMIT: atomic, a duplicate key writes neither.
                with self._autocommit.connect() as connection:
                    self._prepared.execute_all(connection, [(_INSERT_CONVERSATION, [conversation]), (_INSERT_RUNS, [row])])
                return lease
            with self.engine.begin() as connection:
                if first:
                    self._prepared.execute(connection, _INSERT_CONVERSATION, conversation)
                else:
                    held = self._prepared.execute(connection, _SAVE_CONVERSATION, {**values, "_id": conversation_id, "_lease": lease})
                    if held.rowcount != 1:
                        connection.rollback()
                        return None
                if run.decision is not None and not _decide(connection, run.decision):
                    connection.rollback()
                    return None  # decided already (by another replica): this run is not to be sent
                if run.replay:
                    replayed = connection.execute(
                        update(action_runs)
                        .where(action_runs.c.run_key == run.run_key, action_runs.c.outcome.in_(("sending", "unknown")))
                        .values(outcome="sending", request=row["request"], idempotency_key=run.idempotency_key)
                    )
                    if replayed.rowcount != 1:
                        connection.rollback()
                        return None
                else:
                    self._prepared.execute(connection, _INSERT_RUNS, row)
        except IntegrityError:
            return None  # the run key exists: this confirmed request was started before
        return lease

    def unsettled(self, *, now: float, limit: int = 100) -> list[str]:
        """Conversations left `executing` by a turn that is gone (its lease lapsed or released)."""
        c = conversations.c
        query = (
            select(c.id).where(c.status == "executing", or_(c.busy_until.is_(None), c.busy_until < now))
            .order_by(c.updated_at).limit(limit)
        )
        with self.engine.connect() as connection:
            return list(connection.execute(query).scalars())

    def run_sending(self, run_key: str, request: dict[str, Any], idempotency_key: str | None) -> None:
        """A later state-changing request of a begun run is about to leave."""
        with self.engine.begin() as connection:
            connection.execute(
                update(action_runs).where(action_runs.c.run_key == run_key)
                .values(outcome="sending", request=request, idempotency_key=idempotency_key, status=None)
            )

    def run_answered(self, run_key: str, status: int) -> None:
        """The upstream answered the run's request: its outcome is no longer unknown."""
        with self.engine.begin() as connection:
            connection.execute(
                update(action_runs).where(action_runs.c.run_key == run_key).values(outcome="sent", status=status)
            )

    def run_status(self, run_key: str) -> tuple[str, int | None] | None:
        """(outcome, status) of a run, None when no row has that key."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(action_runs.c.outcome, action_runs.c.status).where(action_runs.c.run_key == run_key)
            ).first()
        return None if row is None else (row.outcome, row.status)

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
        """Messages the customer has not yet been shown in a chat response: human replies, and
        what the bot said when a teammate decided an approval."""
        with self.engine.connect() as connection:
            rows = connection.execute(_AGENT_MESSAGES, {"_id": conversation_id}).all()
        return [_message(row) for row in rows]

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
        query = _HANDOFFS.order_by(handoffs.c.created_at.desc()).limit(limit)
        if status is not None:
            query = query.where(handoffs.c.status == status)
        with self.engine.connect() as connection:
            return [_handoff(row) for row in connection.execute(query).all()]

    def handoff(self, id: str) -> Handoff | None:
        with self.engine.connect() as connection:
            row = connection.execute(_HANDOFFS.where(handoffs.c.id == id)).first()
        return None if row is None else _handoff(row)

    def open_handoff(self, conversation_id: str) -> Handoff | None:
        """The conversation's handoff that is not resolved yet, if any."""
        query = (
            _HANDOFFS
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
        """Claim the deliveries that are due, for this caller only, for CLAIM_SECONDS.

        One statement takes them: `UPDATE ... WHERE id IN (the due rows FOR UPDATE SKIP LOCKED)
        RETURNING`. On PostgreSQL rows another worker is claiming are skipped, not waited
        for; SQLite runs the statement under its one write lock (FOR UPDATE is not SQL there).
        Either way two workers or replicas never both deliver one packet, and a claim left by
        a worker that died lapses and the row is retried.
        """
        o = outbox.c
        free = and_(o.delivered_at.is_(None), or_(o.claimed_until.is_(None), o.claimed_until < now))
        due = select(o.id).where(free, o.next_at <= now).order_by(o.next_at).limit(limit)
        until = now + CLAIM_SECONDS
        with self.engine.begin() as connection:
            if not connection.dialect.update_returning:  # a database without RETURNING: row by row
                return self._claim_each(connection, due, free, until)
            claim = (
                update(outbox).where(o.id.in_(due.with_for_update(skip_locked=True)), free)
                .values(claimed_until=until)
                .returning(o.id, o.handoff_id, o.url, o.payload, o.attempts, o.next_at)
            )
            rows = sorted(connection.execute(claim).all(), key=lambda row: (row.next_at, row.id))
        return [Delivery(row.id, row.handoff_id, row.url, row.payload, row.attempts) for row in rows]

    @staticmethod
    def _claim_each(connection: Any, due: Any, free: Any, until: float) -> list[Delivery]:
        claim = update(outbox).where(outbox.c.id == bindparam("_id"), free)
        claimed = []
        for (id_,) in connection.execute(due).all():
            if connection.execute(claim, {"_id": id_, "claimed_until": until}).rowcount == 1:
                row = connection.execute(select(outbox).where(outbox.c.id == id_)).one()
                claimed.append(Delivery(row.id, row.handoff_id, row.url, row.payload, row.attempts))
        return claimed

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
                .values(attempts=outbox.c.attempts + 1, next_at=next_at, last_error=error[:500], claimed_until=None)
            )

    def outbox_pending(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(
                select(func.count()).select_from(outbox).where(outbox.c.delivered_at.is_(None))
            ).scalar_one()

    # -- helpers -------------------------------------------------------------------------

    def _add_tags(self, connection: Any, conversation_id: str, new: tuple[str, ...], at: float) -> None:
        self._prepared.execute_all(connection, [(_INSERT_TAGS, _fresh_tags(connection, conversation_id, new, at))])


def _fresh_tags(connection: Any, conversation_id: str, new: Iterable[str], at: float) -> list[dict[str, Any]]:
    """Rows for the tags of `new` the conversation does not have yet (`connection` None: a new
    conversation, which has none, so nothing is read)."""
    new = dict.fromkeys(new)
    known = set() if connection is None or not new else set(connection.execute(_TAGS, {"_id": conversation_id}).scalars())
    return [{"conversation_id": conversation_id, "tag": tag, "at": at} for tag in new if tag not in known]


def _only_inserts(record: TurnRecord) -> bool:
    """Whether a first turn writes nothing but new rows (no run written ahead to update, no
    decision, handoff or delivery to record): then its writes are one statement."""
    return not (record.delivered or record.decision or record.handoff or any(run.journaled for run in record.runs))


def _conversation(row: Any) -> Conversation:
    return Conversation(
        id=row.id, subject=row.subject, claims=row.claims or {}, state=row.state or {},
        status=row.status, outcome=row.outcome, handed_off=bool(row.handed_off),
        version=row.version, created_at=row.created_at, updated_at=row.updated_at,
    )


def _message(row: Any) -> Message:
    return Message(row.id, row.role, row.text, row.at, row.author)


def _message_row(
    conversation_id: str, role: str, text_: str, at: float, intent: str | None = None, out_of_scope: bool = False,
    *, delivered: bool = True,
) -> dict[str, Any]:
    return {
        "conversation_id": conversation_id, "role": role, "text": text_, "intent": intent,
        "out_of_scope": int(out_of_scope), "delivered": int(delivered), "at": at,
    }


def _run_row(conversation_id: str, run: RunRecord, at: float) -> dict[str, Any]:
    return {
        "conversation_id": conversation_id, "action": run.action, "operation": run.operation,
        "request": None if run.request is None else dict(run.request), "status": run.status,
        "run_key": run.run_key, "idempotency_key": run.idempotency_key,
        "latency_ms": run.latency_ms, "outcome": run.outcome, "error": run.error, "at": run.at or at,
    }


def _run_outcome(run: RunRecord) -> dict[str, Any]:
    """The columns a turn completes on a run written ahead; what it does not know is kept."""
    values: dict[str, Any] = {"outcome": run.outcome, "error": run.error}
    for name in ("status", "latency_ms", "operation", "idempotency_key"):
        if getattr(run, name) is not None:
            values[name] = getattr(run, name)
    if run.request is not None:
        values["request"] = dict(run.request)
    return values


def _run_record(row: Any) -> RunRecord:
    return RunRecord(
        action=row.action, operation=row.operation, outcome=row.outcome, status=row.status,
        latency_ms=row.latency_ms, request=row.request, error=row.error, at=row.at,
        run_key=row.run_key, idempotency_key=row.idempotency_key, journaled=row.run_key is not None,
    )


def _handoff(row: Any) -> Handoff:
    approval = None
    if row.approval_status is not None:
        approval = Approval(
            handoff_id=row.id, conversation_id=row.conversation_id, action=row.approval_action,
            operation=row.approval_operation, run_key=row.approval_run_key, parked=row.approval_parked or {},
            claims=row.approval_claims or {}, status=row.approval_status, decided_by=row.approval_decided_by,
            decision_reason=row.approval_decision_reason, created_at=row.approval_created_at,
            decided_at=row.approval_decided_at,
        )
    return Handoff(
        id=row.id, conversation_id=row.conversation_id, status=row.status, reason=row.reason,
        packet=row.packet or {}, assignee=row.assignee, created_at=row.created_at, updated_at=row.updated_at,
        kind=row.kind, approval=approval,
    )


def _decide(connection: Any, decision: Decision) -> bool:
    """Record `decision` on a pending approval and resolve its handoff (nothing is left for a
    person to do, even if the run's turn is then cut short); False when it was decided before."""
    result = connection.execute(
        update(approvals)
        .where(approvals.c.handoff_id == decision.handoff_id, approvals.c.status == "pending")
        .values(status=decision.status, decided_by=decision.agent, decision_reason=decision.reason,
                decided_at=decision.at)
    )
    if result.rowcount != 1:
        return False
    connection.execute(
        update(handoffs).where(handoffs.c.id == decision.handoff_id).values(status="resolved", updated_at=decision.at)
    )
    return True
