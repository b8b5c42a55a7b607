"""A tool call, run through the same runtime as a confirmed chat action.

    check the arguments -> (state-changing: show what would be sent, with a token) ->
    the token and the same arguments again -> the request, re-rendered, must hash to the
    confirmed one -> the write-ahead record (single use, on every replica) -> send with the
    run's Idempotency-Key, retries only where safe -> the store: run, tags, insights, handoff

Each call is a conversation of its own in the store (`m_...`), tagged `channel:mcp`; a
confirmed call's conversation and run key derive from its token, so a token used twice
finds its run already started and sends nothing.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Literal, Mapping, Protocol

from sqlalchemy.exc import SQLAlchemyError

from chatgw.compiler.plans import ActionPlan, ProjectPlan
from chatgw.compiler.tools import ToolDefinition, pick_output, tool_definitions
from chatgw.engine import ConversationState, Journal, approval, phrases, wording
from chatgw.engine.engine import turn_tags
from chatgw.engine.journal import RunGuard
from chatgw.errors import ChatgwError
from chatgw.mcp.arguments import CONFIRMATION, Arguments, ArgumentError, read_arguments
from chatgw.mcp.tokens import Confirmation, TokenError, TokenKeys, identity_digest, new_run
from chatgw.runtime import ActionOutcome, Sender, request_digest, run_action, run_key
from chatgw.store import NewApproval, NewHandoff, RunRecord, Store, TurnRecord, delivery_id

_log = logging.getLogger("chatgw")
_IN_DOUBT = ("sending", "unknown")  # written ahead, and no answer recorded: it may have reached the API
_UNSENT = ("rejected", "withdrawn")  # a parked request that was never sent

Status = Literal["confirmation_required", "done", "failed", "handed_off", "awaiting_approval"]


class CallJournal(Journal, Protocol):
    """The write-ahead record of one call over the store; `lease` is what `begin` took."""

    lease: float | None


# journal(conversation_id, subject, claims): a fresh CallJournal for one call
JournalFactory = Callable[[str, "str | None", dict[str, Any]], CallJournal]
# observe(action, outcome, handoff): after each run is stored (metrics, logs, the webhook outbox)
Observer = Callable[[str, ActionOutcome, "NewHandoff | None"], None]
# offload(call, *args): run a blocking store call, awaited
Offload = Callable[..., Awaitable[Any]]


async def _inline(call: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    return call(*args, **kwargs)


class ToolCallError(ChatgwError):
    """The call was refused, or could not finish; the message says whether anything was sent and what to do."""


@dataclass(frozen=True, slots=True)
class Caller:
    """Who calls: verified claims only (a bearer token, or `--as` on stdio)."""

    claims: Mapping[str, Any] = field(default_factory=dict)
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class ToolResult:
    """What the agent gets: text for the model, and `data` matching the tool's output schema."""

    text: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Proposal:
    """A state-changing call, checked and rendered, not sent: what the token vouches for."""

    tool: ToolDefinition
    confirm: str  # the confirmation question, rendered
    request: Mapping[str, Any]  # the redacted preview of the request that would be sent
    token: str
    expires: float  # unix time
    ttl: float  # seconds it is good for

    def result(self) -> ToolResult:
        minutes = max(1, round(self.ttl / 60))
        text = (
            f"Nothing was sent yet. Ask the customer: \"{self.confirm}\" Only if they agree, call "
            f"{self.tool.name} again with exactly the same arguments plus \"{CONFIRMATION}\": "
            f"\"{self.token}\" (good once, for about {minutes} minute{'s' if minutes > 1 else ''})."
        )
        return ToolResult(text, {
            "status": "confirmation_required", "reply": text, "confirm": self.confirm,
            "request": dict(self.request), CONFIRMATION: self.token, "expires_at": self.expires,
        })


