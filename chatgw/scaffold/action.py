"""One action file from one OpenAPI operation: slots, call, confirmation and reply.

Every choice here aims at a file `chatgw validate` accepts as it is (warnings aside: its
intent examples are placeholders, flagged by CGW403, and ids typed by the customer are not yet
tied to the identity, flagged by CGW505), which the operator then edits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import yaml

from chatgw.openapi import schema as schemas
from chatgw.openapi.model import Operation, Parameter
from chatgw.scaffold._text import human, is_identifier, plain, snake_case, unique

# A parameter or field with one of these names (an `x_` prefix aside) is who the customer is:
# it comes from the signed identity, never from what is typed in the chat.
IDENTITY_CLAIMS = frozenset({"customer_id", "account_id", "tenant_id"})

# Fields of a success response worth showing the customer, best first.
REPLY_FIELDS = (
    "name",
    "friendly_name",
    "title",
    "email",
    "phone_number",
    "id",
    "sid",
    "status",
    "state",
    "total_count",
)
_MAX_REPLY_FIELDS = 3
_MAX_DEPTH = 8
_SCALARS = ("string", "integer", "number", "boolean")
_PARAMETER_SECTIONS = (("path", "path"), ("query", "query"), ("header", "headers"))


def action_name(operation: Operation) -> str:
    """The file stem for an operation: its operationId in snake_case, else method and path."""
    if operation.operation_id:
        return snake_case(operation.operation_id)
    return snake_case(f"{operation.method} {operation.path}")


def scaffold_action(operation: Operation, name: str | None = None) -> str:
    """The YAML text of an action that calls `operation`."""
    return _Builder(operation, name or action_name(operation)).text()


@dataclass(slots=True)
class _Slot:
    name: str
    config: dict[str, Any]
    location: str  # path, query, header or body

    @property
    def from_message(self) -> bool:
        return "from" not in self.config


@dataclass(slots=True)
class _Builder:
    operation: Operation
    name: str
    slots: list[_Slot] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)

    def text(self) -> str:
        call = self._call()
        sections: list[tuple[str, Any]] = [
            ("description", self._description()),
            ("intent", {"examples": self._examples()}),
        ]
        if self.slots:
            sections.append(("slots", {slot.name: slot.config for slot in self.slots}))
        if self.operation.changes_state:
            sections.append(("confirm", self._confirm()))
        sections += [("call", call), ("reply", self._reply())]
        header = (
            f"# Scaffolded by `chatgw init` from {self.operation.operation_id or self.operation.key}"
            f" ({self.operation.key}).\n"
            "# Replace the TODO examples with what customers really write, check the prompts and\n"
            "# the reply, then run `chatgw validate`.\n"
        )
        return header + "".join(_dump({key: value}) for key, value in sections)

    # -- sections ---------------------------------------------------------------------------

    def _description(self) -> str:
        operation = self.operation
        text = plain(operation.summary) or plain(operation.description)
        # Braces would start a template in confirm:, which is built from this text.
        return text.rstrip(".") if text else f"Call {operation.method} {operation.path.replace('{', '').replace('}', '')}"

    def _examples(self) -> list[str]:
        words = self.name.replace("_", " ")
        details = [slot.name for slot in self.slots if slot.from_message]
        third = (
            f"TODO: a request to {words} that gives the {human(details[0])}"
            if details
            else f"TODO: a short way to ask to {words}"
        )
        return [
            f"TODO: how a customer asks to {words}",
            f"TODO: another way to ask to {words}",
            third,
        ]

    def _call(self) -> dict[str, Any]:
        operation = self.operation
        call: dict[str, Any] = {"operation": operation.operation_id or operation.key}
        for location, section in _PARAMETER_SECTIONS:
            values = {
                parameter.name: self._parameter_value(parameter)
                for parameter in operation.parameters
                if parameter.location == location and parameter.required
            }
            if values:
                call[section] = values
        body = operation.request_body
        if body is not None and (body.required or schemas.required(body.schema)):
            call["body"] = self._value(body.schema, "body", None, 0)
        return call

    def _confirm(self) -> str:
        details = ", ".join(
            f"{human(slot.name)}: {{{{ slots.{slot.name} }}}}" for slot in self.slots if slot.from_message
        )
        # Spec summaries are verbs ("Revoke the key") as often as nouns ("A payment link"),
        # so the sentence is built to read right either way.
        return self._description() + (f" ({details})" if details else "") + ". Shall I go ahead?"

    def _reply(self) -> dict[Any, str]:
        operation = self.operation
        success = operation.success_response()
        shown = _reply_fields(success.schema if success is not None else None)
        lead = "Done." if operation.changes_state else "Here's what I found."
        ok = "Done."
        if shown:
            needed = schemas.required(success.schema) if success is not None and success.schema else ()
            listed = ", ".join(f"{human(name)}: {{{{ {_field(name, needed)} }}}}" for name in shown)
            ok = f"{lead} {listed[0].upper()}{listed[1:]}."
        reply: dict[Any, str] = {"ok": ok}
        if "404" in operation.responses:
            path_slots = [slot for slot in self.slots if slot.from_message and slot.location == "path"]
            if path_slots:
                slot = path_slots[0].name
                reply[404] = f"I couldn't find the {human(slot)} {{{{ slots.{slot} }}}}."
            else:
                reply[404] = "I couldn't find that."
        reply["default"] = "handoff"
        return reply

    # -- values -----------------------------------------------------------------------------

    def _parameter_value(self, parameter: Parameter) -> Any:
        fixed = _fixed(parameter.schema)
        if fixed is not _NOTHING:
            return fixed
        slot = self._slot(parameter.name, None, parameter.schema, parameter.description, parameter.location)
        return f"{{{{ slots.{slot} }}}}"

    def _value(self, schema: Mapping[str, Any], name: str, parent: str | None, depth: int) -> Any:
        """A body value for `schema`: literals where only one value fits, else slots."""
        fixed = _fixed(schema)
        if fixed is not _NOTHING:
            return fixed
        alternatives = _alternatives(schema)
        if alternatives and not schema.get("properties"):
            # A value made of every branch's fields would satisfy none of them: take the first.
            return self._value(alternatives[0], name, parent, depth)
        kind = schemas.type_name(schema)
        if depth >= _MAX_DEPTH and kind in ("object", "array"):
            return {} if kind == "object" else []
        if kind == "object" or (kind is None and schemas.properties(schema)):
            listed = schemas.properties(schema)
            return {
                field_name: self._value(listed.get(field_name, {}), field_name, _parent(name, depth), depth + 1)
                for field_name in _fields_to_fill(schema, listed)
            }
        if kind == "array":
            items = schemas.at_path(schema, ["0"]) or {}
            return [self._value(items, name, parent, depth + 1)]
        description = schemas.constraints(schema).get("description")
        slot = self._slot(name, parent, schema, description, "body")
        return f"{{{{ slots.{slot} }}}}"

    def _slot(
        self, name: str, parent: str | None, schema: Mapping[str, Any], description: str | None, location: str
    ) -> str:
        base = snake_case(name)
        if parent and (base in self.taken or base in _GENERIC):
            base = f"{snake_case(parent)}_{base}"
        slot = unique(base, self.taken)
        claim = base[2:] if base.startswith("x_") else base
        if claim in IDENTITY_CLAIMS:
            self.slots.append(_Slot(slot, {"from": f"identity.{claim}"}, location))
            return slot
        found = schemas.constraints(schema)
        config: dict[str, Any] = {"prompt": _prompt(slot, description or found.get("description"), found)}
        if found.get("type") in _SCALARS:
            config["type"] = found["type"]
        if "enum" in found:
            config["enum"] = list(found["enum"])
        self.slots.append(_Slot(slot, config, location))
        return slot


_NOTHING = object()
# Field names that say little on their own: nested, they take their parent's name too.
_GENERIC = frozenset({"id", "type", "name", "value", "key", "text", "body"})


def _fixed(schema: Mapping[str, Any]) -> Any:
    """The one value a schema allows (a `const` or a one-value `enum`), else _NOTHING."""
    if not isinstance(schema, Mapping):
        return _NOTHING
    if "const" in schema:
        return schema["const"]
    enum = schemas.constraints(schema).get("enum")
    if isinstance(enum, list) and len(enum) == 1 and isinstance(enum[0], (str, int, float, bool)):
        return enum[0]
    return _NOTHING


def _fields_to_fill(schema: Mapping[str, Any], listed: Mapping[str, Any]) -> list[str]:
    """The required fields, in the order the spec lists them (one field when the object must
    have some but names none)."""
    needed = schemas.required(schema)
    if not needed and listed and int(schema.get("minProperties") or 0) >= 1:
        needed = {next(iter(listed))}
    ordered = [name for name in listed if name in needed]
    return ordered + sorted(needed - set(ordered))


def _alternatives(schema: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    for keyword in ("oneOf", "anyOf"):
        branches = schema.get(keyword)
        if isinstance(branches, list):
            found = [b for b in branches if isinstance(b, Mapping) and b.get("type") not in ("null", ["null"])]
            if found:
                return found
    return []


def _parent(name: str, depth: int) -> str | None:
    return None if depth == 0 else name


def _prompt(name: str, description: str | None, found: Mapping[str, Any]) -> str:
    prompt = f"What is the {human(name)}?"
    about = plain(description)
    if about:
        prompt += " " + (about if about.endswith((".", "!", "?", "...")) else about + ".")
    enum = found.get("enum")
    if enum and len(enum) <= 12:
        prompt += " Options: " + ", ".join(str(value) for value in enum) + "."
    return prompt


def _field(name: str, required: Any) -> str:
    """The template expression of a response field; one the schema's `required` leaves out gets a
    fallback (as CGW308 asks; a schema without `required` says nothing either way)."""
    if not required or name in required:
        return f"response.body.{name}"
    return f"response.body.{name} | default('not given')"


def _reply_fields(schema: Mapping[str, Any] | None) -> list[str]:
    """Scalar fields of the success response to show: well-known ones, else required ones."""
    if not schema:
        return []
    listed = schemas.properties(schema)
    scalar = [
        name
        for name, sub in listed.items()
        if is_identifier(name) and schemas.type_name(sub) in (*_SCALARS, None) and sub != {}
    ]
    known = [name for name in REPLY_FIELDS if name in scalar]
    if known:
        return known[:_MAX_REPLY_FIELDS]
    needed = schemas.required(schema)
    return [name for name in scalar if name in needed][:_MAX_REPLY_FIELDS]


class _Dumper(yaml.SafeDumper):
    """Block style with list items indented under their key, as people write YAML."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # Double quotes where single ones would have to double every apostrophe ("I''ll").
    quoted = ": " in value or " #" in value or value[:1] in "{}[]'\"&*!|>%@`,?:-#"
    style = '"' if "'" in value and quoted else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _dump(data: Mapping[str, Any]) -> str:
    # No wrapping: a folded template reads badly, and editors wrap long lines anyway.
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096)
