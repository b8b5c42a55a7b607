"""`$ref` resolution, schema inlining and normalisation to JSON Schema 2020-12.

Every schema handed out by `Spec` goes through `Resolver.schema`: references are replaced by
their targets (a reference back to a schema already being inlined becomes `{}`), and OpenAPI 3.0
spellings become their 2020-12 equivalents, so one jsonschema validator and one set of helpers
serve both 3.0 and 3.1 specs.
"""

from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import unquote

from chatgw.errors import SpecError

# Keywords whose value is one subschema, a list of them, or a name -> subschema map. Everything
# else is data (enum, example, default, ...) or an annotation and is copied as it is, which
# also keeps a property *named* "type" or "nullable" from being mistaken for a keyword.
_ONE = frozenset({
    "items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else",
    "unevaluatedItems", "unevaluatedProperties", "additionalItems", "contentSchema",
})
_MANY = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_NAMED = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})

# Siblings of a `$ref` that only describe it: laid over the target instead of combined with it.
_ANNOTATIONS = frozenset({
    "description", "title", "example", "examples", "default", "deprecated", "readOnly",
    "writeOnly", "externalDocs", "xml", "$comment", "discriminator",
})

# Inlining a clique of mutually recursive schemas unrolls every path through it; past this many
# non-memoised expansions in one call, further references are cut to `{}` like a cycle.
_BUDGET = 5000


class Resolver:
    """Resolves `$ref`s of one document; memoises inlined schemas that do not depend on context.

    A reference that cannot be followed (dangling, or to another file) is not fatal: real specs
    ship with such mistakes (Intercom 2.11 refers to a missing `custom_attributes` schema) and
    the operator may not own them. It reads as `{}` (a schema) or as absent (anything else), and
    is recorded in `problems`.
    """

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._document = document
        self._memo: dict[str, dict[str, Any]] = {}
        self.problems: dict[str, None] = {}  # one-line messages, in order, without repeats

    def lookup(self, ref: str) -> Any:
        """The object a local `$ref` points at; SpecError when it is external or dangling."""
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
        return node

    def resolve(self, node: Any) -> Any:
        """Follow a chain of `$ref`s on a non-schema object (parameter, response, ...); None
        when it cannot be followed."""
        seen: set[str] = set()
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                self.problems[f"$ref {ref!r} refers to itself; fix the reference"] = None
                return None
            seen.add(ref)
            node = self.follow(ref)
        return node

    def follow(self, ref: str) -> Any:
        """`lookup`, recording the problem and giving None when the reference is broken."""
        try:
            return self.lookup(ref)
        except SpecError as exc:
            self.problems[str(exc)] = None
            return None

    def schema(self, node: Any) -> Any:
        """`node` with every `$ref` inlined and normalised to JSON Schema 2020-12."""
        value, _ = _Inliner(self).inline(node, ())
        return value


class _Inliner:
    """One top-level inlining: carries the expansion budget."""

    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver
        self._memo = resolver._memo
        self._budget = _BUDGET

    def inline(self, node: Any, stack: tuple[str, ...]) -> tuple[Any, frozenset[str]]:
        """Return the inlined schema and the refs cut inside it (which make it context-bound)."""
        if not isinstance(node, Mapping):
            return node, frozenset()  # a 3.1 boolean schema, or junk we leave to the validator
        ref = node.get("$ref")
        if isinstance(ref, str):
            return self._inline_ref(ref, node, stack)
        out: dict[str, Any] = {}
        cuts: frozenset[str] = frozenset()
        for key, value in node.items():
            if key in _ONE and isinstance(value, (Mapping, list)):
                if isinstance(value, list):  # draft-4 tuple form of `items`
                    value, cut = self._inline_all(value, stack)
                else:
                    value, cut = self.inline(value, stack)
                cuts |= cut
            elif key in _MANY and isinstance(value, list):
                value, cut = self._inline_all(value, stack)
                cuts |= cut
            elif key in _NAMED and isinstance(value, Mapping):
                named: dict[str, Any] = {}
                for name, sub in value.items():
                    named[name], cut = self.inline(sub, stack)
                    cuts |= cut
                value = named
            out[key] = value
        return normalise(out), cuts

    def _inline_all(self, nodes: list[Any], stack: tuple[str, ...]) -> tuple[list[Any], frozenset[str]]:
        values: list[Any] = []
        cuts: frozenset[str] = frozenset()
        for sub in nodes:
            value, cut = self.inline(sub, stack)
            values.append(value)
            cuts |= cut
        return values, cuts

    def _inline_ref(
        self, ref: str, node: Mapping[str, Any], stack: tuple[str, ...]
    ) -> tuple[Any, frozenset[str]]:
        if ref in stack:
            target: Any = {}
            cuts = frozenset({ref})
        elif ref in self._memo:
            target, cuts = self._memo[ref], frozenset()
        elif self._budget <= 0:
            target, cuts = {}, frozenset({ref})
        else:
            self._budget -= 1
            found = self._resolver.follow(ref)
            target, cuts = self.inline(found if found is not None else {}, (*stack, ref))
            # Cycles back to `ref` itself are closed inside its own expansion, so the result is
            # the same wherever `ref` is used; cycles to refs further up the stack are not.
            cuts = cuts - {ref}
            if not cuts and isinstance(target, dict):
                self._memo[ref] = target
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        if not siblings:
            return target, cuts
        return self._with_siblings(target, siblings, stack, cuts)

    def _with_siblings(
        self, target: Any, siblings: dict[str, Any], stack: tuple[str, ...], cuts: frozenset[str]
    ) -> tuple[Any, frozenset[str]]:
        # OpenAPI 3.0 ignores siblings of $ref, but specs (Intercom among them) write
        # `nullable` and `description` there meaning exactly what they say; 3.1 allows them.
        nullable = siblings.pop("nullable", None)
        extra, cut = self.inline(siblings, stack)
        cuts |= cut
        base = target if isinstance(target, Mapping) else {}
        if set(extra) <= _ANNOTATIONS:
            merged = {**base, **extra}
        else:
            merged = {**extra, "allOf": [target, *extra.get("allOf", ())]}
        if nullable is True:
            merged = _nullable(merged)
        return merged, cuts


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
