"""Where a JSON pointer's node is in the spec's text, found on demand (only for problems).

The parsers used for speed give no positions, so the text is scanned again: exactly for JSON
(values skipped by the `json` scanner), by indentation for block-style YAML, which is how specs
are written. A node that cannot be found gives its nearest ancestor's place.
"""

from __future__ import annotations

import json
import re

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")


def locate(text: str, pointer: str, *, is_json: bool) -> tuple[int, int] | None:
    """(line, column), 1-based, of the node at `pointer` in `text`, or of its nearest ancestor."""
    tokens = [token.replace("~1", "/").replace("~0", "~") for token in pointer.split("/")[1:]]
    offset = _json_offset(text, tokens) if is_json else _yaml_offset(text, tokens)
    if offset is None:
        return None
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _json_offset(text: str, tokens: list[str]) -> int | None:
    index = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
    found: int | None = None
    try:
        for token in tokens:
            if text.startswith("{", index):
                index = _json_member(text, index + 1, token)
            elif text.startswith("[", index) and token.isdigit():
                index = _json_item(text, index + 1, int(token))
            else:
                return found
            if index is None:
                return found
            found = index
    except (ValueError, IndexError):  # malformed JSON: keep the nearest place found
        return found
    return found


def _json_member(text: str, index: int, name: str) -> int | None:
    """Offset of the value of member `name` in the object whose body starts at `index`."""
    while True:
        index = _SPACE.match(text, index).end()  # type: ignore[union-attr]
        if text.startswith("}", index):
            return None
        key, index = json.decoder.scanstring(text, index + 1)  # type: ignore[attr-defined]
        index = _SPACE.match(text, index).end()  # type: ignore[union-attr]
        index = _SPACE.match(text, index + 1).end()  # type: ignore[union-attr]  # past ':'
        if key == name:
            return index
        _, index = _DECODER.raw_decode(text, index)
        index = _SPACE.match(text, index).end()  # type: ignore[union-attr]
        if text.startswith(",", index):
            index += 1


def _json_item(text: str, index: int, wanted: int) -> int | None:
    for position in range(wanted + 1):
        index = _SPACE.match(text, index).end()  # type: ignore[union-attr]
        if text.startswith("]", index):
            return None
        if position == wanted:
            return index
        _, index = _DECODER.raw_decode(text, index)
        index = _SPACE.match(text, index).end()  # type: ignore[union-attr]
        if text.startswith(",", index):
            index += 1
    return None


def _yaml_offset(text: str, tokens: list[str]) -> int | None:
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    row, indent, found = 0, -1, None
    for token in tokens:
        hit = _yaml_item(lines, row, indent, int(token)) if token.isdigit() else None
        if hit is None:
            hit = _yaml_key(lines, row, indent, token)
        if hit is None:
            return found
        row, indent = hit
        found = starts[row] + indent
    return found


def _yaml_key(lines: list[str], row: int, indent: int, token: str) -> tuple[int, int] | None:
    key = re.compile(r"^((?:[ \t]*-[ \t]+)*[ \t]*)(?:'" + re.escape(token.replace("'", "''")) + r"'|\""
                     + re.escape(token) + r"\"|" + re.escape(token) + r")[ \t]*:(?:[ \t]|$)")
    for number in range(row, len(lines)):
        line = lines[number]
        stripped = line.lstrip(" \t-")
        if not stripped or stripped.startswith("#"):
            continue
        if number > row and len(line) - len(line.lstrip(" \t")) <= indent:
            return None  # left the parent's block
        match = key.match(line)
        if match and len(match.group(1)) > indent:
            return number, len(match.group(1))
    return None


def _yaml_item(lines: list[str], row: int, indent: int, wanted: int) -> tuple[int, int] | None:
    dash = re.compile(r"^([ \t]*)-(?:[ \t]|$)")
    seen, column = -1, None
    for number in range(row, len(lines)):
        line = lines[number]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        width = len(line) - len(line.lstrip(" \t"))
        if number > row and width <= indent and not (width == indent and line.lstrip().startswith("- ")):
            return None
        match = dash.match(line)
        # A sequence may sit at its key's own indent ("indentless"), never further left.
        if match and len(match.group(1)) >= indent and (column is None or len(match.group(1)) == column):
            column = len(match.group(1))
            seen += 1
            if seen == wanted:
                return number, column
    return None
