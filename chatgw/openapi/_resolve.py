"""`$ref` resolution into a graph of shared schemas, normalised to JSON Schema 2020-12.

Every schema handed out by `Spec` goes through `Resolver.schema`. Each schema object of the
document is normalised once (OpenAPI 3.0 spellings become their 2020-12 equivalents, so one
jsonschema validator and one set of helpers serve 3.0 and 3.1 specs) and a `$ref` becomes the
very object its target became. A recursive schema is therefore a cycle of shared dicts: walks
that follow a value (validation, field lookup) end with the value; walks over the schema alone
(examples, printing, pickling) must stop at a revisit (see `_graph`).

Two things are cut, each recorded as a located `SpecProblem`, never silently: a reference that
cannot be followed (read as `{}`, anything) and a cycle that returns to a schema without going
through a property or item (`A: {allOf: [B]}, B: {anyOf: [A]}`), which would send any
validator round the cycle for ever.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from chatgw.errors import SpecError
from chatgw.openapi.problems import SpecProblem

# Keywords whose value is one subschema, a list of them, or a name -> subschema map. Everything
# else is data (enum, example, default, ...) or an annotation and is copied as it is, which
# also keeps a property *named* "type" or "nullable" from being mistaken for a keyword.
_ONE = frozenset({
    "items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else",
    "unevaluatedItems", "unevaluatedProperties", "additionalItems", "contentSchema",
})
_MANY = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_NAMED = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})
# Keywords that apply their subschemas to the same value (the rest move to a part of it).
_SAME_VALUE = frozenset({"allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas"})

# Siblings of a `$ref` that only describe it: laid over the target instead of combined with it.
_ANNOTATIONS = frozenset({
    "description", "title", "example", "examples", "default", "deprecated", "readOnly",
    "writeOnly", "externalDocs", "xml", "$comment", "discriminator",
})


class Resolver:
    """Resolves the `$ref`s of one document; each schema object is normalised once.

    A reference that cannot be followed (dangling, or to another file) is not fatal: real specs
    ship with such mistakes (Intercom 2.11 refers to a missing `custom_attributes` schema) and
    the operator may not own them. It reads as `{}` (a schema) or as absent (anything else), and
    is recorded in `problems`.
    """

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._document = document
        self._targets: dict[str, Any] = {}
        # id(document node) -> (node, its schema); holding the node keeps its id from reuse.
        self._done: dict[int, tuple[Any, Any]] = {}
        # id(document node) -> (its schema so far, value depth on entry), while it is built
        self._open: dict[int, tuple[dict[str, Any], int]] = {}
        self._aliases: set[str] = set()  # refs followed since the last schema that is not a $ref
        self._depth = 0  # how many property/item steps down from the schema asked for
        self.problems: dict[tuple[str, str, str], SpecProblem] = {}  # in order, without repeats

    def record(self, code: str, message: str, pointer: str) -> None:
        """Note a problem of the spec at the JSON pointer `pointer`."""
        self.problems.setdefault((code, pointer, message), SpecProblem(code, message, pointer))

    def lookup(self, ref: str) -> Any:
        """The object a local `$ref` points at; SpecError when it is external or dangling."""
        if ref in self._targets:
            return self._targets[ref]
        if not ref.startswith("#"):
            raise SpecError(
                f"$ref {ref!r} points outside the spec; bundle the spec into one file "
                "(e.g. `redocly bundle`)"
            )
        node: Any = self._document
        for token in ref[1:].split("/")[1:]:
            token = unquote(token).replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise SpecError(f"$ref {ref!r} points at nothing in the spec; fix the reference")
        self._targets[ref] = node
        return node

    def follow(self, ref: str, pointer: str) -> Any:
        """`lookup`, recording the problem at `pointer` (the `$ref`'s place) and giving None
        when the reference is broken."""
        try:
            return self.lookup(ref)
        except SpecError as exc:
            code = "ref-external" if not ref.startswith("#") else "ref-missing"
            self.record(code, str(exc), f"{pointer}/$ref")
            return None

    def resolve(self, node: Any, pointer: str) -> Any:
        """Follow a chain of `$ref`s on a non-schema object (parameter, response, ...); None
        when it cannot be followed."""
        seen: set[str] = set()
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                self.record("ref-loop", f"$ref {ref!r} refers to itself; fix the reference", f"{pointer}/$ref")
                return None
            seen.add(ref)
            node, pointer = self.follow(ref, pointer), _target_pointer(ref)
        return node

    def schema(self, node: Any, pointer: str) -> Any:
        """The schema graph of `node` (at JSON pointer `pointer`): `$ref`s followed, 2020-12."""
        if not isinstance(node, Mapping):
            return node  # a 3.1 boolean schema, or junk we leave to the validator
        key = id(node)
        done = self._done.get(key)
        if done is not None and done[0] is node:
            return done[1]
        entered = self._open.get(key)
        if entered is not None:
            return self._revisit(entered, pointer)
        ref = node.get("$ref")
        if isinstance(ref, str):
            value = self._reference(ref, node, pointer)
        else:
            value = {}
            self._open[key] = (value, self._depth)
            aliases, self._aliases = self._aliases, set()
            try:
                built = normalise(self._keywords(node, pointer))
            finally:
                del self._open[key]
                self._aliases = aliases
            value.update(built)  # in place: cycles already point at `value`
        self._done[key] = (node, value)
        return value

    def _revisit(self, entered: tuple[dict[str, Any], int], pointer: str) -> Any:
        value, depth = entered
        if depth < self._depth:
            return value  # a recursive schema: the cycle closes on the shared object
        self.record(
            "ref-loop",
            "schema refers back to itself without a property or item in between (it can never "
            "be satisfied or checked); read as any value",
            pointer,
        )
        return {}

    def _keywords(self, node: Mapping[str, Any], pointer: str) -> dict[str, Any]:
        """One schema level with its subschemas resolved (not yet normalised)."""
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _ONE and isinstance(value, (Mapping, list)):
                step = 0 if key in _SAME_VALUE else 1
                if isinstance(value, list):  # draft-4 tuple form of `items`
                    value = self._all(value, f"{pointer}/{key}", step)
                else:
                    value = self._sub(value, f"{pointer}/{key}", step)
            elif key in _MANY and isinstance(value, list):
                value = self._all(value, f"{pointer}/{key}", 0 if key in _SAME_VALUE else 1)
            elif key in _NAMED and isinstance(value, Mapping):
                step = 0 if key in _SAME_VALUE else 1
                value = {
                    name: self._sub(sub, f"{pointer}/{key}/{_escape(name)}", step) for name, sub in value.items()
                }
            out[key] = value
        return out

    def _sub(self, node: Any, pointer: str, step: int) -> Any:
        self._depth += step
        try:
            return self.schema(node, pointer)
        finally:
            self._depth -= step

    def _all(self, nodes: list[Any], pointer: str, step: int) -> list[Any]:
        return [self._sub(sub, f"{pointer}/{index}", step) for index, sub in enumerate(nodes)]

    def _reference(self, ref: str, node: Mapping[str, Any], pointer: str) -> Any:
        if ref in self._aliases:
            self.record("ref-loop", f"$ref {ref!r} refers to itself; fix the reference", f"{pointer}/$ref")
            return {}
        found = self.follow(ref, pointer)
        self._aliases.add(ref)
        try:
            target = self.schema(found, _target_pointer(ref)) if found is not None else {}
        finally:
            self._aliases.discard(ref)
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        if not siblings:
            return target
        # OpenAPI 3.0 ignores siblings of $ref, but specs (Intercom among them) write
        # `nullable` and `description` there meaning exactly what they say; 3.1 allows them.
        nullable = siblings.pop("nullable", None)
        extra = normalise(self._keywords(siblings, pointer))
        complete = isinstance(target, Mapping) and not any(target is value for value, _ in self._open.values())
        if set(extra) <= _ANNOTATIONS and complete:
            merged = {**target, **extra}
        else:
            # A target still being built (a cycle) cannot be copied yet: refer to it instead.
            merged = {**extra, "allOf": [target, *extra.get("allOf", ())]}
        return _nullable(merged) if nullable is True else merged


def normalise(schema: dict[str, Any]) -> dict[str, Any]:
    """Rewrite the OpenAPI 3.0 spellings of one schema level into 2020-12 (idempotent)."""
    nullable = schema.pop("nullable", None)
    if schema.pop("x-nullable", None) is True:  # the Swagger-era extension some generators emit
        nullable = True
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        flag = schema.get(exclusive)
        if isinstance(flag, bool):
            del schema[exclusive]
            if flag and bound in schema:
                schema[exclusive] = schema.pop(bound)
    if nullable is True:
        schema = _nullable(schema)
    return schema


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """Make `schema` also accept null, never mutating lists it may share with other schemas."""
    kind = schema.get("type")
    if isinstance(kind, str) or isinstance(kind, list):
        kinds = [kind] if isinstance(kind, str) else list(kind)
        if "null" not in kinds:
            schema = {**schema, "type": [*kinds, "null"]}
    elif any(key in schema for key in ("allOf", "anyOf", "oneOf")):
        if "anyOf" in schema and "allOf" not in schema and "oneOf" not in schema:
            if not any(_is_null(branch) for branch in schema["anyOf"]):
                schema = {**schema, "anyOf": [*schema["anyOf"], {"type": "null"}]}
        else:
            # Annotations stay outside so `description`, `example` etc. remain visible.
            outer = {k: v for k, v in schema.items() if k in _ANNOTATIONS}
            inner = {k: v for k, v in schema.items() if k not in _ANNOTATIONS}
            schema = {**outer, "anyOf": [inner, {"type": "null"}]}
    enum = schema.get("enum")
    if isinstance(enum, list) and None not in enum:
        schema = {**schema, "enum": [*enum, None]}
    return schema


def _is_null(schema: Any) -> bool:
    return isinstance(schema, Mapping) and schema.get("type") in ("null", ["null"])


def _target_pointer(ref: str) -> str:
    """The JSON pointer of a local `$ref`'s target ("#/components/x" -> "/components/x")."""
    return ref[1:] if ref.startswith("#") else ref


def _escape(token: Any) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")
