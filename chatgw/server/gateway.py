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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable, Mapping, NoReturn, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from chatgw.compiler import load_project
from chatgw.compiler.plans import ProjectPlan
from chatgw.engine import ActionRun, ConversationState, Engine, RunStart, RunStatus, TurnResult
from chatgw.engine.approval import Parked, unsent_run
from chatgw.engine.clarify import standing
from chatgw.engine.engine import new_conversation_id
from chatgw.errors import ChatgwError, CompileError
from chatgw.runtime import Sender
from chatgw.runtime.redact import mask_pasted_credentials
from chatgw.runtime.send import MAX_RETRY_DELAY
from chatgw.server.errors import ApiError
from chatgw.server.identity import IdentityError, IdentityVerifier
from chatgw.server.logging import event, get_logger
from chatgw.server.metrics import Metrics
from chatgw.server.offload import StoreCalls
from chatgw.store import (
    Decision,
    Handoff,
    Message,
    NewApproval,
    NewHandoff,
    RunAhead,
    RunRecord,
    Store,
    TurnRecord,
    delivery_id,
)

T = TypeVar("T")
CUSTOMER = "customer"  # who decided an approval the customer withdrew

# A turn no customer message started, carried out by the engine over the turn's journal.
Decide = Callable[[ConversationState, "StoreJournal"], Awaitable[TurnResult]]


@dataclass(frozen=True, slots=True)
class Plans:
    """What a reload swaps, all at once."""

    project: ProjectPlan
    engine: Engine
    verifier: IdentityVerifier
    operator_token: str | None
    turn_lease: float  # seconds a turn holds its conversation


