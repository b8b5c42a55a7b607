"""Approvals: a confirmed run that a teammate must approve before its request leaves.

When an action's `approval:` applies, the dialogue parks the run instead of running it: its
first request, rendered as it will be sent (Idempotency-Key included, credentials not), with
the redacted preview and the preview's digest. The server keeps it with a handoff of kind
`approval`; approving runs the action with exactly that request (the guard checks the digest,
the journal writes it ahead as for any confirmed run), rejecting sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

from chatgw.compiler.plans import ActionPlan, ProjectPlan
from chatgw.engine import wording
from chatgw.engine.turn import ActionRun
from chatgw.errors import RenderError
from chatgw.runtime import PreparedRequest, request_digest
from chatgw.runtime.render import is_true
from chatgw.runtime.request import within_upstream

REASON = "approval"  # the handoff reason, and the kind of the handoff
WAITING = (
    "Your request is waiting for a teammate's approval. Nothing has been sent yet; "
    "their answer will appear here in this chat."
)
WITHDRAWN = (
    "OK, I've withdrawn your request before anyone approved it: nothing was sent and nothing was changed. "
    "Anything else I can help with?"
)


@dataclass(frozen=True, slots=True)
class Parked:
    """A confirmed run waiting for a teammate's decision."""

    action: str
    operation: str
    run_key: str
    request: Mapping[str, Any]  # the first request as it will be sent, without credentials
    preview: Mapping[str, Any]  # the same, redacted, as the customer confirmed it
    digest: str  # request_digest(preview): what the guard checks before sending
    slots: Mapping[str, Any]  # every value the run had when it was confirmed
    reason: str | None  # the action's approval.reason, rendered

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action, "operation": self.operation, "run_key": self.run_key,
            "request": dict(self.request), "preview": dict(self.preview), "digest": self.digest,
            "slots": dict(self.slots), "reason": self.reason,
        }

    def view(self) -> dict[str, Any]:
        """As the packet, the inbox and the webhook show it: never the sendable request."""
        return {
            "action": self.action, "operation": self.operation, "request": dict(self.preview),
            "request_hash": self.digest, "reason": self.reason, "status": "pending",
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Parked:
        return cls(
            action=data["action"], operation=data["operation"], run_key=data["run_key"],
            request=dict(data["request"]), preview=dict(data["preview"]), digest=data["digest"],
            slots=dict(data.get("slots") or {}), reason=data.get("reason"),
        )


def needed(action: ActionPlan, slots: Mapping[str, Any], identity: Mapping[str, Any]) -> bool:
    """Whether a run of `action` with these values needs a teammate's approval first.

    A `when:` that cannot be evaluated (a value it reads is missing) asks for approval: when
    in doubt, a person looks.
    """
    approval = action.approval
    if approval is None:
        return False
    if approval.when is None:
        return True
    try:
        return is_true(approval.when, wording.context(slots, identity))
    except RenderError:
        return True


def park(
    project: ProjectPlan, action: ActionPlan, slots: Mapping[str, Any], identity: Mapping[str, Any], run_key: str
) -> Parked | None:
    """The run named `run_key`, parked; None when its first request cannot be built (the run
    then fails as it would, having sent nothing)."""
    request = wording.first_request(action, project.upstream, slots, identity, run_key)
    if request is None:
        return None
    preview = request.preview()
    reason = action.approval.reason if action.approval is not None else None
    return Parked(
        action=action.name, operation=request.operation, run_key=run_key,
        request={
            "method": request.method, "url": request.url, "headers": dict(request.headers),
            "body": request.body, "media_type": request.media_type, "idempotency_key": request.idempotency_key,
        },
        preview=preview, digest=request_digest(preview), slots=dict(slots),
        reason=None if reason is None else wording.render_or(reason, wording.context(slots, identity)),
    )


def outdated(project: ProjectPlan, parked: Parked) -> str | None:
    """Why the parked request can no longer be sent under `project` (reloaded since); None when it can."""
    action = project.action(parked.action)
    if action is None:
        return f"the action '{parked.action}' no longer exists (the configuration was reloaded); nothing was sent"
    if _operation(action, parked.operation) is None:
        return (
            f"the action '{parked.action}' no longer calls {parked.operation} (the configuration was reloaded); "
            "nothing was sent"
        )
    if not within_upstream(parked.request["url"], project.upstream.base_url):
        return "the upstream's base_url changed since this request was confirmed; nothing was sent"
    return None


def prepared(project: ProjectPlan, parked: Parked) -> PreparedRequest:
    """The parked request, ready for the sender (check `outdated` first)."""
    action = project.action(parked.action)
    assert action is not None
    request = parked.request
    return PreparedRequest(
        method=request["method"], url=request["url"], headers=MappingProxyType(dict(request["headers"])),
        body=request["body"], media_type=request["media_type"], operation=parked.operation,
        idempotency_key=request["idempotency_key"], spec=_operation(action, parked.operation),
    )


def requested(reason: str | None) -> str:
    """What the customer is told when their confirmed request is parked."""
    why = f"{wording.sentence(reason)} " if reason else ""
    return (
        f"{why}I've passed your request to a teammate for approval; nothing has been sent yet. "
        "Their answer will appear here in this chat."
    )


def unsent_run(parked: Parked, outcome: str, error: str | None = None) -> ActionRun:
    """The record of a parked run that ends without being sent (`rejected`, `withdrawn`)."""
    return ActionRun(
        parked.action, parked.operation, outcome, request=dict(parked.preview), run_key=parked.run_key,
        idempotency_key=parked.request.get("idempotency_key"), error=error,
    )


def rejected(reason: str) -> str:
    """What the customer is told when a teammate rejects the parked request."""
    return f"A teammate reviewed your request and didn't approve it, so nothing was changed: {wording.sentence(reason)}"


def _operation(action: ActionPlan, name: str) -> Any:
    for call in action.steps:
        if (call.operation.operation_id or call.operation.key) == name:
            return call.operation
    return None

