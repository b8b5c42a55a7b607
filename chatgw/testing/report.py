"""How test results read at the terminal: a line per conversation, then each failure in detail.

Like pytest: `file::name PASSED|FAILED`, a FAILURES section with the failing turn, a diff of
the expected against the actual request and the replies the bot gave, and a summary line.
"""

from __future__ import annotations

import difflib
import json
from typing import Any, Callable

import yaml

from chatgw.testing.runner import CaseResult, SuiteResult, TurnReport

WIDTH = 78
Style = Callable[..., str]


def _plain(text: str, **_: Any) -> str:
    return text


def render_line(result: CaseResult, style: Style = _plain) -> str:
    """`tests/conversations/keys.yaml::reset key PASSED`."""
    word = style("PASSED", fg="green") if result.passed else style("FAILED", fg="red", bold=True)
    return f"{result.case.id} {word}"


def render_failures(suite: SuiteResult, style: Style = _plain) -> str:
    """The FAILURES section, or nothing when every conversation passed."""
    failed = [result for result in suite.results if not result.passed]
    if not failed:
        return ""
    blocks = [_rule("FAILURES", "=")]
    for result in failed:
        blocks.append(_rule(result.case.id, "_"))
        blocks.append(render_failure(result, style))
    return "\n".join(blocks) + "\n"


def render_failure(result: CaseResult, style: Style = _plain) -> str:
    """Why one conversation failed: the turns before (briefly) and the failing turn in full."""
    lines: list[str] = []
    for turn in result.turns:
        if not turn.mismatches:
            lines.append(f"turn {turn.index} ok: user: {turn.user}")
            continue
        lines.append(style(f"turn {turn.index} ({result.case.file}:{turn.line}) failed: user: {turn.user}", bold=True))
        for mismatch in turn.mismatches:
            lines.append(style("  " + mismatch.message, fg="red"))
        lines += _details(turn)
    if result.error is not None:
        lines.append(style(f"error: {result.error}", fg="red"))
    return "\n".join(lines)


def render_summary(suite: SuiteResult, style: Style = _plain) -> str:
    """`===== 3 passed, 1 failed =====`."""
    parts = [f"{suite.passed} passed", f"{suite.failed} failed"]
    if suite.deselected:
        parts.append(f"{suite.deselected} deselected")
    text = _rule(", ".join(parts), "=")
    return style(text, fg="red" if suite.failed else "green", bold=True)


def _details(turn: TurnReport) -> list[str]:
    lines: list[str] = []
    fields = {mismatch.field for mismatch in turn.mismatches}
    request = next((m for m in turn.mismatches if m.field == "request"), None)
    if request is not None and request.expected is not None and request.actual is not None:
        lines.append("  request (- expected, + actual):")
        lines += ["    " + line for line in _diff(request.expected, _projected(request.expected, request.actual))]
    elif request is not None:
        lines.append("  request: " + _compact(request.actual))
    if "reply" in fields or "handoff" in fields or "state" in fields or "intent" in fields:
        replies = turn.turn.get("replies") or []
        lines.append("  bot said:" if replies else "  bot said nothing")
        lines += [f"    | {reply}" for reply in replies]
    context = {
        "intent": (turn.turn.get("intent") or {}).get("name"),
        "state": turn.turn.get("state"),
        "slots": turn.turn.get("slots"),
        "handoff": turn.turn.get("handoff"),
    }
    lines.append("  turn: " + _compact(context))
    return lines


def _projected(expected: dict[str, Any], actual: dict[str, Any]) -> dict[str, Any]:
    """The actual request with the keys the test named, headers only those it named."""
    view: dict[str, Any] = {}
    for name in expected:
        value = actual.get(name)
        if name == "headers" and isinstance(expected.get("headers"), dict) and isinstance(value, dict):
            lower = {str(key).lower(): item for key, item in value.items()}
            value = {key: lower.get(str(key).lower()) for key in expected["headers"]}
        view[name] = value
    return view


def _diff(expected: Any, actual: Any) -> list[str]:
    before = _yaml(expected).splitlines()
    after = _yaml(actual).splitlines()
    lines = list(difflib.unified_diff(before, after, "expected", "actual", lineterm="", n=max(len(before), len(after))))
    body = [line for line in lines[2:] if not line.startswith("@@")]
    return body or ["(no difference in the keys given)"]


def _yaml(value: Any) -> str:
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True, default_flow_style=False, width=4096)


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _rule(title: str, char: str) -> str:
    text = f" {title} "
    if len(text) >= WIDTH - 4:
        return char * 2 + text + char * 2
    left = (WIDTH - len(text)) // 2
    return char * left + text + char * (WIDTH - len(text) - left)

