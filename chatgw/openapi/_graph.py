"""Walks over schema graphs that must stop on their own: a recursive schema is a cycle.

`reachable` visits each node once (for counting, or for a cache); `finite` copies a graph into
a tree for printing or JSON, each schema once: where it is met again (below itself, or by
another way, which in a graph like Stripe's would otherwise multiply the copy) it writes a
marker instead.
"""

from __future__ import annotations

from typing import Any

AGAIN = "$again"  # the marker key of `finite`: {"$again": "<the schema's title, or '#'>"}


def reachable(root: Any) -> dict[int, Any]:
    """Every dict and list reachable from `root` (dataclasses, dicts, lists, tuples), by id."""
    seen: dict[int, Any] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if id(node) not in seen:
                seen[id(node)] = node
                stack.extend(node.values())
        elif isinstance(node, list):
            if id(node) not in seen:
                seen[id(node)] = node
                stack.extend(node)
        elif isinstance(node, tuple):
            stack.extend(node)
        elif hasattr(node, "__dataclass_fields__"):
            stack.extend(getattr(node, name) for name in node.__dataclass_fields__)
    return seen


def finite(schema: Any) -> Any:
    """A tree copy of `schema` (JSON-serialisable when its values are) in which every schema
    object after its first appearance is `{"$again": <its title, or "#">}`."""
    return _finite(schema, set())


def _finite(node: Any, seen: set[int]) -> Any:
    if isinstance(node, dict):
        if id(node) in seen:
            title = node.get("title")
            return {AGAIN: title if isinstance(title, str) else "#"}
        seen.add(id(node))
        return {key: _finite(value, seen) for key, value in node.items()}
    if isinstance(node, list):
        return [_finite(value, seen) for value in node]
    return node
