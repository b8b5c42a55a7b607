"""Insights over a window: per action counts and latencies, deflection, tags, unmet asks."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import and_, func, select

from chatgw.store.store import Store
from chatgw.store.tables import action_runs, conversations, messages, tags

FAILURES = ("failed", "invalid", "unreachable")
_SINCE = re.compile(r"[ \t]*([0-9]{1,12})[ \t]*([smhdw])[ \t]*")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
MAX_SINCE = 520 * 604800  # ten years: older than any store


def parse_since(since: str) -> float:
    """`7d`, `24h`, `30m`, `2w`, `90s` -> seconds; ValueError, naming the accepted forms, otherwise."""
    match = _SINCE.fullmatch(since or "")
    seconds = int(match.group(1)) * _UNITS[match.group(2)] if match else 0
    if not 0 < seconds <= MAX_SINCE:
        shown = since if len(since or "") <= 40 else since[:40] + "..."
        raise ValueError(
            f"since must be a whole number and a unit, s, m, h, d or w (like 7d, 24h, 30m or 2w), "
            f"at most 520w (ten years), not {shown!r}"
        )
    return seconds


def insights(store: Store, *, since: str, now: float, top: int = 10) -> dict[str, Any]:
    """The insights of the last `since`, as one JSON-ready dict."""
    cutoff = now - parse_since(since)
    with store.engine.connect() as connection:
        runs = connection.execute(
            select(action_runs.c.action, action_runs.c.outcome, action_runs.c.latency_ms).where(action_runs.c.at >= cutoff)
        ).all()
        started = connection.execute(
            select(conversations.c.outcome, conversations.c.handed_off).where(conversations.c.created_at >= cutoff)
        ).all()
        tag_rows = connection.execute(
            select(tags.c.tag, func.count().label("n"))
            .where(tags.c.at >= cutoff)
            .group_by(tags.c.tag)
            .order_by(func.count().desc(), tags.c.tag)
            .limit(top)
        ).all()
        asks = connection.execute(
            select(func.lower(messages.c.text).label("text"), func.count().label("n"))
            .where(and_(messages.c.at >= cutoff, messages.c.out_of_scope == 1))
            .group_by(func.lower(messages.c.text))
            .order_by(func.count().desc(), func.lower(messages.c.text))
            .limit(top)
        ).all()

    actions: dict[str, dict[str, Any]] = {}
    latencies: dict[str, list[float]] = {}
    for action, outcome, latency in runs:
        entry = actions.setdefault(action, {"requests": 0, "successes": 0, "failures": 0, "handoffs": 0})
        entry["requests"] += 1
        if outcome == "ok":
            entry["successes"] += 1
        elif outcome in FAILURES:
            entry["failures"] += 1
        elif outcome == "handoff":
            entry["handoffs"] += 1
        if latency is not None:
            latencies.setdefault(action, []).append(float(latency))
    for action, entry in actions.items():
        values = sorted(latencies.get(action, ()))
        entry["p50_ms"] = _percentile(values, 50)
        entry["p95_ms"] = _percentile(values, 95)

    total = len(started)
    deflected = sum(1 for outcome, handed_off in started if outcome == "resolved" and not handed_off)
    handed = sum(1 for _, handed_off in started if handed_off)
    return {
        "since": since,
        "from": cutoff,
        "to": now,
        "actions": [{"action": name, **actions[name]} for name in sorted(actions)],
        "conversations": total,
        "resolved_without_human": deflected,
        "handed_off": handed,
        "deflection_rate": round(deflected / total, 4) if total else None,
        "top_tags": [{"tag": tag, "conversations": n} for tag, n in tag_rows],
        "out_of_scope": [{"message": message, "count": n} for message, n in asks],
    }


def _percentile(values: list[float], pct: int) -> float | None:
    """Nearest-rank percentile of sorted values."""
    if not values:
        return None
    rank = max(1, -(-pct * len(values) // 100))
    return round(values[rank - 1], 3)
