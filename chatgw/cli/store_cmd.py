"""`chatgw store upgrade` and `chatgw store prune`: the operator's two hands on the store.

Migrations are run by a person, once, never as a side effect of `serve` (docs/serve.md);
pruning deletes conversations older than `store.retention` (or `--older-than`), never one a
person still owes an answer.
"""

from __future__ import annotations

import time
from pathlib import Path

import typer

from chatgw.cli import CONFIG_HELP, app
from chatgw.cli._common import DEFAULT_CONFIG, fail, load_or_fail, open_store_of
from chatgw.config.models import parse_retention

store_app = typer.Typer(help="The conversation store: schema migrations and retention.", no_args_is_help=True)
app.add_typer(store_app, name="store")


@store_app.command("upgrade")
def upgrade(config: Path = typer.Option(DEFAULT_CONFIG, "--config", "-c", help=CONFIG_HELP)) -> None:
    """Apply the schema migrations the store lacks (back the database up first)."""
    project = load_or_fail(config)
    from sqlalchemy.exc import SQLAlchemyError

    from chatgw.errors import ChatgwError
    from chatgw.store import upgrade_store

    try:
        applied = upgrade_store(project.store, root=project.root)
    except ChatgwError as error:
        fail(error)
    except SQLAlchemyError as error:
        fail(f"the store cannot be upgraded ({type(error).__name__}); check `store:` in {config}")
    typer.echo(f"store upgraded: applied {', '.join(applied)}" if applied else "store schema is current: nothing to apply")


@store_app.command("prune")
def prune(
    config: Path = typer.Option(DEFAULT_CONFIG, "--config", "-c", help=CONFIG_HELP),
    older_than: str | None = typer.Option(None, "--older-than", help="Override store.retention: 90d, 12w, 48h."),
) -> None:
    """Delete conversations last touched longer ago than the retention; open handoffs stay."""
    project = load_or_fail(config)
    if older_than is not None:
        try:
            keep = parse_retention(older_than)
        except ValueError as error:
            fail(f"--older-than: {error}")
    elif project.retention is not None:
        keep = project.retention
    else:
        fail("nothing to prune by: set store.retention in chatgw.yaml (store: {url: ..., retention: 90d}) or pass --older-than 90d")
    from chatgw.store.retention import prune as delete_old

    store = open_store_of(project, config)
    try:
        counts = delete_old(store, before=time.time() - keep)
    finally:
        store.close()
    typer.echo(
        f"deleted {counts['conversations']} conversation(s) last touched over {older_than or _days(keep)} ago: "
        f"{counts['messages']} message(s), {counts['action_runs']} action run(s), {counts['tags']} tag(s), "
        f"{counts['handoffs']} resolved handoff(s), {counts['outbox']} webhook delivery record(s)"
    )


def _days(seconds: float) -> str:
    return f"{seconds / 86400:g}d"
