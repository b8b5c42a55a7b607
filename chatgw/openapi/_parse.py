"""A spec file's bytes to a document: JSON by `json`, YAML by rapidyaml when it is exact, else libyaml.

rapidyaml parses a multi-megabyte spec ~15x faster than libyaml and emits JSON that `json`
reads at C speed, but its JSON typing of *plain* scalars is not PyYAML's (`True`, `~`, `012`,
`1_000`, `1e3`, `nan`, tags...). `_exact_in_ryml` refuses any text holding such a
scalar, so the fast path only runs where both give the same data; everything else, and every
syntax error (for libyaml's located message), goes through libyaml as before.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from chatgw.errors import SpecError

try:  # optional: without it every YAML spec takes the libyaml path
    import ryml as _ryml
except ImportError:  # pragma: no cover - rapidyaml is a dependency, but a broken wheel must not stop validate
    _ryml = None

__all__ = ["parse_document"]

log = logging.getLogger(__name__)


def parse_document(raw: bytes, path: Path) -> Any:
    """The document in `raw`; SpecError (one line, with file:line:column) when it is malformed."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(f"{path} is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8") from None
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        try:
            return json.loads(text)  # several times faster than any YAML parser on JSON input
        except json.JSONDecodeError as exc:
            if path.suffix.lower() == ".json":
                raise SpecError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    fast = _fast_yaml(text)
    if fast is not None:
        return fast
    return _libyaml(text, path)


def _fast_yaml(text: str) -> Any | None:
    """The document by rapidyaml, or None when it is not installed or might read differently."""
    if _ryml is None or not _exact_in_ryml(text):
        return None
    try:
        with _stderr_silenced():  # rapidyaml prints its own report of a syntax error there
            tree = _ryml.parse_in_arena(text.encode("utf-8"))
            tree.resolve()  # anchors and aliases
        root = tree.root_id()
        if tree.is_stream(root):
            if tree.num_children(root) != 1:
                return None  # several documents (or none): libyaml says what is wrong
            root = tree.first_child(root)
        if not tree.is_map(root):
            return None
        document = json.loads(_ryml.emit_json_malloc(tree, root))
    except Exception as exc:  # noqa: BLE001 - any failure of the fast path falls back to libyaml
        log.debug("rapidyaml could not read the spec, using libyaml: %r", exc)
        return None
    return document if isinstance(document, dict) else None


# A plain (unquoted) scalar at the start of a value, key or item whose data rapidyaml's JSON
# would not give as PyYAML does: YAML 1.1 words, numbers other than plain JSON ones (JSON keys
# are strings, so any number used as a key), sexagesimals, tags, merge keys. Lines of block
# scalars look the same to this scan: a false alarm only costs the libyaml path. Aliases are
# expanded by rapidyaml (`resolve`) into equal data. The regex only collects candidates (a
# spec repeats few distinct ones), which are then judged one by one.
_CANDIDATES = re.compile(
    r"(?:[\n\[{,?][ \t]*|[:-][ \t]+)([-+.~0-9TFNnIi!<][^\s,\[\]{}#]*)(?=([ \t]*(?:\n|#|,|\]|\}|:\s)))"
)
_WORDS = re.compile(r"True|TRUE|False|FALSE|Null|NULL|~|[-+]?\.?(?:[Nn]a[Nn]|NAN|[Ii]nf(?:inity)?|INF|INFINITY)|<<")
_NUMERIC = re.compile(r"[-+.]?[0-9][0-9_.:]*(?:[eE][-+]?[0-9]*)?|[-+]?0[xXoObB][0-9a-fA-F_]+")
_SAFE = re.compile(  # read alike by both: JSON numbers; dates and versions, strings to both
    r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]+(?:\.[0-9]+){2,}"
)


_TAG = re.compile(r"(?:^|[\s\[{,])!(?:!|[A-Za-z])")  # `!!str 12`, `!Ref x` (not markdown's `![img]`)


def _exact_in_ryml(text: str) -> bool:
    """False when the text may hold a scalar rapidyaml's JSON types differently from libyaml."""
    if _TAG.search(text):
        return False
    for token, end in set(_CANDIDATES.findall(f"\n{text}\n")):
        if _WORDS.fullmatch(token):
            return False
        if _NUMERIC.fullmatch(token) and (":" in end or not _SAFE.fullmatch(token)):
            return False
    return True


@contextlib.contextmanager
def _stderr_silenced() -> Any:
    """Send file descriptor 2 to a scratch file meanwhile (C++ code writes there directly)."""
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all: nothing to silence
        yield
        return
    try:
        with tempfile.TemporaryFile() as scratch:
            os.dup2(scratch.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _libyaml(text: str, path: Path) -> Any:
    try:
        return yaml.load(text, Loader=_SpecLoader)  # noqa: S506 - a safe loader, see below
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = " ".join(str(exc.problem or exc.context or "syntax error").split())
        raise SpecError(f"{where}: invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise SpecError(f"{path}: invalid YAML: {' '.join(str(exc).split())}") from None


# The C loader when PyYAML was built with libyaml (much faster on large specs). Resolution is
# narrowed towards YAML 1.2 / JSON: dates stay strings and only true/false are booleans, so an
# example `2024-05-01` or an enum value `no` reaches the schema as the spec author wrote it.
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SpecLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    pass


_SpecLoader.yaml_implicit_resolvers = {
    first: [
        (tag, pattern)
        for tag, pattern in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_SpecLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
