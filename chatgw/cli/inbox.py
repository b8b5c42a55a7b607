"""`chatgw inbox`: list handoffs, or show one with its whole thread and action runs."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.console import Console
from rich.table import Table

from chatgw.cli import CONFIG_HELP, app
from chatgw.cli._common import DEFAULT_CONFIG, EXIT_CANNOT_RUN, open_project_store, stderr

if TYPE_CHECKING:
    from chatgw.store import Handoff, Store


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


class Status(str, Enum):
    open = "open"
    claimed = "claimed"
    resolved = "resolved"


@app.command()
def inbox(
    handoff_id: Optional[str] = typer.Argument(None, help="Show this handoff; list them when left out."),
    config: Path = typer.Option(DEFAULT_CONFIG, "--config", "-c", help=CONFIG_HELP),
    status: Optional[Status] = typer.Option(None, "--status", help="Only handoffs with this status."),
    output: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """The shared inbox in the terminal (reads the store named in the config)."""
    store = open_project_store(config)
    try:
        if handoff_id is None:
            _list(store, status.value if status else None, output)
        else:
            _show(store, handoff_id, output)
    finally:
        store.close()


def _list(store: Store, status: str | None, output: OutputFormat) -> None:
    found = store.handoffs(status)
    if output is OutputFormat.json:
        sys.stdout.write(json.dumps({"handoffs": [h.as_dict(packet=False) for h in found]}, indent=2) + "\n")
        return
    table = Table(title="Handoffs")
    for column in ("id", "status", "reason", "conversation", "assignee", "created"):
        table.add_column(column)
    for handoff in found:
        table.add_row(
            handoff.id, handoff.status, handoff.reason, handoff.conversation_id,
            handoff.assignee or "-", _when(handoff.created_at),
        )
    Console(highlight=False, soft_wrap=True).print(table)


def _show(store: Store, handoff_id: str, output: OutputFormat) -> None:
    handoff = store.handoff(handoff_id)
    if handoff is None:
        stderr.print(f"chatgw: error: no handoff {handoff_id}; `chatgw inbox` lists them", markup=False)
        raise typer.Exit(EXIT_CANNOT_RUN)
    messages = store.messages(handoff.conversation_id)
    if output is OutputFormat.json:
        data = {**handoff.as_dict(), "transcript": [m.as_dict() for m in messages]}
        sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
        return
    _print(handoff, store, Console(highlight=False, soft_wrap=True))


def _print(handoff: Handoff, store: Store, console: Console) -> None:
    console.print(f"{handoff.id}  {handoff.status}  reason: {handoff.reason}  assignee: {handoff.assignee or '-'}", markup=False)
    console.print(f"conversation {handoff.conversation_id}, since {_when(handoff.created_at)}", markup=False)
    identity = handoff.packet.get("identity") or {}
    if identity:
        console.print("identity: " + ", ".join(f"{k}={v}" for k, v in identity.items()), markup=False)
    slots = handoff.packet.get("slots") or {}
    if slots:
        console.print("slots: " + ", ".join(f"{k}={v}" for k, v in slots.items()), markup=False)
    console.print()
    for message in store.messages(handoff.conversation_id):
        who = message.role if message.author is None else f"{message.role} ({message.author})"
        console.print(f"{_when(message.at)}  {who:>10}: {message.text}", markup=False)
    runs = store.runs(handoff.conversation_id)
    if runs:
        table = Table(title="Action runs")
        for column in ("action", "operation", "outcome", "status", "ms"):
            table.add_column(column)
        for run in runs:
            table.add_row(
                run.action, run.operation or "-", run.outcome, str(run.status or "-"),
                "-" if run.latency_ms is None else f"{run.latency_ms:.1f}",
            )
        console.print(table)


def _when(at: float) -> str:
    return datetime.fromtimestamp(at, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