class ToolCalls:
    """The tools of one compiled project, callable by verified callers."""

    def __init__(
        self, project: ProjectPlan, store: Store, sender: Sender, keys: TokenKeys, *,
        journal: JournalFactory, ttl: float | None = None, observe: Observer = lambda action, outcome, handoff: None,
        clock: Callable[[], float] = time.time, offload: Offload | None = None,
    ) -> None:
        self.project = project
        self.tools = tool_definitions(project)
        self._by_name = {tool.name: tool for tool in self.tools}
        self._store = store
        self._sender = sender
        self._keys = keys
        self._journal = journal
        self._ttl = project.server.confirmation_ttl if ttl is None else ttl
        self._observe = observe
        self._clock = clock
        # How store calls run: the gateway's store threads in `serve` (never on the event loop
        # of a network database), inline where none is given (`chatgw mcp` on stdio).
        self._offload = offload or _inline

    def tool(self, name: str) -> ToolDefinition:
        found = self._by_name.get(name)
        if found is None:
            raise ToolCallError(f"there is no tool {name!r}; the tools are {', '.join(self._by_name) or 'none'}")
        return found

    async def call(self, name: str, arguments: Mapping[str, Any] | None, caller: Caller) -> ToolResult:
        """Run a read-only tool; for a state-changing one, propose (no token) or run (its token)."""
        tool = self.tool(name)
        given = dict(arguments or {})
        token = given.pop(CONFIRMATION, None) if tool.confirm else None
        if tool.confirm and token is None:
            return self.propose(tool, given, caller).result()
        return await self.run(tool, given, caller, token)

    def propose(self, tool: ToolDefinition, arguments: Mapping[str, Any], caller: Caller) -> Proposal:
        """Check and render a state-changing call and issue its token; nothing is sent or stored."""
        action = self._action(tool)
        checked = self._read(action, tool, arguments, caller)
        run = new_run()
        request = self._preview(action, checked, run)
        expires = self._clock() + self._ttl
        confirmation = Confirmation(tool.name, run, request_digest(request), self._identity(caller, checked), expires)
        return Proposal(tool, _confirm_text(action, checked), request, self._keys.issue(confirmation), expires, self._ttl)

    async def run(self, tool: ToolDefinition, arguments: Mapping[str, Any], caller: Caller, token: Any = None) -> ToolResult:
        """Run the call; a state-changing one only with a token for this exact request."""
        action = self._action(tool)
        checked = self._read(action, tool, arguments, caller)
        if not tool.confirm:
            return await self._execute(tool, action, checked, caller, run=new_run(), confirmed=None)
        try:
            confirmation = self._keys.check(token, tool=tool.name, identity=self._identity(caller, checked), now=self._clock())
        except TokenError as error:
            raise ToolCallError(f"{error}. Nothing was sent.") from None
        digest = request_digest(self._preview(action, checked, confirmation.run))
        if digest != confirmation.request:
            raise ToolCallError(
                "the arguments differ from the ones the confirmation was issued for. Nothing was sent; "
                "call the tool without a confirmation to get one for these arguments"
            )
        return await self._execute(tool, action, checked, caller, run=confirmation.run, confirmed=digest)

    # -- helpers -----------------------------------------------------------------------

    def _action(self, tool: ToolDefinition) -> ActionPlan:
        action = self.project.action(tool.action)
        assert action is not None  # tools are made from these very plans
        return action

    @staticmethod
    def _read(action: ActionPlan, tool: ToolDefinition, arguments: Mapping[str, Any], caller: Caller) -> Arguments:
        try:
            return read_arguments(action, tool.name, arguments, caller.claims)
        except ArgumentError as error:
            raise ToolCallError(str(error)) from None

    @staticmethod
    def _identity(caller: Caller, checked: Arguments) -> str:
        return identity_digest(caller.subject, checked.claims)

    def _preview(self, action: ActionPlan, checked: Arguments, run: str) -> Mapping[str, Any]:
        request = wording.preview(action, self.project.upstream, checked.slots, checked.identity, _run_key(run, action, checked))
        if request is None:
            raise ToolCallError(f"{action.name} cannot build its request from these arguments. Nothing was sent.")
        return request

    async def _execute(
        self, tool: ToolDefinition, action: ActionPlan, checked: Arguments, caller: Caller, *, run: str, confirmed: str | None,
    ) -> ToolResult:
        conversation = _conversation_id(run)
        key = _run_key(run, action, checked)
        state = ConversationState(
            conversation_id=conversation, status="executing", action=action.name, slots=checked.given,
            sequence=1, run_key=key, confirmed=confirmed,
        )
        journal = self._journal(conversation, caller.subject, dict(caller.claims))
        guard = RunGuard(journal, run_key=key, action=action.name, state=state.to_dict(), confirmed=confirmed)
        try:
            if confirmed is not None and await self._offload(self._store.get_conversation, conversation) is not None:
                raise await self._offload(self._used, key, conversation)  # the token's call was run, or parked, before
            if approval.needed(action, checked.slots, caller.claims):
                # The same policy as in chat: a confirmed call the action's `approval:` covers is
                # parked for a teammate, never sent by the agent's say-so.
                return await self._park(tool, action, checked, caller, conversation, state, journal)
            outcome = await run_action(
                action, self._sender, self.project.upstream, slots=checked.slots, identity=caller.claims,
                run_key=key, guard=guard,
            )
        except SQLAlchemyError:
            if not guard.begun:  # the write-ahead record failed: the request never left
                raise ToolCallError("chatgw's store is unavailable, so nothing was sent; retry in a moment") from None
            # Sent, and its answer could not be recorded: the run stays `sending` for a human to settle.
            raise ToolCallError(
                "the request was sent but chatgw's store failed before its outcome was recorded; do not "
                "repeat the call: a teammate will check the outcome"
            ) from None
        if outcome.outcome == "unknown" and not guard.begun and confirmed is not None:
            # begin_run refused the run key: another call with this token got there first.
            raise await self._offload(self._used, key, conversation)
        result = _result(tool, outcome)
        await self._record(tool, action, checked, caller, conversation, state, outcome, result, guard, journal)
        return result

    def _used(self, key: str, conversation: str) -> ToolCallError:
        """The refusal of a token used before, saying what became of the call it confirmed."""
        used = "this confirmation was used already"
        found = self._store.run_status(key)
        if found is None:
            waiting = self._store.open_handoff(conversation)
            if waiting is not None and waiting.approval is not None:
                return ToolCallError(
                    f"{used}: its request is waiting for a teammate's approval (handoff {waiting.id}) and is "
                    "not parked or sent again"
                )
        if found is None or found[0] in _IN_DOUBT:
            # Started and never answered on record: the gateway stopped mid-call, or the call is
            # still out. Sending again could do it twice; the run is settled, or handed to a person.
            return ToolCallError(
                f"{used}, and whether its request reached the API is not known: its answer was never "
                "recorded (the call is still out, or chatgw stopped during it). It is not sent again. Tell "
                "the customer a teammate will check the outcome; do not ask for a new confirmation of the same change"
            )
        outcome, status = found
        if outcome in _UNSENT:
            return ToolCallError(f"{used}: its request was {outcome} before it was sent, so nothing was sent")
        answered = f", answered HTTP {status}" if status is not None else ""
        return ToolCallError(f"{used}: its request was sent once (outcome {outcome}{answered}) and is not sent again")

    async def _record(
        self, tool: ToolDefinition, action: ActionPlan, checked: Arguments, caller: Caller, conversation: str,
        state: ConversationState, outcome: ActionOutcome, result: ToolResult, guard: RunGuard, journal: CallJournal,
    ) -> None:
        now = self._clock()
        status = result.data["status"]
        ending = {"done": "resolved", "failed": "failed", "handed_off": "handoff"}[status]
        tags = _tags(action, ending)
        requests = outcome.requests
        keyed = [step.request.idempotency_key for step in outcome.steps if step.request.idempotency_key]
        last = outcome.steps[-1] if outcome.steps else None
        run = RunRecord(
            action.name, last.request.operation if last is not None else None, outcome.outcome, outcome.status,
            outcome.latency_ms, requests[-1] if requests else None, outcome.error, now,
            run_key=state.run_key, idempotency_key=keyed[-1] if keyed else None, journaled=guard.begun,
        )
        message = _call_message(tool, checked)
        handoff = None
        if status == "handed_off":
            handoff = self._handoff(conversation, _reason(outcome), message, result.data["reply"], run, checked, caller, tags, now)
        record = _turn(conversation, journal, caller, state, message, result.data["reply"], ending, (run,), tags, handoff, now)
        try:
            await self._offload(self._store.save_turn, record)
        except SQLAlchemyError as error:
            # What was done is done: the agent hears it. A run written ahead stays in the store
            # (`sent` or `sending`), where the gateway's sweep settles it.
            _log.warning("mcp call %s of %s not stored: %s", conversation, action.name, type(error).__name__)
        self._observe(action.name, outcome, handoff)

    async def _park(
        self, tool: ToolDefinition, action: ActionPlan, checked: Arguments, caller: Caller, conversation: str,
        state: ConversationState, journal: CallJournal,
    ) -> ToolResult:
        """Keep the confirmed request for a teammate's decision (`POST /v1/handoffs/{id}/approve`)."""
        assert state.run_key is not None
        parked = approval.park(self.project, action, checked.slots, checked.identity, state.run_key)
        if parked is None:
            raise ToolCallError(f"{action.name} cannot build its request from these arguments. Nothing was sent.")
        now = self._clock()
        reply = approval.requested(parked.reason)
        tags = _tags(action, "handoff")
        message = _call_message(tool, checked)
        handoff = self._handoff(conversation, approval.REASON, message, reply, None, checked, caller, tags, now, parked)
        record = _turn(conversation, journal, caller, state, message, reply, "handoff", (), tags, handoff, now)
        try:
            await self._offload(self._store.save_turn, record)
        except SQLAlchemyError:
            raise ToolCallError("chatgw's store is unavailable, so nothing was sent or parked; retry in a moment") from None
        data = {
            "status": "awaiting_approval", "reply": reply, "handoff_id": handoff.id,
            "conversation_id": conversation, "request": dict(parked.preview),
        }
        return ToolResult(reply, data)

    def _handoff(
        self, conversation: str, reason: str, message: str, reply: str, run: RunRecord | None, checked: Arguments,
        caller: Caller, tags: tuple[str, ...], now: float, parked: approval.Parked | None = None,
    ) -> NewHandoff:
        handoff_id = "h_" + uuid.uuid4().hex[:16]
        packet = {
            "handoff_id": handoff_id, "delivery_id": delivery_id(handoff_id), "conversation_id": conversation,
            "reason": reason, "kind": "handoff" if parked is None else "approval", "created_at": now,
            "transcript": [{"role": "customer", "text": message, "at": now}, {"role": "bot", "text": reply, "at": now}],
            "action_runs": [] if run is None else [run.as_dict()], "slots": dict(checked.slots),
            "identity": dict(caller.claims), "tags": list(tags),
        }
        pending = None
        if parked is not None:
            packet["approval"] = parked.view()
            pending = NewApproval(parked.action, parked.operation, parked.run_key, parked.as_dict(), dict(caller.claims))
        webhook = self.project.handoff.webhook
        payload = json.dumps(packet, sort_keys=True, separators=(",", ":"), default=str)
        return NewHandoff(handoff_id, reason, packet, ((webhook, payload),) if webhook else (), pending)


