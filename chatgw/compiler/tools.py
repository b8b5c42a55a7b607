"""Tool definitions: each compiled action as a tool an LLM agent may call.

A pure projection of the compiled plans, shared by `chatgw tools`, the MCP server and the LLM
intent engine, so every surface offers the same tools with the same constraints:

- the input schema holds the slots a customer's message fills, typed and constrained as the
  spec says; identity-bound and literal slots are never inputs (an agent cannot name another
  customer), and no other property is allowed;
- the output schema holds the answer fields the action's success replies read (`response.body.x`,
  `steps.<as>.body.x`), and nothing else of the answer: what the reply never shows, an agent
  never sees either (`pick_output` cuts an answer down to it);
- the hints (read-only, destructive, idempotent) come from the HTTP methods and the config.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from chatgw.compiler.plans import HANDOFF, ActionPlan, CallPlan, ProjectPlan, SlotPlan
from chatgw.compiler.templates import analyse
from chatgw.openapi import schema as schemas
from chatgw.openapi.model import Operation

__all__ = ["ToolDefinition", "pick_output", "tool_definitions"]

_NAME_LIMIT = 64  # MCP clients and chat-completion APIs accept ^[A-Za-z0-9_-]{1,64}$
_DEPTH_LIMIT = 8  # an answer schema copied deeper than this is "anything"
_OVERWRITES = frozenset({"PUT", "PATCH", "DELETE"})  # POST is taken to add (MCP: not destructive)
_REPEATABLE = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})  # idempotent by HTTP semantics

FieldPath = tuple[str, ...]  # ("response", "body", "balance") or ("steps", "usage", "body", "calls")


@dataclass(frozen=True, slots=True)
class ToolDefinition:
    """One action as a tool: what an agent sees, and the hints clients show."""

    name: str  # a valid tool name; the action's name where it already is one
    action: str  # the compiled action it runs
    title: str
    description: str
    input_schema: Mapping[str, Any]
    output_schema: Mapping[str, Any]
    methods: tuple[str, ...]  # HTTP methods of its requests, in step order; () for `answer:` actions
    read_only: bool  # no request can change anything upstream
    destructive: bool  # may overwrite, remove or revoke (not only add)
    idempotent: bool  # repeating a call with the same arguments changes nothing more
    confirm: bool  # the server asks for confirmation before it runs
    output_fields: tuple[FieldPath, ...] = field(default=())  # what `pick_output` keeps

    def as_json(self) -> dict[str, Any]:
        """The definition as plain JSON data (the shape `chatgw tools --format json` prints)."""
        return {
            "name": self.name,
            "action": self.action,
            "title": self.title,
            "description": self.description,
            "input_schema": self.input_schema,
            "output_schema": self.output_schema,
            "methods": list(self.methods),
            "read_only": self.read_only,
            "destructive": self.destructive,
            "idempotent": self.idempotent,
            "confirm": self.confirm,
        }


def tool_definitions(project: ProjectPlan) -> tuple[ToolDefinition, ...]:
    """One tool per compiled action, in the project's order, with distinct names."""
    taken: set[str] = set()
    tools = []
    for action in project.actions:
        name = _unique(_tool_name(action.name), taken)
        taken.add(name)
        tools.append(_tool(action, name))
    return tuple(tools)


