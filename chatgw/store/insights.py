"""Insights over a window: per action counts and latencies, approvals, deflection, a daily
series, tags, unmet asks."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable

from sqlalchemy import and_, func, select

from chatgw.store.store import Store
from chatgw.store.tables import action_runs, approvals, conversations, handoffs, messages, tags

FAILURES = ("failed", "invalid", "unreachable")
_SINCE = re.compile(r"[ \t]*([0-9]{1,12})[ \t]*([smhdw])[ \t]*")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
MAX_SINCE = 520 * 604800  # ten years: older than any store
DAILY_FULL_DAYS = 366  # windows up to this long get every day in the daily series
_APPROVAL_ENDS = ("requested", "approved", "rejected", "withdrawn", "pending")
_DAILY_COUNTS = ("conversations", "resolved_without_human", "handoffs", "approvals")


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
            select(conversations.c.outcome, conversations.c.handed_off, conversations.c.created_at)
            .where(conversations.c.created_at >= cutoff)
        ).all()
        handed_at = connection.execute(
            select(handoffs.c.created_at).where(handoffs.c.created_at >= cutoff, handoffs.c.kind == "handoff")
        ).scalars().all()
        asked = connection.execute(
            select(approvals.c.action, approvals.c.status, approvals.c.created_at, approvals.c.decided_at)
            .where(approvals.c.created_at >= cutoff)
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
    deflected = sum(1 for outcome, handed_off, _ in started if outcome == "resolved" and not handed_off)
    handed = sum(1 for _, handed_off, _ in started if handed_off)
    return {
        "since": since,
        "from": cutoff,
        "to": now,
        # Most requested first; ties by name, so the order is stable.
        "actions": [{"action": name, **actions[name]} for name in sorted(actions, key=lambda a: (-actions[a]["requests"], a))],
        "conversations": total,
        "resolved_without_human": deflected,
        "handed_off": handed,
        "deflection_rate": round(deflected / total, 4) if total else None,
        "approvals": _approvals(asked),
        "daily": _daily(cutoff, now, started, handed_at, [row.created_at for row in asked]),
        "top_tags": [{"tag": tag, "conversations": n} for tag, n in tag_rows],
        "out_of_scope": [{"message": message, "count": n} for message, n in asks],
    }


def _approvals(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Per action: approvals requested in the window, how they ended (decided by a teammate,
    withdrawn by the customer, or still pending), and how long a teammate took to decide."""
    found: dict[str, dict[str, Any]] = {}
    waits: dict[str, list[float]] = {}
    for action, status, created_at, decided_at in rows:
        entry = found.setdefault(action, dict.fromkeys(_APPROVAL_ENDS, 0))
        entry["requested"] += 1
        entry[status if status in _APPROVAL_ENDS else "pending"] += 1
        if decided_at is not None and status != "withdrawn":  # nobody decided a withdrawn one
            waits.setdefault(action, []).append(float(decided_at) - float(created_at))
    for action, entry in found.items():
        values = sorted(waits.get(action, ()))
        entry["p50_decision_s"] = _percentile(values, 50)
        entry["p95_decision_s"] = _percentile(values, 95)
    return [{"action": name, **found[name]} for name in sorted(found)]


def _daily(
    cutoff: float, now: float, started: Iterable[Any], handed_at: Iterable[float], asked_at: Iterable[float]
) -> list[dict[str, Any]]:
    """One entry per UTC day of the window, oldest first, zeros included: conversations started,
    those resolved without a human, handoffs and approvals requested. A window longer than
    DAILY_FULL_DAYS starts at its first day with any activity, so ten years of nothing stay short."""
    days: dict[str, dict[str, int]] = {}

    def day(at: float) -> dict[str, int]:
        return days.setdefault(_date(at), dict.fromkeys(_DAILY_COUNTS, 0))

    for outcome, handed_off, created_at in started:
        entry = day(created_at)
        entry["conversations"] += 1
        entry["resolved_without_human"] += int(outcome == "resolved" and not handed_off)
    for at in handed_at:
        day(at)["handoffs"] += 1
    for at in asked_at:
        day(at)["approvals"] += 1
    first = _date(cutoff)
    if now - cutoff > DAILY_FULL_DAYS * 86400:
        first = min(days, default=_date(now))
    current, last = date.fromisoformat(first), date.fromisoformat(_date(now))
    series = []
    while current <= last:
        key = current.isoformat()
        series.append({"date": key, **days.get(key, dict.fromkeys(_DAILY_COUNTS, 0))})
        current += timedelta(days=1)
    return series


def _date(at: float) -> str:
    return datetime.fromtimestamp(at, timezone.utc).date().isoformat()


def _percentile(values: list[float], pct: int) -> float | None:
    """Nearest-rank percentile of sorted values."""
    if not values:
        return None
    rank = max(1, -(-pct * len(values) // 100))
    return round(values[rank - 1], 3)