def _turn(
    conversation: str, journal: CallJournal, caller: Caller, state: ConversationState, message: str, reply: str,
    outcome: str, runs: tuple[RunRecord, ...], tags: tuple[str, ...], handoff: NewHandoff | None, now: float,
) -> TurnRecord:
    """A call as the store keeps a chat turn: the call in place of the customer's message, the
    reply as the bot's, and the state it ends in (handed over, with why, or idle)."""
    ended = state.idle(
        status="idle" if handoff is None else "handoff",
        handoff_reason=None if handoff is None else handoff.reason, sequence=1,
    )
    return TurnRecord(
        conversation_id=conversation, lease=journal.lease, state=ended.to_dict(), status=ended.status,
        claims=dict(caller.claims), message=message, intent=state.action, out_of_scope=False, replies=(reply,),
        outcome=outcome, runs=runs, tags=tags, handoff=handoff, subject=caller.subject, at=now,
    )


def _tags(action: ActionPlan, ending: str) -> tuple[str, ...]:
    """A chat turn's tags for the same action and outcome, and the channel."""
    return tuple(dict.fromkeys((*turn_tags(action, ending), "channel:mcp")))


def _call_message(tool: ToolDefinition, checked: Arguments) -> str:
    """The call as the transcript shows it, in place of a customer's message."""
    return f"tool call {tool.name} {json.dumps(checked.given, sort_keys=True, default=str)}"


