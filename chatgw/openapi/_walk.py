"""Structural walks over resolved, normalised schemas, shared by `schema` and `_examples`.

A schema here is a Mapping (or a 3.1 boolean schema); `{}` means "anything" (also what a broken
`$ref` became, recorded as a spec problem), so walks treat it as unknown rather than as an error.
Schemas form a graph (a recursive schema is a cycle, see `_resolve`). These walks only go
through allOf/anyOf/oneOf, which `_resolve` guarantees never loop without a property or item
step, so they end; walks that go into properties or items end with the value they follow, or
must track the schemas on their path (`_examples`, `_graph`).
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

COMBINATORS = ("allOf", "anyOf", "oneOf")
SCALARS = ("string", "integer", "number", "boolean")


def properties(schema: Any) -> dict[str, Mapping[str, Any]]:
    """All properties, merged over allOf/anyOf/oneOf (recursively).

    A name defined in several places gets a combination: `allOf` of its schemas when they all
    apply, `anyOf` when they come from alternative branches.
    """
    if not isinstance(schema, Mapping):
        return {}
    found: dict[str, Mapping[str, Any]] = {}
    own = schema.get("properties")
    if isinstance(own, Mapping):
        for name, sub in own.items():
            found[str(name)] = sub if isinstance(sub, Mapping) else {}
    for keyword in COMBINATORS:
        how = "allOf" if keyword == "allOf" else "anyOf"
        for branch in branches(schema, keyword):
            for name, sub in properties(branch).items():
                found[name] = _combine(found[name], sub, how) if name in found else sub
    return found


def required(schema: Any) -> set[str]:
    """Required names: own and allOf's, plus those every non-null anyOf/oneOf branch requires."""
    if not isinstance(schema, Mapping):
        return set()
    own = schema.get("required")
    names = {name for name in own if isinstance(name, str)} if isinstance(own, list) else set()
    for branch in branches(schema, "allOf"):
        names |= required(branch)
    for keyword in ("anyOf", "oneOf"):
        # A `{"type": "null"}` branch (from `nullable`) has no fields to require; counting it
        # would make every field of a nullable object optional.
        alternatives = non_null(branches(schema, keyword))
        if alternatives:
            names |= set.intersection(*(required(branch) for branch in alternatives))
    return names


def type_name(schema: Any) -> str | None:
    """The main type ("object", "array", "string", ...), null aside, looking through allOf etc."""
    if not isinstance(schema, Mapping):
        return None
    kind = schema.get("type")
    if isinstance(kind, str) and kind != "null":
        return kind
    if isinstance(kind, list):
        for option in kind:
            if option != "null":
                return str(option)
    for keyword in COMBINATORS:
        for branch in non_null(branches(schema, keyword)):
            found = type_name(branch)
            if found is not None:
                return found
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    if kind == "null" or kind == ["null"]:
        return "null"
    return None


def items(schema: Any) -> Mapping[str, Any] | None:
    """The item schema of an array schema (`{}` when it does not say), through allOf etc."""
    if not isinstance(schema, Mapping):
        return None
    own = schema.get("items")
    if isinstance(own, Mapping):
        return own
    if isinstance(own, list) and own and isinstance(own[0], Mapping):  # draft-4 tuple form
        return own[0]
    for keyword in COMBINATORS:
        for branch in non_null(branches(schema, keyword)):
            found = items(branch)
            if found is not None:
                return found
    return {} if type_name(schema) == "array" else None


def flatten(schema: Any) -> dict[str, Any]:
    """One level of keywords: allOf branches and a lone non-null anyOf/oneOf branch merged in,
    the schema's own keywords winning (they are the most specific)."""
    if not isinstance(schema, Mapping):
        return {}
    merged: dict[str, Any] = {}
    for branch in branches(schema, "allOf"):
        merged.update(flatten(branch))
    for keyword in ("anyOf", "oneOf"):
        alternatives = non_null(branches(schema, keyword))
        if len(alternatives) == 1:
            merged.update(flatten(alternatives[0]))
    merged.update((key, value) for key, value in schema.items() if key not in COMBINATORS)
    return merged


def branches(schema: Mapping[str, Any], keyword: str) -> Iterator[Mapping[str, Any]]:
    """The Mapping branches of `schema[keyword]`."""
    value = schema.get(keyword)
    if isinstance(value, list):
        for branch in value:
            if isinstance(branch, Mapping):
                yield branch


def non_null(alternatives: Iterator[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The branches that are not just `{"type": "null"}`."""
    return [branch for branch in alternatives if not is_null(branch)]


def is_null(schema: Any) -> bool:
    """True for a schema that only admits null."""
    return isinstance(schema, Mapping) and schema.get("type") in ("null", ["null"])


def _combine(first: Mapping[str, Any], second: Mapping[str, Any], how: str) -> Mapping[str, Any]:
    if first is second or _equal(first, second) or not second:
        return first
    if not first:
        return second
    if set(first) == {how}:  # extend a combination made here before rather than nest it
        return {how: [*first[how], second]}
    return {how: [first, second]}


def _equal(first: Mapping[str, Any], second: Mapping[str, Any]) -> bool:
    """`==`, except that two distinct copies of a recursive schema compare unequal instead of
    recursing for ever (Python compares shared objects by identity, so the graph's own cycles
    are fine)."""
    try:
        return first == second
    except RecursionError:
        return False
