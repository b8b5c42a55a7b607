"""The engine: one customer message in, the reply, the new state and the events out."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from chatgw.compiler.plans import ActionPlan, ProjectPlan
from chatgw.compiler.tools import tool_definitions
from chatgw.engine import form
from chatgw.engine.approval import Parked
from chatgw.engine.dialogue import Dialogue, Step
from chatgw.engine.journal import Journal, RunGuard
from chatgw.engine.state import ConversationState
from chatgw.engine.turn import Candidate, Turn, TurnResult
from chatgw.nlu.acts import split_requests
from chatgw.nlu.clauses import split_objects, split_values, without_refusals
from chatgw.nlu.intents import IntentEngine, IntentMatch, IntentScore, build_intent_engine
from chatgw.nlu.llm import LlmEngine, Proposal, build_llm_engine
from chatgw.runtime import Sender, run_action

_NO_CLAIMS: Mapping[str, Any] = MappingProxyType({})

# An LLM states no confidence: its choice is taken as sure, and the dialogue's checks decide.
LLM_CONFIDENCE = 1.0


class Engine:
    """Runs conversations for one compiled project; holds no per-conversation state.

    The intent engine is built once, here, from the actions' examples; every turn only reads
    compiled plans. Pass `intents` to share one between engines or plug in another engine.
    With `nlu.engine: llm` the model proposes each turn's action and arguments, and `intents`
    is the fallback engine, which understands the turns the model failed.
    """

    def __init__(
        self,
        project: ProjectPlan,
        sender: Sender,
        *,
        intents: IntentEngine | None = None,
        llm: LlmEngine | None = None,
    ) -> None:
        self.project = project
        self._sender = sender
        self._intents = intents if intents is not None else build_intents(project)
        if llm is None and project.nlu.engine == "llm":
            llm = build_llm_engine(project.nlu, tool_definitions(project))
        self._llm = llm
        self._dialogue = Dialogue(project)

    async def turn(
        self,
        state: ConversationState | None,
        message: str,
        *,
        identity: Mapping[str, Any] = _NO_CLAIMS,
        conversation_id: str | None = None,
        journal: Journal | None = None,
    ) -> TurnResult:
        """Answer one message. `identity` holds verified claims only; `state` None starts anew.

        With a `journal`, every state-changing request is recorded ahead of sending, and a run
        cut short in an earlier turn is settled first (see `Dialogue.recover`).
        """
        state = state or ConversationState()
        message = valid_text(message)
        conversation_id = conversation_id or state.conversation_id or new_conversation_id()
        if state.conversation_id != conversation_id:
            state = replace(state, conversation_id=conversation_id)
        settled = await self.settle(state, identity=identity, journal=journal)
        if settled is not None:
            return settled
        if state.status == "executing":
            state = state.idle()  # cut short before anything was written ahead: nothing left
        message, refused = _heard(state, message)
        match, fallback = (None, None) if state.status == "handoff" else await self._understand(state, message)
        step = self._dialogue.advance(state, message, identity, match, self._requests(state, message), refused=refused)
        while step.run:  # a queued request may run right after the first
            step = await self._run(step, identity, journal)
        candidates = () if match is None else tuple(Candidate(c.name, c.confidence) for c in match.candidates)
        return _result(conversation_id, step, candidates, fallback)

    async def _understand(self, state: ConversationState, message: str) -> tuple[IntentMatch, str | None]:
        """The message's match, and why the LLM could not give it (None: it did, or none is set).

        Whatever the model answers, the match only names a compiled action or none, and its
        arguments are proposals the dialogue checks; a failure changes nothing but who reads
        this one message.
        """
        if self._llm is None:
            return self._intents.match(message), None
        proposal = await self._llm.propose(message, action=state.action, expecting=state.expecting)
        if proposal.failure is not None:
            return self._intents.match(message), proposal.failure
        return _llm_match(proposal), None

    async def settle(
        self, state: ConversationState, *, identity: Mapping[str, Any] = _NO_CLAIMS, journal: Journal | None = None
    ) -> TurnResult | None:
        """Settle a run an earlier turn left `executing` (a crash, a failure before its turn was
        saved), as `Dialogue.recover` rules; None when there is nothing to settle.

        The next message does this first; `chatgw serve` also sweeps conversations nobody
        came back to, so a lost outcome reaches a human either way.
        """
        if state.status != "executing" or state.run_key is None or journal is None:
            return None
        found = await journal.lookup(state.run_key)
        if found is None:
            return None
        step = self._dialogue.recover(state, identity, found, replay=self._replayable(state.action))
        while step.run:
            step = await self._run(step, identity, journal)
        return _result(state.conversation_id or new_conversation_id(), step, ())

    async def approved(
        self, state: ConversationState, parked: Parked, *, identity: Mapping[str, Any] = _NO_CLAIMS,
        journal: Journal | None = None,
    ) -> TurnResult:
        """Run a parked run a teammate approved: its first request exactly as parked, written
        ahead like any confirmed run (check `approval.outdated` first)."""
        step = self._dialogue.approved(state, parked)
        while step.run:
            step = await self._run(step, identity, journal)
        return _result(state.conversation_id or new_conversation_id(), step, ())

    def rejected(self, state: ConversationState, parked: Parked, reason: str) -> TurnResult:
        """A parked run a teammate rejected: nothing is sent; the customer is told why."""
        return _result(state.conversation_id or new_conversation_id(), self._dialogue.rejected(state, parked, reason), ())

    async def _run(self, step: Step, identity: Mapping[str, Any], journal: Journal | None) -> Step:
        action, state = step.action, step.state
        assert action is not None and state.run_key is not None
        guard = RunGuard(
            journal, run_key=state.run_key, action=action.name, state=state.to_dict(),
            confirmed=state.confirmed, replay=step.replay,
        )
        outcome = await run_action(
            action, self._sender, self.project.upstream, slots=step.slots, identity=identity,
            run_key=state.run_key, guard=guard, first=step.first,
        )
        step.first = None  # a queued request that runs next renders its own
        return self._dialogue.finish(step, outcome, identity, journaled=guard.begun or step.replay)

    def _requests(self, state: ConversationState, message: str) -> tuple[tuple[str, IntentMatch], ...]:
        """The requests of a message asking for several things, each with its match; () when
        it asks for one thing (or a form is in progress).

        Tried in order: one action over a list of values ("reset the keys for proj_a and
        proj_b": the same action once per value), separate clauses ("reset my key and show my
        usage"), and one verb over two objects ("show usage and errors"): the latter two must
        each name a different action. A piece nobody understands means the split was wrong:
        the message is read whole.
        """
        if state.status != "idle":
            return ()
        listed = split_values(message)
        for pieces, repeated in (
            (None if listed is None else [piece for piece, _ in listed], True),
            (split_requests(message), False),
            (split_objects(message), False),
        ):
            if pieces is None or len(pieces) < 2:
                continue
            matched = tuple((piece, self._intents.match(piece)) for piece in pieces)
            names = [match.name for _, match in matched]
            if None in names or len(set(names)) != (1 if repeated else len(names)):
                continue
            if repeated and listed is not None and self._takes_the_list(names[0], message, [v for _, v in listed]):
                continue
            return matched
        return ()

    def _takes_the_list(self, name: str | None, message: str, values: list[str]) -> bool:
        """Whether the action itself takes two of the listed values ("move the key from proj_a
        and proj_b" into two slots): then the list is one request, not one per value."""
        action = self.project.action(name) if name else None
        if action is None:
            return False
        filled = form.fill(message, action).values
        listed = {value.lower() for value in values}
        return sum(1 for value in filled.values() if str(value).lower() in listed) > 1

    def _replayable(self, name: str | None) -> bool:
        """Whether every state-changing operation of the action honours Idempotency-Key."""
        action = self.project.action(name) if name else None
        honoured = self.project.upstream.idempotent_operations
        return action is not None and all(
            (call.operation.operation_id or call.operation.key) in honoured
            for call in action.steps
            if call.operation.changes_state
        )


def build_intents(project: ProjectPlan) -> IntentEngine:
    """The intent engine `project.nlu` names, for the project's actions (for `llm`: its fallback)."""
    actions = project.actions
    nlu = project.nlu
    engine = nlu.fallback if nlu.engine == "llm" else nlu.engine
    model = None if nlu.model is None or nlu.engine != "embeddings" else Path(nlu.model)  # llm: a name
    return build_intent_engine(
        {action.name: action.examples for action in actions},
        keywords={action.name: action.keywords for action in actions if action.keywords},
        patterns={action.name: action.patterns for action in actions if action.patterns},
        threshold=nlu.threshold,
        engine=engine,
        model=model,
    )


def _heard(state: ConversationState, message: str) -> tuple[str, bool]:
    """What of `message` the turn reads, and whether it refuses everything it names.

    "don't reset my key, just show usage" is read as "just show usage": a refused request
    must reach neither the intents nor the slot reader. At a confirmation a message that only
    refuses ("don't reset it") is read whole: it is the customer's no.
    """
    rest = without_refusals(message)
    if rest is None:
        return message, False
    if rest:
        return rest, False
    return message, state.status in ("idle", "collecting")


def new_conversation_id() -> str:
    return "c_" + uuid.uuid4().hex[:16]


def _llm_match(proposal: Proposal) -> IntentMatch:
    if proposal.action is None:
        return IntentMatch(name=None, confidence=0.0, candidates=())
    score = IntentScore(proposal.action, LLM_CONFIDENCE)
    return IntentMatch(proposal.action, LLM_CONFIDENCE, (score,), arguments=dict(proposal.arguments))


def valid_text(text: str) -> str:
    """`text` with any lone surrogate ("\\ud800", from a cut emoji or bytes that were not UTF-8)
    as U+FFFD: the tokenizers, the store and UTF-8 output all refuse them."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text


def _result(
    conversation_id: str, step: Step, candidates: tuple[Candidate, ...], fallback: str | None = None
) -> TurnResult:
    turn = Turn(
        conversation_id=conversation_id,
        intent=step.intent,
        confidence=step.confidence,
        candidates=candidates,
        slots=dict(step.slots),
        state=step.state.status,
        request=step.request,
        replies=tuple(step.replies),
        tags=turn_tags(step.action, step.outcome),
        handoff=step.state.status == "handoff",
        choices=step.choices,
    )
    return TurnResult(
        state=step.state,
        turn=turn,
        runs=tuple(step.runs),
        handoff_reason=step.handoff_reason,
        outcome=step.outcome,
        parked=step.parked,
        withdrawn=step.withdrawn,
        nlu_fallback=fallback,
    )


def turn_tags(action: ActionPlan | None, outcome: str | None) -> tuple[str, ...]:
    """The tags a turn gives its conversation: the action's, its operations', the outcome."""
    tags: list[str] = []
    if action is not None:
        tags += [*action.tags, f"action:{action.name}", *action.operation_tags]
    if outcome is not None:
        tags.append(f"outcome:{outcome}")
    return tuple(dict.fromkeys(tags))