def pick_output(fields: Sequence[FieldPath], answers: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of a run's answers that `fields` name, nested as the templates read them.

    `answers` holds "response" and "steps" as the reply templates see them; a field that is
    absent from the answer is left out.
    """
    picked: dict[str, Any] = {}
    for path in fields:
        found, value = _follow(answers, path)
        if not found:
            continue
        target = picked
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = value
    return picked


# -- one tool ------------------------------------------------------------------------------


def _tool(action: ActionPlan, name: str) -> ToolDefinition:
    methods = tuple(step.operation.method for step in action.steps)
    changes = action.changes_state
    fields = _output_fields(action)
    return ToolDefinition(
        name=name,
        action=action.name,
        title=_title(action.description),
        description=_description(action),
        input_schema=_input_schema(action.slots),
        output_schema=_output_schema(action, fields),
        methods=methods,
        read_only=not changes,
        destructive=any(method in _OVERWRITES for method in methods),
        idempotent=all(method in _REPEATABLE for method in methods),
        confirm=changes or action.confirm is not None,
        output_fields=fields,
    )


def _description(action: ActionPlan) -> str:
    text = action.description.strip()
    if action.examples:
        text += "\n\nCustomers ask for it like this:\n" + "\n".join(f"- {example}" for example in action.examples)
    return text


def _title(description: str) -> str:
    """The description's first sentence, as a short display name."""
    first = re.split(r"(?<=[.!?])\s", description.strip(), maxsplit=1)[0]
    return first.rstrip(".")


def _tool_name(action: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", action).strip("_") or "action"
    return name[:_NAME_LIMIT]


def _unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    number = 2
    while True:
        suffix = f"_{number}"
        candidate = name[: _NAME_LIMIT - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        number += 1


# -- the input schema: message-filled slots ------------------------------------------------


def _input_schema(slots: Sequence[SlotPlan]) -> dict[str, Any]:
    inputs = [slot for slot in slots if slot.source == "message"]
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {slot.name: _slot_schema(slot) for slot in inputs},
        "additionalProperties": False,
    }
    required = [slot.name for slot in inputs if slot.required]
    if required:
        schema["required"] = required
    return schema


def _slot_schema(slot: SlotPlan) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": slot.type}
    description = slot.description or slot.prompt
    if description:
        schema["description"] = description
    if slot.enum is not None:
        schema["enum"] = list(slot.enum)
    if slot.pattern is not None:
        schema["pattern"] = slot.pattern
    if slot.format is not None:
        schema["format"] = slot.format
    if slot.minimum is not None:
        schema["exclusiveMinimum" if slot.exclusive_minimum else "minimum"] = _number(slot.minimum)
    if slot.maximum is not None:
        schema["exclusiveMaximum" if slot.exclusive_maximum else "maximum"] = _number(slot.maximum)
    if slot.min_length is not None:
        schema["minLength"] = slot.min_length
    if slot.max_length is not None:
        schema["maxLength"] = slot.max_length
    return schema


def _number(value: float) -> int | float:
    """1.0 -> 1: bounds read from YAML as floats print as the integers they are."""
    return int(value) if float(value).is_integer() else value


# -- the output schema: the answer fields the replies read ---------------------------------


def _output_fields(action: ActionPlan) -> tuple[FieldPath, ...]:
    """Every answer field a success reply reads, cut at the first array (its items are read
    through loop variables the analysis cannot follow), in the order first read."""
    found: dict[FieldPath, None] = {}
    for template in _success_replies(action):
        for reference in analyse(template).references:
            path = _answer_path(reference.parts, action)
            if path is not None:
                found.setdefault(path, None)
    # A field inside one already kept whole adds nothing.
    paths = list(found)
    return tuple(path for path in paths if not any(path[: len(other)] == other and path != other for other in paths))


def _success_replies(action: ActionPlan) -> list[str]:
    reply = action.reply
    templates = [reply.ok, *(text for status, text in reply.by_status.items() if 200 <= status < 300)]
    templates += [reply.by_class.get("2xx"), reply.default]
    return [text for text in templates if text is not None and text != HANDOFF]


def _answer_path(parts: tuple[str, ...], action: ActionPlan) -> FieldPath | None:
    """The read as a field path, stopped at the first array; None when it reads no answer."""
    located = _answer_of(parts, action)
    if located is None:
        return None
    root, body = located
    rest = parts[len(root) :]
    if not rest:
        return None  # `response` or `steps.x` itself: not a field
    if rest[0] != "body":
        return (*root, rest[0]) if rest[0] in ("status", "headers") and len(rest) <= 2 else None
    kept = [*root, "body"]
    schema: Any = _body_schema(body)
    for part in rest[1:]:
        if schemas.type_name(schema) == "array":
            break
        schema = schemas.at_path(schema, [part])
        if schema is None:
            break  # the compiler reported it; keep what exists
        kept.append(part)
    return tuple(kept)


def _answer_of(parts: tuple[str, ...], action: ActionPlan) -> tuple[FieldPath, Operation | None] | None:
    """Which answer a read starts at: (its root parts, the operation that gave it)."""
    if parts[:1] == ("response",):
        last = action.steps[-1] if action.steps else None
        return ("response",), None if last is None else last.operation
    if parts[:1] == ("steps",) and len(parts) > 1:
        step = _step(action, parts[1])
        return ("steps", parts[1]), None if step is None else step.operation
    return None


def _step(action: ActionPlan, name: str) -> CallPlan | None:
    return next((step for step in action.steps if step.name == name), None)


def _body_schema(operation: Operation | None) -> Mapping[str, Any]:
    success = operation.success_response() if operation is not None else None
    return success.schema if success is not None and success.schema is not None else {}


def _output_schema(action: ActionPlan, fields: Sequence[FieldPath]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for path in fields:
        node = tree
        for part in path:
            node = node.setdefault(part, {})
    return _object(tree, (), action)


def _object(tree: Mapping[str, Any], at: FieldPath, action: ActionPlan) -> dict[str, Any]:
    """The schema of one level of the output tree; leaves are the answer's own schemas."""
    properties: dict[str, Any] = {}
    for name, below in tree.items():
        path = (*at, name)
        properties[name] = _object(below, path, action) if below else _leaf(path, action)
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    required = [name for name in tree if _required(action, (*at, name))]
    if required:
        schema["required"] = required
    return schema


def _leaf(path: FieldPath, action: ActionPlan) -> dict[str, Any]:
    located = _answer_of(path, action)
    assert located is not None
    root, operation = located
    rest = path[len(root) :]
    if rest[0] == "status":
        return {"type": "integer"}
    if rest[0] == "headers":
        return {"type": "string"} if len(rest) == 2 else {"type": "object", "additionalProperties": {"type": "string"}}
    found = schemas.at_path(_body_schema(operation), list(rest[1:]))
    return _tree(found if found is not None else {}, (), 0)


def _required(action: ActionPlan, path: FieldPath) -> bool:
    """Whether every success answer holds the field (a body, or a property the spec requires)."""
    if path in (("response",), ("steps",)):
        return path == ("response",)  # a step may be skipped by its `when:`
    located = _answer_of(path, action)
    assert located is not None
    root, operation = located
    rest = path[len(root) :]
    if not rest:
        return False
    if rest[0] != "body" or len(rest) == 1:
        return rest[0] in ("status", "body")
    parent = schemas.at_path(_body_schema(operation), list(rest[1:-1]))
    return parent is not None and rest[-1] in schemas.required(parent)


def _tree(schema: Any, ancestors: tuple[int, ...], depth: int) -> Any:
    """A JSON copy of a spec schema: a cycle, or a level past the limit, becomes "anything";
    vendor extensions are left out."""
    if isinstance(schema, Mapping):
        if id(schema) in ancestors or depth > _DEPTH_LIMIT:
            return {}
        inner = (*ancestors, id(schema))
        return {key: _tree(value, inner, depth + 1) for key, value in schema.items() if not str(key).startswith("x-")}
    if isinstance(schema, (list, tuple)):
        return [_tree(value, ancestors, depth + 1) for value in schema]
    return schema


def _follow(value: Any, path: FieldPath) -> tuple[bool, Any]:
    for part in path:
        if not isinstance(value, Mapping) or part not in value:
            return False, None
        value = value[part]
    return True, value
