"""YAML with positions: every value keeps the line and column where it was written.

`yaml.compose()` keeps a mark on each node; we build plain Python values from the nodes
and index each value's position by its path (("slots", "amount", "prompt"), ("steps", 0)).
Keys are indexed too, so an unknown key is reported at the key itself.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from chatgw.compiler.diagnostics import Diagnostic, Location, diagnostic

try:  # the C loader is several times faster where libyaml is installed
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the platform's PyYAML build
    _Loader = yaml.SafeLoader

PathKey = tuple[str | int, ...]

# Our files are small and shallow. These bound what a file can make us build, so that a
# "billion laughs" file (aliases of aliases) or one nested a thousand deep is a located
# CGW101, not a MemoryError or a RecursionError.
MAX_DEPTH = 64  # levels of nesting
MAX_VALUES = 100_000  # values built, an alias counting once for each time it is used
MAX_FILE_BYTES = 4 * 1024 * 1024  # a config, action or test file; the largest real ones are a few KB


@dataclass(slots=True)
class SourceDoc:
    """A parsed YAML file: its data and where each piece of it was written."""

    file: str  # as shown in diagnostics (relative to the config's folder)
    data: Any
    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    lines: tuple[str, ...] = ()

    def at(self, path: PathKey, *, key: bool = False) -> Location:
        """The location of the value at `path` (or of its key), else of the nearest parent."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return Location(self.file, *table[probe])
            if probe in self.values:
                return Location(self.file, *self.values[probe])
            probe = probe[:-1]
        line, column = self.values.get((), (1, 1))
        return Location(self.file, line, column)

    def without(self, paths: "list[PathKey]") -> "SourceDoc":
        """A copy with the values at `paths` removed; later list items keep their own positions."""
        data = copy.deepcopy(self.data)
        values, keys = dict(self.values), dict(self.keys)
        pending = [tuple(path) for path in paths]
        while pending:
            path = pending.pop(0)
            container = _container(data, path)
            if container is None:
                continue
            del container[path[-1]]
            shift = isinstance(container, list)
            values, keys = _moved(values, path, shift), _moved(keys, path, shift)
            pending = [moved for other in pending if (moved := _move(other, path, shift)) is not None]
        return replace(self, data=data, values=values, keys=keys)


def parse_yaml(text: str, file: str) -> tuple[SourceDoc | None, list[Diagnostic]]:
    """Parse one YAML document; syntax errors and duplicate keys become diagnostics."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message, hint = _syntax_problem(error, text)
        return None, [diagnostic("CGW101", message, Location(file, line, column), hint=hint)]
    except yaml.YAMLError as error:
        return None, [diagnostic("CGW101", f"YAML error: {error}", Location(file), hint="fix the YAML syntax")]
    doc = SourceDoc(file=file, data=None, lines=tuple(text.splitlines()))
    problems: list[Diagnostic] = []
    if node is None:
        doc.data = None
        return doc, problems
    try:
        doc.data = _Builder(doc, problems).build(node, ())
    except _TooLarge as error:
        return None, [diagnostic("CGW101", error.message, Location(file, *error.where), hint=error.hint)]
    return doc, problems


def read_yaml(path: Path, file: str) -> tuple[SourceDoc | None, list[Diagnostic]]:
    """Read and parse a YAML file; an unreadable file is a CGW106 diagnostic."""
    text, problems = read_text(path, file)
    return parse_yaml(text, file) if text is not None else (None, problems)


def read_text(path: Path, file: str) -> tuple[str | None, list[Diagnostic]]:
    """A file's text, or a CGW106 diagnostic saying why it cannot be read."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)  # never more, whatever the file (or device) holds
        if len(data) > MAX_FILE_BYTES:
            reason = f"it is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"
            return None, [diagnostic("CGW106", f"cannot read {file}: {reason}", Location(file), hint="split it, or check it is the file you meant")]
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n"), []  # newlines as open() reads them
    except OSError as error:
        return None, [diagnostic("CGW106", f"cannot read {file}: {error.strerror}", Location(file), hint="check the path")]
    except UnicodeDecodeError:
        reason = f"not UTF-8 text ({_bad_byte(data)})"
        return None, [diagnostic("CGW106", f"cannot read {file}: {reason}", Location(file), hint="save the file as UTF-8")]


