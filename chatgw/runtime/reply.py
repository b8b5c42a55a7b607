"""What to tell the customer about an outcome: the action's reply template, or a plain sentence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from chatgw.compiler.plans import HANDOFF, ReplyPlan
from chatgw.errors import RenderError
from chatgw.runtime.render import render_text

DONE = "Done."
FAILED = "Sorry, I couldn't get that done. Please try again later, or ask to talk to a person."
UNREACHABLE = "Sorry, the service isn't answering right now. Please try again in a few minutes."


@dataclass(frozen=True, slots=True)
class Reply:
    text: str | None  # None when handing off
    handoff: bool = False
    error: str | None = None  # why the template could not be used, for the log


def reply_for(template: str | None, context: Mapping[str, Any], fallback: str) -> Reply:
    """Render `template` (a reply value of the plan); `fallback` when there is none or it fails.

    A reply that cannot be rendered (say the upstream left out a field it names) must not
    turn a done action into an error, so the customer gets the plain sentence instead.
    """
    if template is None:
        return Reply(fallback)
    if template.strip() == HANDOFF:
        return Reply(None, handoff=True)
    try:
        return Reply(render_text(template, context))
    except RenderError as error:
        return Reply(fallback, error=f"reply not rendered: {error}")


def select(plan: ReplyPlan, status: int | None) -> str | None:
    """The plan's reply for `status`; None (nothing was sent) counts as success."""
    if status is None:
        return plan.ok if plan.ok is not None else plan.default
    return plan.select(status)
