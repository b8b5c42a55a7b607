"""`chatgw mcp`: the actions as MCP tools over stdio, for an operator's own agent or MCP client."""

from __future__ import annotations

from pathlib import Path
from typing import Any, List, Optional

import typer

from chatgw.cli import CONFIG_HELP, app
from chatgw.cli._common import DEFAULT_CONFIG, fail, load_or_fail, open_store_of


@app.command()
def mcp(
    config: Path = typer.Option(DEFAULT_CONFIG, "--config", "-c", help=CONFIG_HELP),
    as_: Optional[List[str]] = typer.Option(
        None, "--as", metavar="CLAIM=VALUE",
        help="A claim of the identity the tools act for (repeat: --as sub=cus_1 --as customer_id=cus_1).",
    ),
) -> None:
    """Serve the actions as MCP tools on stdin/stdout, acting for the identity given with --as."""
    claims = _claims(as_ or [])
    project = load_or_fail(config)
    # Heavy (the SDK, SQLAlchemy, httpx): only once the project is known to be good.
    import anyio

    from chatgw.cli.serve import fail_lines
    from chatgw.mcp import Caller, TokenKeys, ToolCalls, build_server, serve_stdio
    from chatgw.runtime import HttpSender
    from chatgw.server.app import unset_secrets
    from chatgw.server.gateway import StoreJournal, turn_lease
    from chatgw.server.identity import claim_value

    missing = unset_secrets(project)
    if missing:
        fail_lines(secret.line(config.name) for secret in missing)
    store = open_store_of(project, config)
    secret = project.server.confirmation_secret
    keys = TokenKeys.from_secret(secret.reveal() if secret is not None else None)
    lease = turn_lease(project)
    caller = Caller(claims, claim_value(claims, project.identity.subject))

    def journal(conversation_id: str, subject: str | None, claims: dict[str, Any]) -> StoreJournal:
        return StoreJournal(store, conversation_id, None, subject, claims, lease)

    async def main() -> None:
        sender = HttpSender(project.upstream)
        calls = ToolCalls(project, store, sender, keys, journal=journal)
        server = build_server(lambda: calls, lambda ctx: caller, name=f"chatgw {project.name}",
                              instructions=instructions(project.name, claims))
        try:
            await serve_stdio(server)
        finally:
            await sender.aclose()

    try:
        anyio.run(main)
    finally:
        store.close()


def instructions(project: str, claims: dict[str, str]) -> str:
    """What the client is told at start-up: whom the tools act for, and how confirmation works."""
    who = ", ".join(f"{name}={value}" for name, value in claims.items()) or "nobody (no --as given: tools that need a claim refuse)"
    return (
        f"chatgw tools of {project}, acting for {who} (set by the operator with --as). Ids that name "
        "the customer come from that identity, never from arguments. A tool that changes something "
        "first answers with what it would do and a confirmation token: ask the user, and only if they "
        "agree, repeat the call with the same arguments and the token."
    )


def _claims(pairs: list[str]) -> dict[str, str]:
    claims: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value:
            fail(f"--as {pair!r} is not CLAIM=VALUE; write it like --as customer_id=cus_123")
        claims[name.strip()] = value
    return claims
