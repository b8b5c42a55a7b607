"""An agent's tool arguments as slot values: the same typed checks as a customer's answer.

Only message-filled slots take arguments. An argument naming an identity-bound slot (or its
claim) or a literal one is refused, never ignored, so an agent that tries to act for another
customer learns that it cannot; identity slots take the verified claims only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from chatgw.compiler.plans import ActionPlan
from chatgw.engine import form
from chatgw.errors import ChatgwError
from chatgw.nlu.slots import check_slot_value

CONFIRMATION = "confirmation"  # the argument that carries a confirmation token


class ArgumentError(ChatgwError):
    """The arguments cannot be used: what is wrong with each, and how to call the tool instead."""


@dataclass(frozen=True, slots=True)
class Arguments:
    given: dict[str, Any]  # the message-filled slots, checked and coerced
    slots: dict[str, Any]  # every slot value: literals, verified claims, then `given`
    claims: dict[str, Any]  # the identity-bound slots, from the verified claims
    identity: dict[str, Any]  # every verified claim, as templates see `identity`


def read_arguments(action: ActionPlan, tool: str, arguments: Mapping[str, Any], identity: Mapping[str, Any]) -> Arguments:
    """Check `arguments` (without `confirmation`) against the action's slots; ArgumentError says
    every problem at once."""
    problems: list[str] = []
    given: dict[str, Any] = {}
    inputs = {slot.name: slot for slot in form.message_slots(action)}
    bound = {slot.name: slot for slot in action.slots if slot.source == "identity"}
    bound_claims = {slot.claim or slot.name: slot for slot in bound.values()}
    for name, value in arguments.items():
        slot = inputs.get(name)
        if slot is None:
            problems.append(_not_an_input(action, tool, name, bound, bound_claims, list(inputs)))
            continue
        if value is None and not slot.required:
            continue
        coerced, reason = check_slot_value(slot, value)
        if reason is not None:
            problems.append(f"{name}: {reason}")
        else:
            given[name] = coerced
    missing = [slot.name for slot in inputs.values() if slot.required and slot.name not in given and slot.name not in arguments]
    if missing:
        problems.append(f"missing required argument{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
    resolved = form.claims(action, identity)
    if not resolved.complete:
        problems.append(
            f"your verified identity lacks the claim{'s' if len(resolved.missing) > 1 else ''} "
            f"{', '.join(resolved.missing)} that {tool} acts on; sign in with an identity that has "
            f"{'them' if len(resolved.missing) > 1 else 'it'}"
        )
    if problems:
        raise ArgumentError(f"{tool} was not called: " + "; ".join(problems) + ". Nothing was sent.")
    return Arguments(given, form.values(action, given, identity), dict(resolved.values), dict(identity))


def _not_an_input(
    action: ActionPlan, tool: str, name: str, bound: Mapping[str, Any], bound_claims: Mapping[str, Any], inputs: list[str]
) -> str:
    slot = bound.get(name) or bound_claims.get(name)
    if slot is not None:
        return (
            f"{name} is taken from the caller's verified identity (claim {slot.claim or slot.name}) "
            "and can never be set by an argument; leave it out"
        )
    literal = action.slot(name)
    if literal is not None and literal.source == "literal":
        return f"{name} is fixed by the action and cannot be set; leave it out"
    takes = ", ".join(inputs) if inputs else "no arguments"
    return f"{tool} has no argument {name} (it takes {takes})"
