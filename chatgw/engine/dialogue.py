"""The per-conversation state machine: idle -> collecting -> confirming -> executing -> idle,
plus handoff, which only the server (a human agent resolving it) leaves.

The dialogue decides; it does no I/O. `advance` reads one message and either answers it or
marks the step to run an action; the engine runs it and hands the outcome to `finish`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from chatgw.compiler.plans import ActionPlan, ProjectPlan, SlotPlan
from chatgw.engine import approval, clarify, form, memory, phrases, wording
from chatgw.engine.state import ConversationState
from chatgw.engine.turn import ActionRun, ConversationOutcome
from chatgw.nlu.acts import builtin_intent
from chatgw.nlu.intents import IntentMatch
from chatgw.engine.journal import RunStatus
from chatgw.runtime import (
    ActionOutcome,
    PreparedRequest,
    UpstreamResult,
    redact_headers,
    request_digest,
    run_key,
)

MAX_HELD = 2000  # characters of a message held while the customer says which action they meant

# A different action interrupts a form only when its match is at least this sure; more sure
# still when the message also answered the form ("no, show me the usage of proj_8f2k1").
SWITCH_CONFIDENCE = 0.5
SWITCH_CONFIDENCE_ANSWERED = 0.75


@dataclass(slots=True)
class Step:
    """One turn while the dialogue decides it; the engine turns it into a TurnResult."""

    state: ConversationState
    intent: str | None
    confidence: float
    action: ActionPlan | None = None  # the action this turn was about
    slots: dict[str, Any] = field(default_factory=dict)  # every value known for `action`
    request: dict[str, Any] | None = None
    replies: list[str] = field(default_factory=list)
    run: bool = False  # the engine must now run `action` with `slots`
    replay: bool = False  # the run re-sends one whose outcome was lost (same keys)
    outcome: ConversationOutcome | None = None
    handoff_reason: str | None = None
    runs: list[ActionRun] = field(default_factory=list)
    choices: tuple[str, ...] = ()  # buttons under the last reply; sending one's text picks it
    parked: approval.Parked | None = None  # the run waits for a teammate's approval
    first: PreparedRequest | None = None  # sent as the run's first request (an approved one)
    withdrawn: bool = False  # the customer cancelled the run parked for approval

    def say(self, text: str) -> None:
        self.replies.append(text)


class Dialogue:
    """The rules of the conversation, for one compiled project."""

    def __init__(self, project: ProjectPlan) -> None:
        self._project = project

    def advance(
        self,
        state: ConversationState,
        message: str,
        identity: Mapping[str, Any],
        match: IntentMatch | None,
        requests: tuple[tuple[str, IntentMatch], ...] = (),
        *,
        refused: bool = False,
    ) -> Step:
        """Decide what `message` does to the conversation. `match` is None in handoff.

        `requests` are the message's clauses and their matches when it asks for several
        things ("reset my key and show my usage"); the first starts, the others queue.
        `refused`: the message only refuses ("please don't rotate my key"): nothing starts,
        and a form in progress is cancelled.
        """
        step = Step(state=state, intent=state.action, confidence=state.confidence)
        if state.status == "handoff" or match is None:
            if state.handoff_reason == approval.REASON and builtin_intent(message) == "never_mind":
                return self._withdraw(step)
            step.say(approval.WAITING if state.handoff_reason == approval.REASON else phrases.HANDOFF_WAITING)
            return step
        offered = state.choices if state.status == "idle" else ()
        action = self._project.action(state.action) if state.action else None
        if action is None or state.status not in ("collecting", "confirming"):
            # Idle, or the action went away in a reload, or a run was cut short: start afresh.
            action = None
            if state.status != "idle" or offered:
                step.state = step.state.idle()
            step.intent, step.confidence = None, match.confidence

        if phrases.wants_human(message):
            step.action = action
            return self._hand_over(step, "customer_asked", phrases.HANDOFF_NOW)
        if step.state.offered_human:
            step.state = replace(step.state, offered_human=False)
            # "ok thanks" declines politely; it is not a yes to a human.
            answer = None if phrases.is_thanks(message) else phrases.yes_or_no(message)
            if answer == "yes":
                return self._hand_over(step, "customer_asked", phrases.HANDOFF_NOW)
            if answer == "no":
                step.say(phrases.HUMAN_DECLINED)
                return step
        builtin = builtin_intent(message)
        if builtin == "never_mind" or refused:
            return self._cancel(step, action)
        if action is None:
            if offered:
                answered = self._answer_choice(step, state, message, identity, match)
                if answered is not None:
                    return answered
            if builtin is not None:
                return self._small_talk(step, builtin)
            if len(requests) > 1:
                return self._start_several(step, identity, requests)
            return self._start(step, message, identity, match)

        step.action = action
        step.slots = form.values(action, step.state.slots, identity)
        if builtin == "goodbye" and not (step.state.status == "confirming" and phrases.yes_or_no(message)):
            return self._cancel(step, action, phrases.CANCELLED_GOODBYE)  # "no thanks" at a confirmation is a no
        if builtin == "capabilities":
            return self._answer_aside(step, action, phrases.capabilities(self._project.actions), identity)
        aside = self._aside(match, action)
        if aside is not None:
            assert aside.answer is not None
            return self._answer_aside(step, action, wording.render_or(aside.answer, wording.context(step.slots, identity)), identity)
        if step.state.status == "collecting":
            return self._collect(step, action, message, identity, match)
        return self._confirm(step, action, message, identity, match)

    def recover(self, state: ConversationState, identity: Mapping[str, Any], found: RunStatus, *, replay: bool) -> Step:
        """The first turn after a run was cut short (a crash, a failure before its turn was
        saved): say how it ended, and never send it again blindly.

        Answered: say so. Outcome unknown: re-send it with the same Idempotency-Keys when
        every state-changing operation of it honours them (`replay`), else hand over.
        """
        action = self._project.action(state.action) if state.action else None
        step = Step(state=state, intent=state.action, confidence=state.confidence, action=action)
        if action is not None:
            step.slots = form.values(action, state.slots, identity)
        if found.outcome in ("sending", "unknown"):
            if replay and action is not None:
                step.run = step.replay = True
                return step
            step.runs.append(ActionRun(state.action or "", None, "unknown", run_key=state.run_key, journaled=True))
            return self._hand_over(step, "outcome_unknown", phrases.OUTCOME_UNKNOWN)
        ok = found.status is not None and 200 <= found.status < 300
        step.runs.append(
            ActionRun(state.action or "", None, "ok" if ok else "failed", found.status, run_key=state.run_key, journaled=True)
        )
        step.state = state.idle()
        step.say(phrases.RECOVERED_DONE if ok else phrases.RECOVERED_FAILED)
        step.outcome = "resolved" if ok else "failed"
        return step

    def finish(
        self, step: Step, outcome: ActionOutcome, identity: Mapping[str, Any], *, journaled: bool = False
    ) -> Step:
        """Record how the action the step asked for ended, say so, and start the next request
        the customer queued, if any."""
        action = step.action
        assert action is not None and step.run
        step.run = False
        run_key = step.state.run_key
        requests = outcome.requests
        last = outcome.steps[-1] if outcome.steps else None
        keyed = [s.request.idempotency_key for s in outcome.steps if s.request.idempotency_key]
        if requests:
            step.request = requests[-1]
        step.runs.append(
            ActionRun(
                action=action.name,
                operation=last.request.operation if last is not None else None,
                outcome=outcome.outcome,
                status=outcome.status,
                latency_ms=outcome.latency_ms,
                request=requests[-1] if requests else None,
                error=outcome.error,
                response=_answer(last.result) if last is not None and last.result is not None else None,
                run_key=run_key,
                idempotency_key=keyed[-1] if keyed else None,
                journaled=journaled,
            )
        )
        state = step.state
        remembered = state.memory
        if outcome.outcome == "ok":
            body = last.result.body if last is not None and last.result is not None else None
            remembered = memory.remember(state.memory, self._project, action, step.slots, body)
        step.state = state.idle(memory=remembered)
        if outcome.outcome == "unknown":
            return self._hand_over(step, "outcome_unknown", phrases.OUTCOME_UNKNOWN)
        if outcome.outcome == "changed":
            return self._hand_over(step, "request_changed", phrases.REQUEST_CHANGED)
        if outcome.handoff:
            return self._hand_over(step, "action_reply", outcome.reply or phrases.HANDOFF_NOW)
        if outcome.reply:
            step.say(outcome.reply)
        step.outcome = "resolved" if outcome.outcome == "ok" else "failed"
        return self._next_request(step, identity)

    # -- states ---------------------------------------------------------------------------

    def _start(
        self,
        step: Step,
        message: str,
        identity: Mapping[str, Any],
        match: IntentMatch,
        carried: Mapping[str, Any] | None = None,
        *,
        clarified: bool = False,
        override: Mapping[str, Any] | None = None,
    ) -> Step:
        if not clarified:
            choices = clarify.offer(self._project, match, message)
            if choices:
                return self._clarify(step, message, choices, max(match.confidence, match.threshold))
        action = self._project.action(match.name) if match.name else None
        if action is None:
            return self._out_of_scope(step)
        step.state = step.state.idle(out_of_scope=0, action=action.name, confidence=match.confidence)
        step.intent, step.confidence, step.action = action.name, match.confidence, action
        claims = form.claims(action, identity)
        if not claims.complete:
            return self._refuse(step, action, claims.missing)
        given = form.fill(message, action, identity=identity, proposed=_proposed(match, action))
        slots = {**form.carry(action, carried or {}), **given.values, **(override or {})}
        return self._ask_or_confirm(step, action, slots, identity, given.errors)

    def _collect(
        self,
        step: Step,
        action: ActionPlan,
        message: str,
        identity: Mapping[str, Any],
        match: IntentMatch,
    ) -> Step:
        state = step.state
        slot = action.slot(state.expecting) if state.expecting else None
        if slot is None:
            return self._ask_or_confirm(step, action, dict(state.slots), identity, {})
        if state.offered is not None:
            return self._answer_offer(step, action, slot, message, identity, match)
        given = form.fill(message, action, expecting=slot.name, identity=identity, proposed=_proposed(match, action))
        if self._switches(match, action, answered=bool(given.values)):
            return self._switch(step, message, identity, match)
        if not given.values:
            reason = given.errors.get(slot.name) or "Sorry, I didn't catch that."
            return self._retry(step, state, wording.sentence(reason), wording.prompt(slot, step.slots, identity))
        return self._ask_or_confirm(step, action, {**state.slots, **given.values}, identity, given.errors)

    def _confirm(
        self,
        step: Step,
        action: ActionPlan,
        message: str,
        identity: Mapping[str, Any],
        match: IntentMatch,
    ) -> Step:
        state = step.state
        answer = phrases.yes_or_no(message)
        given = form.fill(message, action, identity=identity, proposed=_proposed(match, action)) if answer != "yes" or _says_more(message) else form.Fill()
        given = form.adjust(action, message, given, state.slots)
        # A bare yes or no answers the confirmation, whatever an engine makes of it (an LLM
        # may call another tool for "yes"); "no, show me my usage" says more and may switch.
        plain = answer is not None and not _says_more(message)
        if not plain and self._switches(match, action, answered=bool(given.values)):
            return self._switch(step, message, identity, match)
        changed = {name: value for name, value in given.values.items() if state.slots.get(name) != value}
        if answer == "yes" and not changed and _qualified(message):
            # "yes but for the other project": not a yes to this request. The slot it points
            # at is asked again; with none, the confirmation is.
            pointed = form.referenced(action, message)
            if pointed is not None:
                kept = {name: value for name, value in state.slots.items() if name != pointed.name}
                return self._ask_or_confirm(step, action, kept, identity, {})
            answer = None
        if answer == "yes" and not changed and not given.errors:
            claims = form.claims(action, identity)
            if not claims.complete:
                return self._refuse(step, action, claims.missing)
            return self._execute(step, identity)
        for reason in given.errors.values():
            step.say(wording.sentence(reason))
        if changed:
            # "wait, no, proj_8f2k1" and "make it 100 instead" correct the request: the customer
            # confirms the corrected one, never the one they just said no to.
            step.say(phrases.CORRECTED)
        if given.values or given.errors:  # the same value again: confirm it again, never decline
            return self._ask_or_confirm(step, action, {**state.slots, **changed}, identity, {})
        if answer == "no":
            step.state = state.idle(
                memory=memory.remember(state.memory, self._project, action, state.slots)
            )
            step.say(phrases.DECLINED)
            step.outcome = "cancelled"
            return self._next_request(step, identity)
        question = f"{phrases.ASK_YES_NO} {wording.confirmation(action, step.slots, identity)}"
        step.choices = clarify.YES_NO
        return self._retry(step, state, "", question)

    # -- transitions ----------------------------------------------------------------------

    def _ask_or_confirm(
        self,
        step: Step,
        action: ActionPlan,
        slots: dict[str, Any],
        identity: Mapping[str, Any],
        errors: Mapping[str, str],
    ) -> Step:
        """Ask for the next missing slot, else confirm, else run."""
        state = step.state
        step.slots = form.values(action, slots, identity)
        missing = form.next_missing(action, slots)
        if missing is not None:
            again = state.expecting == missing.name
            attempts = state.attempts if again else 0
            remembered = None if again else memory.recall(state.memory, missing)
            step.state = replace(
                state, status="collecting", action=action.name, slots=slots,
                expecting=missing.name, attempts=attempts, offered=remembered,
            )
            if remembered is not None:
                step.choices = clarify.YES_NO
                step.say(phrases.offer_again(remembered))
                return step
            question = wording.prompt(missing, step.slots, identity)
            reason = errors.get(missing.name)
            step.say(f"{wording.sentence(reason)} {question}" if reason else question)
            return step
        step.state = replace(state, action=action.name, slots=slots, expecting=None, attempts=0)
        if action.confirm is None:
            return self._execute(step, identity)
        step.request = self._preview(step, action, identity)
        confirmed = None if step.request is None else request_digest(step.request)
        step.state = replace(step.state, status="confirming", confirmed=confirmed)
        step.choices = clarify.YES_NO
        step.say(wording.confirmation(action, step.slots, identity))
        return step

    def _execute(self, step: Step, identity: Mapping[str, Any]) -> Step:
        assert step.action is not None
        key = self._next_run_key(step.state, step.action, step.slots)
        if approval.needed(step.action, step.slots, identity):
            parked = approval.park(self._project, step.action, step.slots, identity, key)
            if parked is not None:
                return self._park(step, parked)
        step.state = replace(step.state, status="executing", sequence=step.state.sequence + 1, run_key=key)
        step.run = True
        return step

    def _park(self, step: Step, parked: approval.Parked) -> Step:
        """Wait for a teammate instead of running; the run's number is taken, so its key stays its own."""
        step.request = dict(parked.preview)
        step.parked = parked
        step.state = replace(step.state, sequence=step.state.sequence + 1)
        return self._hand_over(step, approval.REASON, approval.requested(parked.reason))

    def approved(self, state: ConversationState, parked: approval.Parked) -> Step:
        """A teammate approved the parked run: run it now, its first request exactly as parked."""
        action = self._project.action(parked.action)
        assert action is not None  # the caller checked `approval.outdated`
        step = Step(state=state, intent=action.name, confidence=state.confidence, action=action)
        step.slots = dict(parked.slots)
        step.state = replace(
            state, status="executing", action=action.name, handoff_reason=None, run_key=parked.run_key,
            confirmed=parked.digest,
        )
        step.run = True
        step.first = approval.prepared(self._project, parked)
        return step

    def rejected(self, state: ConversationState, parked: approval.Parked, reason: str) -> Step:
        """A teammate rejected the parked run: nothing is sent; the customer hears why."""
        step = Step(state=state.idle(handoff_reason=None), intent=parked.action, confidence=state.confidence)
        step.runs.append(approval.unsent_run(parked, "rejected", reason))
        step.say(approval.rejected(reason))
        step.outcome = "cancelled"
        return step

    def _withdraw(self, step: Step) -> Step:
        """The customer cancels the request a teammate has yet to approve: nothing is sent.

        The dialogue does not hold the parked run; the server withdraws the approval it keeps,
        in the transaction that saves this turn, and refuses the turn if a teammate decided first.
        """
        step.state = step.state.idle(handoff_reason=None, queue=())
        step.withdrawn = True
        step.say(approval.WITHDRAWN)
        step.outcome = "cancelled"
        return step

    def _preview(self, step: Step, action: ActionPlan, identity: Mapping[str, Any]) -> dict[str, Any] | None:
        """The request the next run of `action` would send now, keyed as that run will be."""
        key = self._next_run_key(step.state, action, step.slots)
        return wording.preview(action, self._project.upstream, step.slots, identity, key)

    @staticmethod
    def _next_run_key(state: ConversationState, action: ActionPlan, slots: Mapping[str, Any]) -> str:
        """The key the next run of this conversation gets: shown in the preview, sent by the run."""
        return run_key(state.conversation_id or "", state.sequence + 1, action.name, slots)

    def _retry(self, step: Step, state: ConversationState, reason: str, question: str) -> Step:
        """A failed answer: ask again with the reason, or hand over after too many."""
        attempts = state.attempts + 1
        if attempts >= self._project.server.max_slot_attempts:
            return self._hand_over(step, "too_many_attempts", phrases.HANDOFF_AFTER_ATTEMPTS)
        step.state = replace(state, attempts=attempts)
        step.say(f"{reason} {question}".strip())
        return step

    def _switch(
        self, step: Step, message: str, identity: Mapping[str, Any], match: IntentMatch
    ) -> Step:
        carried = dict(step.state.slots)
        step.state = step.state.idle()
        new = self._project.action(match.name or "")
        assert new is not None
        step.say(f"OK, let's leave that. Switching to: {phrases.summary(new)}.")
        return self._start(step, message, identity, match, carried)

    def _refuse(self, step: Step, action: ActionPlan, claims: tuple[str, ...]) -> Step:
        needed = " and ".join(claim.replace("_", " ") for claim in claims)
        step.state = step.state.idle()
        step.slots = {}
        step.say(
            f"I can't {phrases.describe(action)} here: it needs your {needed} from your "
            "signed-in account, and I don't have it. Please sign in and try again, "
            "or ask to talk to a person."
        )
        step.outcome = "failed"
        return step

    def _out_of_scope(self, step: Step) -> Step:
        count = step.state.out_of_scope + 1
        step.intent, step.action = None, None
        step.state = step.state.idle(out_of_scope=count)
        if count >= self._project.server.max_out_of_scope:
            return self._hand_over(step, "out_of_scope", phrases.HANDOFF_AFTER_OUT_OF_SCOPE)
        step.state = replace(step.state, offered_human=True)
        step.say(phrases.out_of_scope_reply(self._project.actions))
        step.outcome = "out_of_scope"
        return step

    def _cancel(self, step: Step, action: ActionPlan | None, text: str = phrases.CANCELLED) -> Step:
        step.state = step.state.idle(queue=())  # "never mind" drops what was queued too
        if action is None:
            step.say(phrases.NOTHING_TO_CANCEL)
            return step
        step.action = action
        step.say(text)
        step.outcome = "cancelled"
        return step

    def _hand_over(self, step: Step, reason: str, text: str) -> Step:
        step.state = step.state.idle(status="handoff", handoff_reason=reason, queue=())
        step.choices = ()
        step.handoff_reason = reason
        step.outcome = "handoff"
        step.say(text)
        return step

    def _answer_aside(self, step: Step, action: ActionPlan, text: str, identity: Mapping[str, Any]) -> Step:
        """Answer a question asked in the middle of a form, then ask the pending question again.

        "wait, what does pro cost?" while confirming a plan change is a question to answer,
        not a "no": the form and its slots stay as they were.
        """
        step.say(text)
        if step.state.status == "collecting" and step.state.expecting:
            slot = action.slot(step.state.expecting)
            if slot is not None:
                step.say(wording.prompt(slot, step.slots, identity))
        elif step.state.status == "confirming":
            step.request = self._preview(step, action, identity)
            step.choices = clarify.YES_NO
            step.say(wording.confirmation(action, step.slots, identity))
        return step

    def _small_talk(self, step: Step, builtin: str) -> Step:
        """The built-in intents with nothing in progress: they never count as out of scope."""
        actions = self._project.actions
        step.state = replace(step.state, out_of_scope=0)
        if builtin == "greeting":
            step.say(phrases.greeting_reply(actions))
        elif builtin == "capabilities":
            step.say(phrases.capabilities(actions))
        elif builtin == "goodbye":
            step.state = replace(step.state, queue=())
            step.say(phrases.GOODBYE)
        else:
            step.say(phrases.WELCOME)
        return step

    def _clarify(self, step: Step, message: str, choices: tuple[str, ...], confidence: float) -> Step:
        """Ask which action was meant; the message is held to fill the chosen one's slots."""
        step.intent, step.action = None, None
        step.state = step.state.idle(choices=choices, held=message[:MAX_HELD], confidence=confidence)
        step.choices = clarify.labels(self._project, choices)
        step.say(clarify.question(self._project, choices))
        return step

    def _answer_choice(
        self, step: Step, asked: ConversationState, message: str, identity: Mapping[str, Any], match: IntentMatch
    ) -> Step | None:
        """The customer's answer to the "Did you mean ...?" of state `asked`; None when the
        message is not one."""
        choices, held = asked.choices, asked.held or message
        picked = clarify.pick(self._project, choices, message, match)
        if picked is None:
            return None
        if picked == "none":
            step.say(phrases.HUMAN_DECLINED)
            return step
        if picked == "again":
            return self._clarify(step, held, choices, asked.confidence)
        # The customer said which: as sure as the match that asked, or the threshold it missed.
        chosen = IntentMatch(choices[picked], asked.confidence, (), match.threshold)
        action = self._project.action(choices[picked])
        # "yes but for proj_8f2k1": what the answer says wins over the held message
        said = form.fill(message, action, identity=identity).values if action and _says_more(message) else {}
        return self._start(step, held, identity, chosen, clarified=True, override=said)

    def _start_several(
        self, step: Step, identity: Mapping[str, Any], requests: tuple[tuple[str, IntentMatch], ...]
    ) -> Step:
        """Start the first of several requests made in one message and queue the others."""
        (first_text, first), *rest = requests
        queued = tuple((match.name or "", text) for text, match in rest)
        step.state = replace(step.state, queue=queued)
        actions = [self._project.action(match.name or "") for _, match in requests]
        step.say(phrases.several_requests([a for a in actions if a is not None]))
        return self._start(step, first_text, identity, first)

    def _next_request(self, step: Step, identity: Mapping[str, Any]) -> Step:
        """After an action ends (done, failed or declined), start the next one queued."""
        state = step.state
        if state.status != "idle" or not state.queue:
            return step
        (name, text), *rest = state.queue
        step.state = replace(state, queue=tuple(rest))
        action = self._project.action(name)
        if action is None:  # gone in a reload
            return self._next_request(step, identity)
        step.say(phrases.next_request(action))
        return self._start(step, text, identity, IntentMatch(name, 1.0, (), 0.0), clarified=True)

    def _answer_offer(
        self,
        step: Step,
        action: ActionPlan,
        slot: SlotPlan,
        message: str,
        identity: Mapping[str, Any],
        match: IntentMatch,
    ) -> Step:
        """The answer to "For proj_8f2k1 again?": yes takes it, a value replaces it, no asks."""
        state = step.state
        answer = phrases.yes_or_no(message)
        if answer == "yes" and not _says_more(message):
            step.state = replace(state, offered=None)
            return self._ask_or_confirm(step, action, {**state.slots, slot.name: state.offered}, identity, {})
        given = form.fill(message, action, expecting=slot.name, identity=identity, proposed=_proposed(match, action))
        if self._switches(match, action, answered=bool(given.values)):
            return self._switch(step, message, identity, match)
        value = given.values.get(slot.name)
        if given.values and not (answer == "no" and value == message.strip()):
            step.state = replace(state, offered=None)
            return self._ask_or_confirm(step, action, {**state.slots, **given.values}, identity, given.errors)
        step.state = replace(state, offered=None)
        if answer == "no":
            step.say(wording.prompt(slot, step.slots, identity))
            return step
        return self._retry(step, step.state, wording.sentence(given.errors.get(slot.name)), wording.prompt(slot, step.slots, identity))

    # -- words ----------------------------------------------------------------------------

    def _aside(self, match: IntentMatch, action: ActionPlan) -> ActionPlan | None:
        """A clear question that a plain `answer:` action covers, asked mid-form."""
        if not self._switches(match, action, answered=False):
            return None
        other = self._project.action(match.name or "")
        return other if other is not None and other.answer is not None and not other.steps else None

    def _switches(self, match: IntentMatch, action: ActionPlan, *, answered: bool) -> bool:
        """A clear request for a different action than the one in progress."""
        bar = SWITCH_CONFIDENCE_ANSWERED if answered else SWITCH_CONFIDENCE
        return (
            match.name is not None
            and match.name != action.name
            and match.confidence >= bar
            and self._project.action(match.name) is not None
        )


def _answer(result: UpstreamResult) -> dict[str, Any]:
    """The upstream's answer as a turn may show it: status, headers without credentials, body."""
    return {"status": result.status, "headers": redact_headers(result.headers), "body": result.body}


def _proposed(match: IntentMatch, action: ActionPlan) -> Mapping[str, Any]:
    """The values the match proposes for `action`'s slots: none when it is about another."""
    return match.arguments if match.name == action.name else {}


def _says_more(message: str) -> bool:
    """Whether a yes or no also carries something else ("yes, but for 12 hours", "yes but $25")."""
    return len(phrases.normalise(message).split()) > 3 or _qualified(message)


def _qualified(message: str) -> bool:
    """Whether a yes comes with a "but", "only" or "instead": the customer wants something changed."""
    return bool(_CONTRAST.search(phrases.normalise(message)))


_CONTRAST = re.compile(r"\b(?:but|except|only|instead|though|however|rather|other|another|different)\b")
