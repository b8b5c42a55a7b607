"""Run a compiled action: its steps in order, then the reply mapped from the last answer."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal, Mapping

from chatgw.compiler.plans import ActionPlan, UpstreamPlan
from chatgw.errors import RenderError, UpstreamError
from chatgw.runtime import reply as replies
from chatgw.runtime.render import is_true, render_text
from chatgw.runtime.request import PreparedRequest, prepare_request
from chatgw.runtime.send import Sender, UpstreamResult

Outcome = Literal["ok", "failed", "invalid", "unreachable", "handoff"]


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
) -> ActionOutcome:
    """Run `action` with the collected slots; never raises for a user-caused problem."""
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
    for step in action.steps:
        try:
            if step.when is not None and not is_true(step.when, context):
                continue
            request = prepare_request(step, upstream, context)
        except RenderError as error:
            return finish("invalid", None, replies.Reply(str(error)), str(error))
        try:
            result = await sender.send(request)
        except UpstreamError as error:
            steps.append(StepResult(step.name, request, None))
            reply = replies.reply_for(action.reply.default, context, replies.UNREACHABLE)
            return finish("unreachable", None, reply, str(error))
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
