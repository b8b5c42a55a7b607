"""The gateway behind the routes: a chat turn against the store, the inbox, reloads.

One `Gateway` per app. It holds the compiled plans (swapped whole on reload), the store, the
sender and the per-conversation locks; routes only parse input and render output.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, AsyncIterator, Mapping, NoReturn

from chatgw.compiler import load_project
from chatgw.compiler.plans import ProjectPlan
from chatgw.engine import ConversationState, Engine, TurnResult
from chatgw.engine.engine import new_conversation_id
from chatgw.errors import ChatgwError, CompileError
from chatgw.runtime import Sender
from chatgw.server.errors import ApiError
from chatgw.server.identity import IdentityError, IdentityVerifier, subject
from chatgw.server.logging import event, get_logger
from chatgw.server.metrics import Metrics
from chatgw.store import Handoff, Message, NewHandoff, RunRecord, Store, TurnRecord


@dataclass(frozen=True, slots=True)
class Plans:
    """What a reload swaps, all at once."""

    project: ProjectPlan
    engine: Engine
    verifier: IdentityVerifier
    operator_token: str | None


def build_plans(project: ProjectPlan, sender: Sender) -> Plans:
    """Everything chat time needs from a compiled project; raises ConfigError on unset secrets."""
    token = project.server.operator_token
    return Plans(
        project=project,
        engine=Engine(project, sender),
        verifier=IdentityVerifier(project.identity),
        operator_token=token.reveal() if token is not None else None,
    )


class Gateway:
    def __init__(self, plans: Plans, store: Store, sender: Sender, metrics: Metrics, *, config_path: Path | None = None) -> None:
        self.plans = plans
        self.store = store
        self.sender = sender
        self.metrics = metrics
        self.config_path = config_path
        self.logger = get_logger()
        self.outbox_wakeup = asyncio.Event()
        self._locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}

    # -- chat ----------------------------------------------------------------------------

    async def chat(self, conversation_id: str | None, message: str, token: str | None) -> dict[str, Any]:
        """One customer message in, the turn object out (DESIGN.md section 4)."""
        plans = self.plans
        limit = plans.project.server.max_message_chars
        if len(message) > limit:
            raise ApiError(413, "message_too_long", f"the message is longer than {limit} characters")
        try:
            claims = dict(plans.verifier.verify(token))
        except IdentityError as error:
            raise ApiError(401, "invalid_identity", str(error)) from None
        who = subject(claims)
        started = time.perf_counter()
        if conversation_id is None:
            # Nobody else knows the new id yet: no lock or lease; the row is written with the turn.
            conversation_id = new_conversation_id()
            body = await self._turn(plans, conversation_id, None, None, (), message, claims, who)
        else:
            async with self._locked(conversation_id):
                start = self.store.start_turn(conversation_id, subject=who, now=time.time())
                if start is None:
                    self._refuse(conversation_id, who)
                state = ConversationState.from_dict(start.conversation.state)
                body = await self._turn(plans, conversation_id, start.lease, state, start.agent_messages, message, claims, who)
        event(
            self.logger, "turn", conversation_id=conversation_id, intent=body["intent"]["name"],
            state=body["state"], handoff=body["handoff"], ms=round((time.perf_counter() - started) * 1000, 2),
        )
        return body

    def _refuse(self, conversation_id: str, who: str | None) -> NoReturn:
        """Why `start_turn` could not lease the conversation, as the error to answer with."""
        conversation = self.store.get_conversation(conversation_id)
        if conversation is None:
            raise ApiError(404, "conversation_not_found", "no conversation with that id")
        if conversation.subject != who:
            raise ApiError(403, "conversation_forbidden", "this conversation belongs to another identity")
        # Held by another replica (or a turn cut short, until its lease runs out).
        raise ApiError(409, "conversation_busy", "another message of this conversation is being answered; retry")

    async def _turn(
        self, plans: Plans, conversation_id: str, lease: float | None, state: ConversationState | None,
        agent: tuple[Message, ...], message: str, claims: dict[str, Any], who: str | None,
    ) -> dict[str, Any]:
        try:
            result = await plans.engine.turn(state, message, identity=claims, conversation_id=conversation_id)
        except BaseException:
            if lease is not None:
                self.store.end_turn(conversation_id, lease)
            raise
        now = time.time()
        turn = result.turn
        runs = tuple(
            RunRecord(run.action, run.operation, run.outcome, run.status, run.latency_ms,
                      None if run.request is None else dict(run.request), run.error, now)
            for run in result.runs
        )
        handoff = self._new_handoff(plans, conversation_id, result, runs, message, claims, now)
        record = TurnRecord(
            conversation_id=conversation_id, lease=lease, state=result.state.to_dict(), status=result.state.status,
            claims=claims, message=message, intent=turn.intent,
            out_of_scope=result.outcome == "out_of_scope" or result.handoff_reason == "out_of_scope",
            replies=turn.replies, outcome=result.outcome, runs=runs, tags=turn.tags, handoff=handoff,
            delivered=tuple(m.id for m in agent), subject=who, at=now,
        )
        if not self.store.save_turn(record):
            raise ApiError(409, "conversation_busy", "this turn took too long and was superseded; retry")
        self._count(plans, result)
        if handoff is not None and handoff.webhooks:
            self.outbox_wakeup.set()
        body = turn.as_dict()
        body["replies"] = [m.text for m in agent] + body["replies"]
        if not plans.project.server.debug:
            body.pop("request", None)
        return body

    def _new_handoff(
        self, plans: Plans, conversation_id: str, result: TurnResult, runs: tuple[RunRecord, ...],
        message: str, claims: Mapping[str, Any], now: float,
    ) -> NewHandoff | None:
        if result.handoff_reason is None:
            return None
        handoff_id = "h_" + uuid.uuid4().hex[:16]
        transcript = [m.as_dict() for m in self.store.messages(conversation_id)]
        transcript.append({"role": "customer", "text": message, "at": now})
        transcript += [{"role": "bot", "text": reply, "at": now} for reply in result.turn.replies]
        packet = {
            "handoff_id": handoff_id,
            "conversation_id": conversation_id,
            "reason": result.handoff_reason,
            "created_at": now,
            "transcript": transcript,
            "action_runs": [run.as_dict() for run in (*self.store.runs(conversation_id), *runs)],
            "slots": dict(result.turn.slots),
            "identity": dict(claims),
            "tags": list(dict.fromkeys([*self.store.tags(conversation_id), *result.turn.tags])),
        }
        webhook = plans.project.handoff.webhook
        payload = json.dumps(packet, sort_keys=True, separators=(",", ":"), default=str)
        return NewHandoff(handoff_id, result.handoff_reason, packet, ((webhook, payload),) if webhook else ())

    def _count(self, plans: Plans, result: TurnResult) -> None:
        self.metrics.turns.labels(result.turn.state).inc()
        for run in result.runs:
            self.metrics.actions.labels(run.action, run.outcome).inc()
            if run.latency_ms is not None:
                self.metrics.upstream_latency.labels(run.action).observe(run.latency_ms / 1000)
        if result.handoff_reason is not None:
            self.metrics.handoffs.labels(result.handoff_reason).inc()

    @asynccontextmanager
    async def _locked(self, conversation_id: str) -> AsyncIterator[None]:
        """One turn at a time per conversation in this process; the lock goes when unused."""
        entry = self._locks.get(conversation_id)
        if entry is None:
            entry = self._locks[conversation_id] = (asyncio.Lock(), [0])
        lock, users = entry
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if users[0] == 0:
                del self._locks[conversation_id]

    # -- conversations and the inbox ----------------------------------------------------

    def conversation(self, conversation_id: str) -> dict[str, Any]:
        conversation = self.store.get_conversation(conversation_id)
        if conversation is None:
            raise ApiError(404, "conversation_not_found", "no conversation with that id")
        state = conversation.state
        return {
            "conversation_id": conversation.id,
            "state": conversation.status,
            "outcome": conversation.outcome,
            "handed_off": conversation.handed_off,
            "slots": dict(state.get("slots") or {}),
            "created_at": conversation.created_at,
            "updated_at": conversation.updated_at,
            "transcript": [m.as_dict() for m in self.store.messages(conversation_id)],
            "tags": self.store.tags(conversation_id),
            "action_runs": [run.as_dict() for run in self.store.runs(conversation_id)],
        }

    def handoff(self, handoff_id: str) -> Handoff:
        handoff = self.store.handoff(handoff_id)
        if handoff is None:
            raise ApiError(404, "handoff_not_found", "no handoff with that id")
        return handoff

    def claim(self, handoff_id: str, agent: str) -> Handoff:
        handoff = self.handoff(handoff_id)
        if handoff.status == "resolved":
            raise ApiError(409, "handoff_resolved", "this handoff is already resolved")
        if handoff.status == "claimed" and handoff.assignee not in (None, agent):
            raise ApiError(409, "handoff_claimed", f"this handoff is claimed by {handoff.assignee}")
        self.store.set_handoff(handoff_id, status="claimed", assignee=agent, now=time.time())
        event(self.logger, "handoff_claimed", handoff_id=handoff_id, conversation_id=handoff.conversation_id)
        return self.handoff(handoff_id)

    def reply(self, handoff_id: str, text: str, agent: str | None) -> Handoff:
        handoff = self.handoff(handoff_id)
        if handoff.status == "resolved":
            raise ApiError(409, "handoff_resolved", "this handoff is already resolved")
        author = agent or handoff.assignee
        now = time.time()
        self.store.add_agent_message(handoff.conversation_id, text, author=author, now=now)
        if handoff.status == "open" and author is not None:
            self.store.set_handoff(handoff_id, status="claimed", assignee=author, now=now)
        event(self.logger, "agent_reply", handoff_id=handoff_id, conversation_id=handoff.conversation_id)
        return self.handoff(handoff_id)

    def resolve(self, handoff_id: str) -> Handoff:
        """Close the handoff; the bot answers the conversation's next message again."""
        handoff = self.handoff(handoff_id)
        now = time.time()
        conversation = self.store.get_conversation(handoff.conversation_id)
        if conversation is not None and conversation.status == "handoff":
            state = ConversationState.from_dict(conversation.state)
            state = replace(state.idle(), handoff_reason=None, out_of_scope=0)
            self.store.set_state(conversation.id, state.to_dict(), now=now)
        self.store.set_handoff(handoff_id, status="resolved", now=now)
        event(self.logger, "handoff_resolved", handoff_id=handoff_id, conversation_id=handoff.conversation_id)
        return self.handoff(handoff_id)

    # -- reload -------------------------------------------------------------------------

    async def reload(self) -> bool:
        """Recompile from the config file; on any error keep the running plans and log why."""
        if self.config_path is None:
            event(self.logger, "reload_skipped", logging.WARNING, reason="the app was not started from a config file")
            return False
        try:
            project = await asyncio.to_thread(load_project, self.config_path)
            plans = await asyncio.to_thread(build_plans, project, self.sender)
        except CompileError as error:
            self.metrics.reloads.labels("failed").inc()
            event(
                self.logger, "reload_failed", logging.ERROR, reason="configuration has errors; kept the running plans",
                diagnostics=[d.one_line() for d in error.diagnostics if d.severity == "error"],
            )
            return False
        except ChatgwError as error:
            self.metrics.reloads.labels("failed").inc()
            event(self.logger, "reload_failed", logging.ERROR, reason=str(error))
            return False
        if project.store != self.plans.project.store:
            event(self.logger, "reload_store_ignored", logging.WARNING, reason="a new store URL needs a restart")
        self.plans = plans
        self.metrics.reloads.labels("ok").inc()
        event(self.logger, "reloaded", actions=len(project.actions))
        return True
