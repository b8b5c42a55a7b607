"""`chatgw inbox`: list handoffs, show one with its whole thread and action runs, or decide an
approval (`chatgw inbox approve|reject ID`), sending its parked request from this machine."""

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
from chatgw.cli._common import DEFAULT_CONFIG, EXIT_CANNOT_RUN, TextOrJson, fail, load_or_fail, open_project_store, open_store_of, stderr
from chatgw.errors import ChatgwError

if TYPE_CHECKING:
    from chatgw.compiler.plans import ProjectPlan
    from chatgw.store import Handoff, Store

DECISIONS = ("approve", "reject")


class Status(str, Enum):
    open = "open"
    claimed = "claimed"
    resolved = "resolved"


@app.command()
def inbox(
    handoff_id: Optional[str] = typer.Argument(
        None, help="Show this handoff; list them when left out. `approve ID` or `reject ID` decides an approval."
    ),
    decided: Optional[str] = typer.Argument(None, metavar="[ID]", help="The approval to approve or reject."),
    config: Path = typer.Option(DEFAULT_CONFIG, "--config", "-c", help=CONFIG_HELP),
    status: Optional[Status] = typer.Option(None, "--status", help="Only handoffs with this status."),
    agent: Optional[str] = typer.Option(None, "--agent", help="Who decides (approve, reject); default: $USER."),
    reason: Optional[str] = typer.Option(None, "--reason", help="What the customer is told (reject)."),
    output: TextOrJson = typer.Option(TextOrJson.text, "--format", "-f", help="Output format."),
) -> None:
    """The shared inbox in the terminal (reads the store named in the config)."""
    if handoff_id in DECISIONS:
        _decide(config, handoff_id, decided, agent, reason, output)
        return
    if decided is not None:
        fail(f"unexpected argument {decided!r}; `chatgw inbox ID` shows one handoff, `chatgw inbox approve ID` decides one")
    store = open_project_store(config)
    try:
        if handoff_id is None:
            _list(store, status.value if status else None, output)
        else:
            _show(store, handoff_id, output)
    finally:
        store.close()


def _list(store: Store, status: str | None, output: TextOrJson) -> None:
    found = store.handoffs(status)
    if output is TextOrJson.json:
        sys.stdout.write(json.dumps({"handoffs": [h.as_dict(packet=False) for h in found]}, indent=2) + "\n")
        return
    table = Table(title="Handoffs")
    for column in ("id", "kind", "status", "reason", "conversation", "assignee", "created"):
        table.add_column(column)
    for handoff in found:
        kind = handoff.kind if handoff.approval is None else f"approval ({handoff.approval.status})"
        table.add_row(
            handoff.id, kind, handoff.status, handoff.reason, handoff.conversation_id,
            handoff.assignee or "-", _when(handoff.created_at),
        )
    Console(highlight=False, soft_wrap=True).print(table)


def _decide(
    config: Path, decision: str, handoff_id: str | None, agent: str | None, reason: str | None, output: TextOrJson
) -> None:
    """Approve (send the parked request, once) or reject an approval, as `POST /v1/handoffs/{id}/...` does."""
    import asyncio
    import os

    if handoff_id is None:
        fail(f"name the approval: `chatgw inbox {decision} ID` (`chatgw inbox` lists them)")
    agent = agent or os.environ.get("USER") or ""
    if not 1 <= len(agent) <= 200:
        fail("say who decides: --agent NAME (1 to 200 characters)")
    if decision == "reject" and not (reason and reason.strip()):
        fail("say why, for the customer: --reason TEXT")
    project = load_or_fail(config)
    store = open_store_of(project, config)
    try:
        answer = asyncio.run(_decision(project, store, config, decision, handoff_id, agent, reason or ""))
    finally:
        store.close()
    if output is TextOrJson.json:
        sys.stdout.write(json.dumps(answer, indent=2, default=str) + "\n")
        return
    run = answer.get("action_run") or {}
    verb = "Approved" if decision == "approve" else "Rejected"
    sent = f"sent {run.get('operation')}, outcome {run.get('outcome')}" if decision == "approve" else "nothing was sent"
    console = Console(highlight=False, soft_wrap=True)
    console.print(f"{verb} {handoff_id} ({sent}). The customer is told:", markup=False)
    for reply in answer["replies"]:
        console.print(f"  {reply}", markup=False)


async def _decision(
    project: ProjectPlan, store: Store, config: Path, decision: str, handoff_id: str, agent: str, reason: str
) -> dict:
    # Heavy: the server's gateway, only when a decision is taken.
    from chatgw.runtime import HttpSender
    from chatgw.server import approvals
    from chatgw.server.errors import ApiError
    from chatgw.server.gateway import Gateway, build_plans
    from chatgw.server.metrics import Metrics

    async with HttpSender(project.upstream) as sender:
        try:
            gateway = Gateway(build_plans(project, sender), store, sender, Metrics(), config_path=config)
            if decision == "approve":
                return await approvals.approve(gateway, handoff_id, agent)
            return await approvals.reject(gateway, handoff_id, agent, reason)
        except ApiError as error:
            fail(error.message)
        except ChatgwError as error:
            fail(error)


def _show(store: Store, handoff_id: str, output: TextOrJson) -> None:
    handoff = store.handoff(handoff_id)
    if handoff is None:
        stderr.print(f"chatgw: error: no handoff {handoff_id}; `chatgw inbox` lists them", markup=False)
        raise typer.Exit(EXIT_CANNOT_RUN)
    messages = store.messages(handoff.conversation_id)
    if output is TextOrJson.json:
        data = {**handoff.as_dict(), "transcript": [m.as_dict() for m in messages]}
        sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
        return
    _print(handoff, store, Console(highlight=False, soft_wrap=True))


def _print(handoff: Handoff, store: Store, console: Console) -> None:
    console.print(f"{handoff.id}  {handoff.status}  reason: {handoff.reason}  assignee: {handoff.assignee or '-'}", markup=False)
    console.print(f"conversation {handoff.conversation_id}, since {_when(handoff.created_at)}", markup=False)
    if handoff.approval is not None:
        approval = handoff.approval.as_dict()
        request = approval["request"]
        console.print(f"approval of {approval['action']}: {approval['status']}; {approval['reason'] or ''}", markup=False)
        console.print(f"  {request.get('method')} {request.get('url')}  body: {json.dumps(request.get('body'))}", markup=False)
        console.print(f"  request hash {approval['request_hash']}", markup=False)
        if approval["status"] == "pending":
            console.print(f"  decide: chatgw inbox approve {handoff.id}  |  chatgw inbox reject {handoff.id} --reason TEXT", markup=False)
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
