"""What changed in the store after a cursor: new messages and handoff updates, for live pages.

Read from the tables, not from an in-process signal, so a page sees the writes of every
replica on the store. A cursor is a high-water mark plus what a plain mark would miss:

- messages by id (the primary key, so a poll is an index range scan). Ids are handed out at
  insert and become visible at commit, so on PostgreSQL id 41 can appear after id 42 was
  read: the cursor keeps the ids below its mark it has not seen yet (`holes`) for
  `HOLE_SPAN` ids, then gives them up as rolled back.
- handoffs by `updated_at`, a timestamp each replica takes from its own clock: a poll looks
  `OVERLAP_SECONDS` back and the cursor keeps the versions it has seen in that window, so
  a late commit or a clock a little behind is neither missed nor sent twice.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, or_, select

from chatgw.store.store import Store
from chatgw.store.tables import handoffs, messages

HOLE_SPAN = 200  # ids below the mark still awaited; concurrent inserts are never this far apart
OVERLAP_SECONDS = 5.0  # commit latency plus the clock skew tolerated between replicas
LIMIT = 500  # changes per read; a reader behind by more catches up over several reads


@dataclass(frozen=True, slots=True)
class Change:
    """One new message or one new version of a handoff."""

    kind: str  # message | handoff
    conversation_id: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a reader is; `encode()` is the opaque text clients send back."""

    message: int = 0
    holes: tuple[int, ...] = ()
    handoff_at: float = 0.0
    seen: tuple[str, ...] = field(default=())  # "id@updated_at" within the overlap window

    def encode(self) -> str:
        raw = json.dumps([self.message, list(self.holes), self.handoff_at, list(self.seen)], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """The cursor `encode` made; ValueError for anything else."""
        try:
            raw = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            message, holes, handoff_at, seen = raw
            cursor = cls(int(message), tuple(int(h) for h in holes), float(handoff_at), tuple(str(s) for s in seen))
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            raise ValueError("cursor is not one this server gave out; start without one to get the current cursor") from None
        if len(cursor.holes) > HOLE_SPAN or len(cursor.seen) > 10 * LIMIT:
            raise ValueError("cursor is not one this server gave out; start without one to get the current cursor")
        return cursor


def current(store: Store) -> Cursor:
    """The cursor of now: a reader starting here gets only what happens next."""
    with store.engine.connect() as connection:
        message = connection.execute(select(func.max(messages.c.id))).scalar() or 0
        newest = connection.execute(select(func.max(handoffs.c.updated_at))).scalar() or 0.0
        recent = connection.execute(
            select(handoffs.c.id, handoffs.c.updated_at).where(handoffs.c.updated_at > newest - OVERLAP_SECONDS)
        ).all()
    return Cursor(int(message), (), float(newest), tuple(_version(id, at) for id, at in recent))


def changes(store: Store, cursor: Cursor, *, conversation_id: str | None = None) -> tuple[list[Change], Cursor]:
    """The changes after `cursor` (of one conversation, or all), oldest first, and the next cursor."""
    m, h = messages.c, handoffs.c
    new_messages = or_(m.id > cursor.message, m.id.in_(cursor.holes)) if cursor.holes else m.id > cursor.message
    message_query = select(m.id, m.conversation_id, m.role, m.author, m.at).where(new_messages).order_by(m.id).limit(LIMIT)
    handoff_query = (
        select(h.id, h.conversation_id, h.status, h.reason, h.assignee, h.created_at, h.updated_at)
        .where(h.updated_at > cursor.handoff_at - OVERLAP_SECONDS).order_by(h.updated_at).limit(LIMIT)
    )
    if conversation_id is not None:
        message_query = message_query.where(m.conversation_id == conversation_id)
        handoff_query = handoff_query.where(h.conversation_id == conversation_id)
    with store.engine.connect() as connection:
        # Two statements, two snapshots: a write committed between them is seen by the second
        # only. Handoffs first: writers put a message in before (or with) the handoff change
        # it causes (a reply, then the claim it implies), so a poll never sees the claim
        # without the reply that came before it.
        handoff_rows = connection.execute(handoff_query).all()
        message_rows = connection.execute(message_query).all()

    found: list[Change] = []
    mark, holes = cursor.message, set(cursor.holes)
    for row in message_rows:
        holes.discard(row.id)
        if row.id > mark:
            # Skipped: not committed yet, rolled back, or (read for one conversation) another's.
            holes.update(range(max(mark + 1, row.id - HOLE_SPAN), row.id))
            mark = row.id
        found.append(Change("message", row.conversation_id, {
            "id": row.id, "conversation_id": row.conversation_id, "role": row.role, "author": row.author, "at": row.at,
        }))
    seen, newest = set(cursor.seen), cursor.handoff_at
    for row in handoff_rows:
        version = _version(row.id, row.updated_at)
        if version in seen:
            continue
        seen.add(version)
        newest = max(newest, row.updated_at)
        found.append(Change("handoff", row.conversation_id, {
            "id": row.id, "conversation_id": row.conversation_id, "status": row.status, "reason": row.reason,
            "assignee": row.assignee, "created_at": row.created_at, "updated_at": row.updated_at,
        }))
    window = newest - OVERLAP_SECONDS
    kept = tuple(sorted(v for v in seen if float(v.rpartition("@")[2]) > window))
    next_cursor = Cursor(mark, tuple(sorted(i for i in holes if i > mark - HOLE_SPAN)), newest, kept)
    return found, next_cursor


def _version(handoff_id: str, updated_at: float) -> str:
    return f"{handoff_id}@{updated_at!r}"
