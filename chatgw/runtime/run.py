"""Run a compiled action: its steps in order, then the reply mapped from the last answer."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal, Mapping, Protocol

from chatgw.compiler.plans import ActionPlan, UpstreamPlan
from chatgw.errors import RenderError, UpstreamError
from chatgw.runtime import reply as replies
from chatgw.runtime.keys import idempotency_key
from chatgw.runtime.render import is_true, render_text
from chatgw.runtime.request import PreparedRequest, prepare_request
from chatgw.runtime.send import Sender, UpstreamResult

# changed: the request differs from the one confirmed; unknown: it may have been sent before
# and its outcome was lost. Both are refused before sending and go to a human.
Outcome = Literal["ok", "failed", "invalid", "unreachable", "handoff", "changed", "unknown"]


# A blind repeat of these may apply twice (PUT and DELETE are idempotent by HTTP semantics).
_NOT_IDEMPOTENT = frozenset({"POST", "PATCH"})


class SendRefused(Exception):
    """Raised by a SendGuard: this request must not leave; the run goes to a human."""

    def __init__(self, outcome: Literal["changed", "unknown"], reason: str) -> None:
        super().__init__(reason)
        self.outcome = outcome
        self.reason = reason


class SendGuard(Protocol):
    """Sees every request of a run just before and just after it is sent.

    `before` may raise SendRefused; the server's guard writes a state-changing request ahead
    to the store there (and `after` its answer), so a crash in between is never a blind retry.
    """

    async def before(self, index: int, request: PreparedRequest) -> None: ...

    async def after(self, request: PreparedRequest, result: UpstreamResult | None, error: str | None) -> None: ...


@dataclass(frozen=True, slots=True)
class StepResult:
    name: str | None  # the step's `as:`
    request: PreparedRequest
    result: UpstreamResult | None  # None when the upstream could not be reached


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    """How an action ended, what to say, and every request made on the way."""

    outcome: Outcome
    status: int | None  # the last answer's status
    reply: str | None  # None when handing off
    handoff: bool
    steps: tuple[StepResult, ...]
    error: str | None
    latency_ms: float

    @property
    def requests(self) -> tuple[dict[str, Any], ...]:
        """Previews of the requests made, credentials redacted."""
        return tuple(step.request.preview() for step in self.steps)


async def run_action(
    action: ActionPlan,
    sender: Sender,
    upstream: UpstreamPlan,
    *,
    slots: Mapping[str, Any],
    identity: Mapping[str, Any],
    run_key: str | None = None,
    guard: SendGuard | None = None,
    first: PreparedRequest | None = None,
) -> ActionOutcome:
    """Run `action` with the collected slots; never raises for a user-caused problem.

    `run_key` names this run: step i's Idempotency-Key is derived from it, so a replay of
    the same run carries the same keys. `guard` sees each request before and after sending.
    `first` is sent as the run's first request instead of rendering it: a request rendered
    and approved earlier (an approval), whatever the templates say now.
    """
    started = time.perf_counter()
    context: dict[str, Any] = {
        "slots": dict(slots),
        "identity": dict(identity),
        "steps": {},
        "response": None,
    }
    steps: list[StepResult] = []

    def finish(
        outcome: Outcome, status: int | None, reply: replies.Reply, error: str | None = None
    ) -> ActionOutcome:
        return ActionOutcome(
            outcome="handoff" if reply.handoff and outcome in ("ok", "failed") else outcome,
            status=status,
            reply=reply.text,
            handoff=reply.handoff,
            steps=tuple(steps),
            error=error or reply.error,
            latency_ms=(time.perf_counter() - started) * 1000,
        )

    if action.answer is not None:
        try:
            return finish("ok", None, replies.Reply(render_text(action.answer, context)))
        except RenderError as error:
            return finish("invalid", None, replies.Reply(str(error)), str(error))

    last: UpstreamResult | None = None
    for index, step in enumerate(action.steps):
        try:
            if step.when is not None and not is_true(step.when, context):
                continue
            key = idempotency_key(run_key, index) if run_key is not None else None
            if first is not None and not steps:
                request = first
            else:
                request = prepare_request(step, upstream, context, idempotency_key=key)
        except RenderError as error:
            return finish("invalid", None, replies.Reply(str(error)), str(error))
        try:
            if guard is not None:
                await guard.before(index, request)
        except SendRefused as refused:
            steps.append(StepResult(step.name, request, None))
            return finish(refused.outcome, None, replies.Reply(None, handoff=True), refused.reason)
        try:
            result = await sender.send(request)
        except UpstreamError as error:
            steps.append(StepResult(step.name, request, None))
            if guard is not None:
                await guard.after(request, None, str(error))
            if request.method in _NOT_IDEMPOTENT and error.maybe_sent:
                # It may have been applied: never tell the customer to just try again.
                return finish("unknown", None, replies.Reply(None, handoff=True), str(error))
            reply = replies.reply_for(action.reply.default, context, replies.UNREACHABLE)
            return finish("unreachable", None, reply, str(error))
        if guard is not None:
            await guard.after(request, result, None)
        steps.append(StepResult(step.name, request, result))
        answer = {"status": result.status, "body": result.body, "headers": dict(result.headers)}
        if step.name is not None:
            context["steps"][step.name] = answer
        context["response"] = answer
        last = result
        if not _succeeded(result.status):
            break

    status = last.status if last is not None else None
    ok = status is None or _succeeded(status)
    template = replies.select(action.reply, status)
    reply = replies.reply_for(template, context, replies.DONE if ok else replies.FAILED)
    return finish("ok" if ok else "failed", status, reply)


def _succeeded(status: int) -> bool:
    return 200 <= status < 300