def build_plans(project: ProjectPlan, sender: Sender) -> Plans:
    """Everything chat time needs from a compiled project; raises ConfigError on unset secrets."""
    token = project.server.operator_token
    return Plans(
        project=project,
        engine=Engine(project, sender),
        verifier=IdentityVerifier(project.identity),
        operator_token=token.reveal() if token is not None else None,
        turn_lease=turn_lease(project),
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
        self.store_calls = StoreCalls(store)  # a turn's store calls, off the loop on a remote database
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
        who = plans.verifier.subject(claims)
        started = time.perf_counter()
        if conversation_id is None:
            # Nobody else knows the new id yet: no lock or lease; the row is written with the turn.
            conversation_id = new_conversation_id()
            body = await self._turn(plans, conversation_id, None, None, (), message, claims, who)
        else:
            async with self._locked(conversation_id):
                start = await self.store_calls.run(
                    self.store.start_turn, conversation_id, subject=who, now=time.time(), lease_seconds=plans.turn_lease
                )
                if start is None:
                    await self._refuse(conversation_id, who)
                state = ConversationState.from_dict(start.conversation.state)
                body = await self._turn(plans, conversation_id, start.lease, state, start.agent_messages, message, claims, who)
        event(
            self.logger, "turn", conversation_id=conversation_id, intent=body["intent"]["name"],
            state=body["state"], handoff=body["handoff"], ms=round((time.perf_counter() - started) * 1000, 2),
        )
        return body

    async def _refuse(self, conversation_id: str, who: str | None) -> NoReturn:
        """Why `start_turn` could not lease the conversation, as the error to answer with."""
        conversation = await self.store_calls.run(self.store.get_conversation, conversation_id)
        if conversation is None:
            raise ApiError(404, "conversation_not_found", "no conversation with that id")
        if conversation.subject != who:
            raise ApiError(403, "conversation_forbidden", "this conversation belongs to another identity")
        # Held by another replica (or a turn cut short, until its lease runs out).
        raise ApiError(409, "conversation_busy", "another message of this conversation is being answered; retry")

    async def _turn(
        self, plans: Plans, conversation_id: str, lease: float | None, state: ConversationState | None,
        agent: tuple[Message, ...], message: str | None, claims: dict[str, Any], who: str | None,
        *, decide: Decide | None = None, decision: Decision | None = None,
    ) -> dict[str, Any] | None:
        """One turn, stored; `message` None settles an unattended run (None when there is none),
        or carries out a teammate's `decision` by `decide` (its replies wait for the next chat)."""
        journal = StoreJournal(
            self.store, conversation_id, lease, who, claims, plans.turn_lease, decision, calls=self.store_calls
        )
        # One failure handling for the whole turn: the engine (and the upstream call inside
        # it) and everything after it. Whatever fails, the lease goes back; a run already
        # written ahead stays in the store as `sending`/`sent` with the state `executing`,
        # and the next turn settles it instead of sending it again.
        try:
            if decide is not None:
                assert state is not None
                result = await decide(state, journal)
            elif message is not None:
                result = await plans.engine.turn(
                    state, message, identity=claims, conversation_id=conversation_id, journal=journal
                )
            else:
                assert state is not None
                settled = await plans.engine.settle(state, identity=claims, journal=journal)
                if settled is None:  # nothing was written ahead: nothing was sent; start afresh
                    await self.store_calls.run(self.store.set_state, conversation_id, state.idle().to_dict(), now=time.time())
                    await self.store_calls.run(self.store.end_turn, conversation_id, journal.lease or 0.0)
                    return None
                result = settled
            now = time.time()
            turn = result.turn
            runs = tuple(_run_record(run, now) for run in result.runs)
            decided = journal.decision  # None once the approved run's write-ahead recorded it
            if result.withdrawn:
                decided, withdrawn = await self.store_calls.run(self._withdrawal, conversation_id, now)
                runs += (_run_record(withdrawn, now),)
            # What is kept (transcript, inbox, webhook, live pages) never holds a pasted key;
            # the turn itself read the message as typed.
            kept = None if message is None else mask_pasted_credentials(message)
            handoff = None if result.handoff_reason is None else await self.store_calls.run(
                self._new_handoff, plans, conversation_id, result, runs, kept, claims, now
            )
            record = TurnRecord(
                conversation_id=conversation_id, lease=journal.lease, state=result.state.to_dict(),
                status=result.state.status, claims=claims, message=kept, intent=turn.intent,
                out_of_scope=result.outcome == "out_of_scope" or result.handoff_reason == "out_of_scope",
                replies=turn.replies, outcome=result.outcome, runs=runs, tags=turn.tags, handoff=handoff,
                delivered=tuple(m.id for m in agent), subject=who, at=now,
                decision=decided, undelivered=decide is not None,
            )
            saved = await self.store_calls.run(self.store.save_turn, record)
        except BaseException as error:
            await self._release(conversation_id, journal.lease, error)
            raise
        if not saved:
            raise ApiError(409, "conversation_busy", "this turn took too long and was superseded; retry")
        self._log_runs(conversation_id, result)
        self._count(plans, result)
        if result.withdrawn and decided is not None:
            self.metrics.approvals.labels(runs[-1].action, "withdrawn").inc()
            event(self.logger, "approval_withdrawn", handoff_id=decided.handoff_id, conversation_id=conversation_id,
                  action=runs[-1].action)
        if handoff is not None and handoff.webhooks:
            self.outbox_wakeup.set()
        body = turn.as_dict()
        # Messages the customer has not been shown yet, once: human replies under the human's
        # name, and the outcome of an approval a teammate decided meanwhile (role bot).
        body["agent_messages"] = [m.as_dict() for m in agent]
        if not plans.project.server.debug:
            body.pop("request", None)
        return body

    async def decision_turn(
        self, conversation_id: str, pending: Callable[[], None], decide: Decide, decision: Decision
    ) -> dict[str, Any]:
        """A teammate's decision carried out as a turn of its conversation, under its lease, so
        that it never runs beside a customer's turn or another replica's decision.

        `pending` raises (an ApiError) when, read under the lease, there is nothing left to decide.
        """
        plans = self.plans
        calls = self.store_calls
        conversation = await calls.run(self.store.get_conversation, conversation_id)
        if conversation is None:
            raise ApiError(404, "conversation_not_found", "the handoff's conversation no longer exists")
        async with self._locked(conversation_id):
            start = await calls.run(
                self.store.start_turn, conversation_id, subject=conversation.subject, now=time.time(),
                lease_seconds=plans.turn_lease,
            )
            if start is None:
                raise ApiError(409, "conversation_busy", "the customer's conversation is answering a message right now; retry")
            try:
                await calls.run(pending)
            except BaseException:
                await calls.run(self.store.end_turn, conversation_id, start.lease)
                raise
            state = ConversationState.from_dict(start.conversation.state)
            body = await self._turn(
                plans, conversation_id, start.lease, state, (), None, dict(start.conversation.claims),
                conversation.subject, decide=decide, decision=decision,
            )
        assert body is not None
        return body

    async def settle_unattended(self) -> int:
        """Settle the runs that crashed turns left behind in conversations nobody came back to
        (replayed where the operation honours its key, else handed to a human); how many."""
        plans, settled, calls = self.plans, 0, self.store_calls
        for conversation_id in await calls.run(self.store.unsettled, now=time.time()):
            conversation = await calls.run(self.store.get_conversation, conversation_id)
            if conversation is None:
                continue
            start = await calls.run(
                self.store.start_turn, conversation_id, subject=conversation.subject, now=time.time(),
                lease_seconds=plans.turn_lease,
            )
            if start is None:
                continue  # another replica or a customer's turn is on it
            state = ConversationState.from_dict(start.conversation.state)
            claims = dict(start.conversation.claims)
            async with self._locked(conversation_id):
                if await self._turn(plans, conversation_id, start.lease, state, (), None, claims, conversation.subject):
                    settled += 1
                    event(self.logger, "run_settled", conversation_id=conversation_id)
        return settled

    async def settle_forever(self) -> None:
        """`settle_unattended` at start-up and then once per turn lease, for the app's lifetime."""
        while True:
            try:
                await self.settle_unattended()
            except SQLAlchemyError as error:  # the store is away: the runs are still there; retry later
                event(self.logger, "settle_unavailable", logging.WARNING, error=type(error).__name__)
            await asyncio.sleep(self.plans.turn_lease)

    async def _release(self, conversation_id: str, lease: float | None, error: BaseException) -> None:
        """Give the lease back after a failed turn; if even that fails, it lapses by itself."""
        event(self.logger, "turn_failed", logging.ERROR, conversation_id=conversation_id, error=type(error).__name__)
        if lease is None:
            return
        try:
            await self.store_calls.run(self.store.end_turn, conversation_id, lease)
        except Exception as failure:  # the store itself is failing: the lease lapses in LEASE_SECONDS
            event(self.logger, "lease_release_failed", logging.ERROR, conversation_id=conversation_id,
                  error=type(failure).__name__)

    def _withdrawal(self, conversation_id: str, now: float) -> tuple[Decision, ActionRun]:
        """The customer's withdrawal of the conversation's pending approval, and its unsent run.

        Saved with the turn in one transaction, which records it only while the approval is
        still pending: a teammate's decision that got there first wins, and this turn is refused.
        """
        handoff = self.store.open_handoff(conversation_id)
        if handoff is None or handoff.approval is None or handoff.approval.status != "pending":
            raise ApiError(409, "conversation_busy", "a teammate has just decided this request; retry to see the outcome")
        parked = Parked.from_dict(handoff.approval.parked)
        return Decision(handoff.id, "withdrawn", CUSTOMER, None, now), unsent_run(parked, "withdrawn")

    def _log_runs(self, conversation_id: str, result: TurnResult) -> None:
        """Every upstream failure, with what an operator needs and never a credential."""
        for run in result.runs:
            if run.outcome not in ("ok", "rejected") and run.operation is not None:  # rejected: never sent
                event(
                    self.logger, "upstream_failed", logging.WARNING, conversation_id=conversation_id,
                    action=run.action, operation=run.operation, outcome=run.outcome, status=run.status,
                    error=run.error, latency_ms=None if run.latency_ms is None else round(run.latency_ms, 2),
                )

    def _new_handoff(
        self, plans: Plans, conversation_id: str, result: TurnResult, runs: tuple[RunRecord, ...],
        message: str | None, claims: Mapping[str, Any], now: float,
    ) -> NewHandoff:
        """The handoff a turn that hands off writes with it (it reads the conversation so far)."""
        assert result.handoff_reason is not None
        handoff_id = "h_" + uuid.uuid4().hex[:16]
        parked = result.parked
        transcript = [m.as_dict() for m in self.store.messages(conversation_id)]
        if message is not None:
            transcript.append({"role": "customer", "text": message, "at": now})
        transcript += [{"role": "bot", "text": reply, "at": now} for reply in result.turn.replies]
        packet = {
            "handoff_id": handoff_id,
            "delivery_id": delivery_id(handoff_id),
            "conversation_id": conversation_id,
            "reason": result.handoff_reason,
            "kind": "handoff" if parked is None else "approval",
            "created_at": now,
            "transcript": transcript,
            "action_runs": _merged_runs(self.store.runs(conversation_id), runs),
            "slots": dict(result.turn.slots),
            "identity": dict(claims),
            "tags": list(dict.fromkeys([*self.store.tags(conversation_id), *result.turn.tags])),
        }
        approval = None
        if parked is not None:
            packet["approval"] = parked.view()
            approval = NewApproval(parked.action, parked.operation, parked.run_key, parked.as_dict(), dict(claims))
        webhook = plans.project.handoff.webhook
        payload = json.dumps(packet, sort_keys=True, separators=(",", ":"), default=str)
        return NewHandoff(handoff_id, result.handoff_reason, packet, ((webhook, payload),) if webhook else (), approval)

    def _count(self, plans: Plans, result: TurnResult) -> None:
        self.metrics.turns.labels(result.turn.state).inc()
        for run in result.runs:
            self.metrics.actions.labels(run.action, run.outcome).inc()
            if run.latency_ms is not None:
                self.metrics.upstream_latency.labels(run.action).observe(run.latency_ms / 1000)
        if result.handoff_reason is not None:
            self.metrics.handoffs.labels(result.handoff_reason).inc()
        if result.parked is not None:
            self.metrics.approvals.labels(result.parked.action, "requested").inc()
        if result.nlu_fallback is not None:
            self.metrics.nlu_fallbacks.labels(result.nlu_fallback).inc()

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
        pending = self.store.open_handoff(conversation_id)
        return {
            "conversation_id": conversation.id,
            "state": conversation.status,
            # What a page needs to stand where the conversation stands after a reload.
            "choices": list(standing(self.plans.project, ConversationState.from_dict(state))),
            "handoff": None if pending is None else pending.as_dict(packet=False),
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
        if handoff.approval is not None and handoff.approval.status == "pending":
            raise ApiError(409, "approval_pending", "this approval is still pending: approve or reject it instead")
        now = time.time()
        conversation = self.store.get_conversation(handoff.conversation_id)
        if conversation is not None and conversation.status == "handoff":
            state = ConversationState.from_dict(conversation.state)
            state = state.idle(handoff_reason=None, out_of_scope=0)
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


class StoreJournal:
    """The engine's write-ahead Journal over the store, for one turn of one conversation.

    Its store calls go through `calls` (the gateway's: off the event loop on a network
    database, so a state-changing run's writes stall no other turn); inline without.
    """

    def __init__(self, store: Store, conversation_id: str, lease: float | None, subject: str | None,
                 claims: dict[str, Any], lease_seconds: float, decision: Decision | None = None,
                 *, calls: StoreCalls | None = None) -> None:
        self._store = store
        self._calls = calls
        self.decision = decision  # an approval this turn carries out, until a write-ahead records it
        self._lease_seconds = lease_seconds
        self._conversation_id = conversation_id
        self._subject = subject
        self._claims = claims
        self.lease = lease  # set by `begin` on a new conversation, whose row it creates

    async def begin(self, start: RunStart) -> bool:
        ahead = RunAhead(start.run_key, start.action, start.operation, start.request, start.idempotency_key,
                         start.state, start.replay, self.decision)
        lease = await self._run(
            self._store.begin_run, self._conversation_id, ahead, lease=self.lease, subject=self._subject,
            claims=self._claims, now=time.time(), lease_seconds=self._lease_seconds,
        )
        if lease is None:
            return False
        self.lease = lease
        self.decision = None  # recorded: the turn's save must not decide it again
        return True

    async def sending(self, run_key: str, request: Mapping[str, Any], idempotency_key: str | None) -> None:
        await self._run(self._store.run_sending, run_key, dict(request), idempotency_key)

    async def answered(self, run_key: str, status: int) -> None:
        await self._run(self._store.run_answered, run_key, status)

    async def lookup(self, run_key: str) -> RunStatus | None:
        found = await self._run(self._store.run_status, run_key)
        return None if found is None else RunStatus(*found)

    async def _run(self, call: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        return call(*args, **kwargs) if self._calls is None else await self._calls.run(call, *args, **kwargs)


# What a turn may take beyond its upstream calls (understanding, rendering, the store).
TURN_MARGIN_SECONDS = 5.0


def turn_lease(project: ProjectPlan) -> float:
    """How long a turn holds its conversation: its longest possible run, plus a margin.

    Long enough that a live turn is never overtaken; short enough that a conversation whose
    gateway died mid-turn can be continued (and its run settled) soon after.
    """
    upstream = project.upstream
    per_call = upstream.timeout * (upstream.retries + 1) + upstream.retries * MAX_RETRY_DELAY
    calls = max((len(action.steps) for action in project.actions), default=0)
    return TURN_MARGIN_SECONDS + per_call * calls


def _merged_runs(stored: list[RunRecord], new: tuple[RunRecord, ...]) -> list[dict[str, Any]]:
    """Every run of the conversation once: a run written ahead shows as this turn left it."""
    settled = {run.run_key: run for run in new if run.journaled}
    merged = [settled.pop(run.run_key, None) or run if run.run_key else run for run in stored]
    for run in settled.values():
        merged.append(run)
    merged += [run for run in new if not run.journaled]
    return [_shown(run, stored) for run in merged]


def _shown(run: RunRecord, stored: list[RunRecord]) -> dict[str, Any]:
    """A settled run keeps what was written ahead (operation, request, key) where the turn lacks it."""
    ahead = next((r for r in stored if run.run_key and r.run_key == run.run_key), None)
    shown = run.as_dict()
    if ahead is not None:
        for name, value in ahead.as_dict().items():
            if shown.get(name) is None:
                shown[name] = value
    return shown


def _run_record(run: ActionRun, now: float) -> RunRecord:
    return RunRecord(
        run.action, run.operation, run.outcome, run.status, run.latency_ms,
        None if run.request is None else dict(run.request), run.error, now,
        run_key=run.run_key, idempotency_key=run.idempotency_key, journaled=run.journaled,
    )