def _conversation_id(run: str) -> str:
    return "m_" + run


def _run_key(run: str, action: ActionPlan, checked: Arguments) -> str:
    return run_key(_conversation_id(run), 1, action.name, checked.slots)


def _confirm_text(action: ActionPlan, checked: Arguments) -> str:
    if action.confirm is not None:
        return wording.confirmation(action, checked.slots, checked.identity)
    listed = ", ".join(f"{name}: {value}" for name, value in checked.given.items())
    return f"I'm about to {phrases.describe(action)}" + (f" ({listed})" if listed else "") + ". Go ahead?"


def _result(tool: ToolDefinition, outcome: ActionOutcome) -> ToolResult:
    if outcome.outcome in ("ok", "failed") and not outcome.handoff:
        status: Status = "done" if outcome.outcome == "ok" else "failed"
    elif outcome.outcome in ("invalid", "unreachable"):
        status = "failed"
    else:
        status = "handed_off"
    reply = outcome.reply or {
        "unknown": phrases.OUTCOME_UNKNOWN, "changed": phrases.REQUEST_CHANGED,
    }.get(outcome.outcome, phrases.HANDOFF_NOW if status == "handed_off" else "Done.")
    data: dict[str, Any] = {"status": status, "reply": reply, "http_status": outcome.status}
    answers = _answers(outcome)
    data.update(pick_output(tool.output_fields, answers))
    return ToolResult(reply, data)


def _answers(outcome: ActionOutcome) -> dict[str, Any]:
    """The answers as the reply templates saw them: `response` and `steps.<as>`."""
    steps: dict[str, Any] = {}
    response: Any = None
    for step in outcome.steps:
        if step.result is None:
            continue
        answer = {"status": step.result.status, "body": step.result.body, "headers": dict(step.result.headers)}
        if step.name is not None:
            steps[step.name] = answer
        response = answer
    return {"response": response, "steps": steps}


def _reason(outcome: ActionOutcome) -> str:
    return {"unknown": "outcome_unknown", "changed": "request_changed"}.get(outcome.outcome, "action_reply")
