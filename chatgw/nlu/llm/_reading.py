"""Reading a chat completion as a proposal, strictly: anything but a known tool with a JSON
object of arguments is a failure, never a guess."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from chatgw.compiler.tools import ToolDefinition

# Why a turn's model answer could not be used; each is a label of the fallback counter.
FAILURES = ("timeout", "unreachable", "status", "malformed", "unknown_tool")


@dataclass(frozen=True, slots=True)
class Proposal:
    """What the model proposes for one message: an action (None: none fits) and its arguments.

    `failure` (one of FAILURES) says the model gave no usable answer; then `action` is None
    and the caller must understand the message another way.
    """

    action: str | None = None
    arguments: Mapping[str, Any] = field(default_factory=dict)
    failure: str | None = None


def read_completion(completion: Any, tools: Sequence[ToolDefinition]) -> Proposal:
    """The proposal in a chat completion: its first tool call, or none when it called none."""
    choices = getattr(completion, "choices", None)
    if not choices:
        return Proposal(failure="malformed")
    message = getattr(choices[0], "message", None)
    calls = getattr(message, "tool_calls", None) if message is not None else None
    if not calls:
        return Proposal()  # the model answered in words: no action fits
    function = getattr(calls[0], "function", None)
    name = getattr(function, "name", None)
    tool = next((tool for tool in tools if tool.name == name), None)
    if tool is None:
        return Proposal(failure="unknown_tool" if isinstance(name, str) and name else "malformed")
    arguments = _arguments(getattr(function, "arguments", None))
    if arguments is None:
        return Proposal(failure="malformed")
    # Only the tool's inputs: an extra argument (an account id, say) is dropped, never used.
    inputs = tool.input_schema.get("properties", {})
    return Proposal(tool.action, {key: value for key, value in arguments.items() if key in inputs})


def _arguments(raw: Any) -> dict[str, Any] | None:
    """The arguments as a JSON object; None when they are not one."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {}
    if not isinstance(raw, str):
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
