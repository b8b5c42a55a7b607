"""`chatgw insights`: what the bot resolved, what it handed over, what nobody covers."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, Callable

import typer
from rich.console import Console
from rich.table import Table

from chatgw.cli import CONFIG_HELP, app
from chatgw.cli._common import DEFAULT_CONFIG, TextOrJson, fail, open_project_store


@app.command()
def insights(
    config: Path = typer.Option(DEFAULT_CONFIG, "--config", "-c", help=CONFIG_HELP),
    since: str = typer.Option("7d", "--since", help="Window: 7d, 24h, 30m, 2w."),
    output: TextOrJson = typer.Option(TextOrJson.text, "--format", "-f", help="Output format."),
) -> None:
    """Per action requests, successes, failures, handoffs and latency; a daily series; approvals; deflection; top tags; unmet asks."""
    store = open_project_store(config)
    from chatgw.store import insights as compute  # heavy: only when the command runs

    try:
        data = compute(store, since=since, now=time.time())
    except ValueError as error:
        fail(str(error))
    finally:
        store.close()
    if output is TextOrJson.json:
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    render(data, Console(highlight=False, soft_wrap=True))


def render(data: dict[str, Any], console: Console) -> None:
    """The insights as rich tables."""
    _show(console, _per_action(
        f"Actions, last {data['since']}", data["actions"], ("requests", "successes", "failures", "handoffs"),
        {"p50 ms": ("p50_ms", _ms), "p95 ms": ("p95_ms", _ms)},
    ))
    rate = data["deflection_rate"]
    console.print(
        f"Conversations: {data['conversations']}; resolved with no human: {data['resolved_without_human']}"
        f" (deflection {'-' if rate is None else f'{rate:.0%}'}); handed off: {data['handed_off']}"
    )
    _show(console, _daily(data["daily"]))
    if data["approvals"]:
        _show(console, _per_action(
            "Approvals", data["approvals"], ("requested", "approved", "rejected", "withdrawn", "pending"),
            {"p50 wait": ("p50_decision_s", _seconds), "p95 wait": ("p95_decision_s", _seconds)},
        ))
    if data["top_tags"]:
        tags = Table(title="Top tags")
        tags.add_column("tag")
        tags.add_column("conversations", justify="right")
        for row in data["top_tags"]:
            tags.add_row(row["tag"], str(row["conversations"]))
        _show(console, tags)
    if data["out_of_scope"]:
        asks = Table(title="Most frequent out-of-scope messages")
        asks.add_column("message")
        asks.add_column("count", justify="right")
        for row in data["out_of_scope"]:
            asks.add_row(row["message"], str(row["count"]))
        _show(console, asks)


def _show(console: Console, table: Table) -> None:
    """Print `table`; into a pipe or a file as wide as its content, so no cell is cut to "…"."""
    if not console.is_terminal:  # nobody's window to fit: a pipe or a file gets every character
        unbounded = console.measure(table, options=console.options.update_width(10_000)).maximum
        console.width = max(console.width, unbounded)
    console.print(table)


def _per_action(
    title: str, rows: list[dict[str, Any]], counts: tuple[str, ...], timed: dict[str, tuple[str, Callable[[Any], str]]]
) -> Table:
    """One row per action: its counts, then its timings as `timed` formats them."""
    table = Table(title=title)
    for column in ("action", *counts, *timed):
        table.add_column(column, justify="left" if column == "action" else "right")
    for row in rows:
        times = (show(row[key]) for key, show in timed.values())
        table.add_row(row["action"], *(str(row[key]) for key in counts), *times)
    return table


def _daily(days: list[dict[str, Any]]) -> Table:
    """One row per UTC day, oldest first, quiet days included (as the JSON's `daily`)."""
    table = Table(title="Daily (UTC)")
    table.add_column("date")
    for heading in _DAILY.values():
        table.add_column(heading, justify="right")
    for day in days:
        table.add_row(day["date"], *(str(day[key]) for key in _DAILY))
    return table


_DAILY = {  # the daily series' counts, as the table heads them
    "conversations": "conversations", "resolved_without_human": "resolved, no human",
    "handoffs": "handoffs", "approvals": "approvals asked",
}


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.0f} s" if value < 120 else f"{value / 60:.0f} min"