def _bad_byte(data: bytes) -> str:
    """Where the first byte that is not UTF-8 is, as `line L, column C`."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - data.rfind(b"\n", 0, error.start)
        return f"bad byte at line {line}, column {column}"
    return "it changed while being read"


def _syntax_problem(error: yaml.MarkedYAMLError, text: str) -> tuple[str, str]:
    """The message and hint of a YAML syntax error, in words that say what to change."""
    mark = error.problem_mark or error.context_mark
    if _is_tab(text, mark):
        # libyaml's words ("cannot start any token") do not say the culprit is a tab.
        where = f"line {mark.line + 1}, column {mark.column + 1}"
        return (
            f"YAML syntax error: a tab at {where}; YAML indents with spaces only",
            "replace the tab with spaces (set your editor to insert spaces for .yaml files)",
        )
    problem = error.problem or "invalid YAML"
    context = f" {error.context}" if error.context else ""
    start = error.context_mark
    if context and start is not None and mark is not None and start.line != mark.line:
        # The caret is where the parser gave up; say where the unclosed thing began.
        context += f" that starts at line {start.line + 1}, column {start.column + 1}"
    return f"YAML syntax error: {problem}{context}", "check indentation, colons and quotes on this line and the one above"


def _is_tab(text: str, mark: Any) -> bool:
    if mark is None:
        return False
    lines = text.splitlines()
    row = lines[mark.line] if mark.line < len(lines) else ""
    return row[mark.column : mark.column + 1] == "\t"


def _container(data: Any, path: PathKey) -> Any:
    """The dict or list holding the value at `path`, when that value exists."""
    if not path:
        return None
    node = data
    for part in path[:-1]:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    last = path[-1]
    if isinstance(node, dict) and last in node:
        return node
    if isinstance(node, list) and isinstance(last, int) and 0 <= last < len(node):
        return node
    return None


def _move(path: PathKey, removed: PathKey, shift: bool) -> PathKey | None:
    """Where `path` is once `removed` is gone: None inside it; one index less after it in a list."""
    size = len(removed)
    if path[:size] == removed:
        return None
    if shift and len(path) >= size and path[: size - 1] == removed[:-1]:
        index = path[size - 1]
        if isinstance(index, int) and index > removed[-1]:  # type: ignore[operator]
            return (*path[: size - 1], index - 1, *path[size:])
    return path


def _moved(table: dict[PathKey, tuple[int, int]], removed: PathKey, shift: bool) -> dict[PathKey, tuple[int, int]]:
    return {moved: where for path, where in table.items() if (moved := _move(path, removed, shift)) is not None}


class _TooLarge(Exception):
    def __init__(self, where: tuple[int, int], message: str, hint: str) -> None:
        self.where, self.message, self.hint = where, message, hint


class _Builder:
    """Plain values from the composed nodes, each value's and key's position indexed by its path."""

    def __init__(self, doc: SourceDoc, problems: list[Diagnostic]) -> None:
        self.doc = doc
        self.problems = problems
        self.built = 0

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.built += 1
        if self.built > MAX_VALUES:
            # An alias's node is its anchor's, marked where the anchor is: point at the
            # top-level key whose value grew too large, where the aliases were used.
            raise _TooLarge(
                self.doc.keys.get(path[:1]) or _mark(node), f"the YAML makes more than {MAX_VALUES} values (aliases of aliases expand to every copy)",
                "write the values out, or use fewer nested aliases (*name)",
            )
        if len(path) > MAX_DEPTH:
            raise _TooLarge(_mark(node), f"the YAML is nested more than {MAX_DEPTH} levels deep", "flatten it: no chatgw file needs this depth")
        doc = self.doc
        doc.values[path] = _mark(node)
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = _scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else self.source(key_node)
                if not isinstance(key, (str, int)):
                    key = str(key)
                child = (*path, key)
                where = _mark(key_node)
                if key in result:
                    self.problems.append(
                        diagnostic(
                            "CGW107",
                            f"duplicate key '{key}'",
                            Location(doc.file, *where),
                            hint="YAML keeps only the last one; remove or rename the other",
                        )
                    )
                doc.keys[child] = where
                result[key] = self.build(value_node, child)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        return _scalar(node)


    def source(self, node: yaml.Node) -> str:
        """A list or mapping used as a key, as written (its first line, cut short): never built."""
        start, end = node.start_mark, node.end_mark
        line = self.doc.lines[start.line] if start.line < len(self.doc.lines) else ""
        text = line[start.column : end.column] if end.line == start.line else line[start.column :] + " ..."
        return text if len(text) <= _QUOTED else text[: _QUOTED - 3] + "..."


_QUOTED = 60  # characters of a complex key quoted back


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


_constructor = yaml.SafeLoader("")  # only used for its scalar constructors


def _scalar(node: yaml.Node) -> Any:
    return _constructor.construct_object(node, deep=True)
