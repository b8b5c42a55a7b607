"""Matching a turn object against a turn's expectations: one Mismatch per difference."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import parse_qsl, urlsplit

from chatgw.testing.model import Expect, RequestExpect

_ABSENT = object()


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One expectation the turn did not meet."""

    field: str  # "state", "slots.project_id", "request", "reply", "respond", ...
    expected: Any
    actual: Any
    message: str  # one line, what went wrong


def check_turn(expect: Expect, turn: Mapping[str, Any], *, base_url: str, sent: int) -> list[Mismatch]:
    """Every way `turn` (a turn object, as `Turn.as_dict()`) differs from `expect`."""
    found: list[Mismatch] = []
    intent = (turn.get("intent") or {}).get("name")
    if expect.given("intent") and expect.intent != intent:
        found.append(Mismatch("intent", expect.intent, intent, f"intent: expected {_show(expect.intent)}, got {_show(intent)}"))
    if expect.state is not None and expect.state != turn.get("state"):
        found.append(Mismatch("state", expect.state, turn.get("state"), f"state: expected {expect.state!r}, got {turn.get('state')!r}"))
    if expect.handoff is not None and expect.handoff != turn.get("handoff"):
        found.append(
            Mismatch("handoff", expect.handoff, turn.get("handoff"), f"handoff: expected {expect.handoff}, got {turn.get('handoff')}")
        )
    if expect.slots is not None:
        actual_slots = turn.get("slots") or {}
        for name, value in expect.slots.items():
            got = actual_slots.get(name, _ABSENT)
            if got is _ABSENT or not _same(value, got):
                shown = "no such slot" if got is _ABSENT else _show(got)
                found.append(Mismatch(f"slots.{name}", value, None if got is _ABSENT else got, f"slots.{name}: expected {_show(value)}, got {shown}"))
    if expect.tags is not None:
        tags = list(turn.get("tags") or [])
        missing = [tag for tag in expect.tags if tag not in tags]
        if missing:
            found.append(Mismatch("tags", expect.tags, tags, f"tags: missing {', '.join(map(repr, missing))}; got {tags}"))
    if expect.sent is not None and expect.sent != (sent > 0):
        said = f"{sent} request(s) were sent" if sent else "nothing was sent"
        found.append(Mismatch("sent", expect.sent, sent > 0, f"sent: expected {expect.sent}, but {said}"))
    if expect.choices is not None and expect.choices != list(turn.get("choices") or []):
        got = list(turn.get("choices") or [])
        found.append(Mismatch("choices", expect.choices, got, f"choices: expected {expect.choices}, got {got}"))
    found += _check_replies(expect, list(turn.get("replies") or []))
    if expect.given("request"):
        found += _check_request(expect.request, turn.get("request"), base_url)
    return found


def request_view(request: Mapping[str, Any] | None, base_url: str) -> dict[str, Any] | None:
    """A turn's request as a test names it: method, path below base_url, query, headers, body."""
    if request is None:
        return None
    url = str(request.get("url", ""))
    base = base_url.rstrip("/")
    relative = url[len(base):] if url.startswith(base) else url
    parts = urlsplit(relative)
    query: dict[str, Any] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name in query:
            query[name] = [*query[name], value] if isinstance(query[name], list) else [query[name], value]
        else:
            query[name] = value
    return {
        "method": request.get("method"),
        "path": parts.path or "/",
        "query": query,
        "headers": dict(request.get("headers") or {}),
        "body": request.get("body"),
    }


def _check_replies(expect: Expect, replies: list[str]) -> list[Mismatch]:
    found = []
    text = _plain_spaces("\n".join(replies))
    wanted = [expect.reply] if isinstance(expect.reply, str) else list(expect.reply or [])
    for part in wanted:
        if _plain_spaces(part) not in text:
            found.append(Mismatch("reply", part, replies, f"reply: expected to contain {part!r}"))
    if expect.reply_matches is not None and not any(re.search(expect.reply_matches, _plain_spaces(reply)) for reply in replies):
        found.append(Mismatch("reply", expect.reply_matches, replies, f"reply: no reply matches /{expect.reply_matches}/"))
    return found


# Formatted replies hold CLDR's no-break spaces ("7:50\u202fPM", "60,00\u00a0€"); whoever
# writes the expectation types a plain space and cannot see the difference.
_NO_BREAK_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " "})


def _plain_spaces(text: str) -> str:
    return text.translate(_NO_BREAK_SPACES)


def _check_request(expect: RequestExpect | None, request: Mapping[str, Any] | None, base_url: str) -> list[Mismatch]:
    actual = request_view(request, base_url)
    if expect is None:
        if actual is None:
            return []
        return [Mismatch("request", None, actual, f"request: expected none, got {actual['method']} {actual['path']}")]
    if actual is None:
        return [Mismatch("request", _expected_view(expect), None, "request: expected one, but there was none")]
    problems: list[str] = []
    if expect.method is not None and expect.method.upper() != str(actual["method"]).upper():
        problems.append(f"method: expected {expect.method.upper()}, got {actual['method']}")
    if expect.path is not None and expect.path != actual["path"]:
        problems.append(f"path: expected {expect.path}, got {actual['path']}")
    for name, value in (expect.query or {}).items():
        got = actual["query"].get(str(name), _ABSENT)
        if got is _ABSENT or not _same_text(value, got):
            problems.append(f"query.{name}: expected {_show(value)}, got {'nothing' if got is _ABSENT else _show(got)}")
    headers = {str(name).lower(): value for name, value in actual["headers"].items()}
    for name, value in (expect.headers or {}).items():
        got = headers.get(str(name).lower(), _ABSENT)
        if got is _ABSENT or not _same_text(value, got):
            problems.append(f"headers.{name}: expected {_show(value)}, got {'nothing' if got is _ABSENT else _show(got)}")
    if expect.given("body"):
        problems += _subset(expect.body, actual["body"], "body")
    if not problems:
        return []
    return [Mismatch("request", _expected_view(expect), actual, "request: " + "; ".join(problems))]


def _expected_view(expect: RequestExpect) -> dict[str, Any]:
    view: dict[str, Any] = {}
    for name in ("method", "path", "query", "headers", "body"):
        if expect.given(name):
            value = getattr(expect, name)
            view[name] = value.upper() if name == "method" and isinstance(value, str) else value
    return view


def _subset(expected: Any, actual: Any, label: str) -> list[str]:
    """Where `actual` does not hold `expected`: mappings need the keys given, lists every item."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{label}: expected a mapping, got {_show(actual)}"]
        problems = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{label}.{key}: expected {_show(value)}, got nothing")
            else:
                problems += _subset(value, actual[key], f"{label}.{key}")
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{label}: expected {_show(expected)}, got {_show(actual)}"]
        return [problem for index, item in enumerate(expected) for problem in _subset(item, actual[index], f"{label}[{index}]")]
    return [] if _same(expected, actual) else [f"{label}: expected {_show(expected)}, got {_show(actual)}"]


def _same(expected: Any, actual: Any) -> bool:
    """Equal, with numbers equal across int/float but never to booleans."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    return bool(expected == actual)


def _same_text(expected: Any, actual: Any) -> bool:
    """Query and header values are text on the wire: `24` matches "24"."""
    if isinstance(expected, list):
        return isinstance(actual, list) and [_text(v) for v in expected] == [_text(v) for v in actual]
    return _text(expected) == _text(actual)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _show(value: Any) -> str:
    if value is None:
        return "null"
    return repr(value)
