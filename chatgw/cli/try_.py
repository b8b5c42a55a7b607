"""`chatgw try`: rehearse conversations as a customer, interactively or as JSON Lines."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from chatgw.cli import CONFIG_HELP, app
from chatgw.cli._common import DEFAULT_CONFIG, EXIT_FINDINGS, EXIT_OK, TextOrJson, fail
from chatgw.errors import ChatgwError

FIRST_CONVERSATION = "try-1"


@app.command("try")
def try_(
    config: Path = typer.Option(DEFAULT_CONFIG, "--config", "-c", help=CONFIG_HELP),
    mock: bool = typer.Option(False, "--mock", help="Answer from the spec's examples; send nothing."),
    live: bool = typer.Option(False, "--live", help="Send the requests to the upstream for real."),
    claims: list[str] = typer.Option(
        [], "--as", metavar="CLAIM=VALUE", help="An identity claim of the customer; repeatable."
    ),
    output: TextOrJson = typer.Option(TextOrJson.text, "--format", "-f", help="Output format."),
) -> None:
    """Chat as a customer. Dry run by default: shows the request that would be sent."""
    if mock and live:
        fail("choose one of --mock and --live")
    identity = _parse_claims(claims)
    mode = "live" if live else "mock" if mock else "dry-run"
    # Imported here so that other commands do not pay for the engine's start-up.
    from chatgw.cli._try_session import session
    from chatgw.compiler import load_project

    try:
        project = load_project(config)
        bad_lines = asyncio.run(session(project, mode, identity, output))
    except ChatgwError as error:
        fail(error)
    raise typer.Exit(EXIT_FINDINGS if bad_lines else EXIT_OK)


def _parse_claims(pairs: list[str]) -> dict[str, str]:
    claims = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            fail(f"--as takes CLAIM=VALUE, got {pair!r}")
        claims[name.strip()] = value
    return claims
