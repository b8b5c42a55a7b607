"""`chatgw demo`: the bundled Acme API and the gateway on loopback, ready to chat in a browser."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from chatgw.cli import CONFIG_HELP, app
from chatgw.cli._common import DEFAULT_CONFIG, fail
from chatgw.errors import ChatgwError


@app.command()
def demo(
    config: Path = typer.Option(DEFAULT_CONFIG, "--config", "-c", help=CONFIG_HELP),
    port: int = typer.Option(8080, "--port", min=0, max=65535, help="Port of the gateway (chat, inbox, insights)."),
    api_port: int = typer.Option(8081, "--api-port", min=0, max=65535, help="Port of the demo Acme API."),
    store: str = typer.Option(None, "--store", help="Store URL; default: a fresh SQLite file for this run."),
) -> None:
    """Start the demo Acme API and the gateway on 127.0.0.1 and print the URLs."""
    from chatgw.cli.serve import fail_lines
    from chatgw.demo.launcher import DemoSettings, build_demo, listen, serve_demo
    from chatgw.server.app import UnsetSecrets

    settings = DemoSettings(config=config, port=port, api_port=api_port, store=store)
    try:
        sockets = listen(settings)
        try:
            running = build_demo(settings)
        except BaseException:
            for sock in sockets:  # the ports are free again when the demo cannot start
                sock.close()
            raise
    except UnsetSecrets as error:
        fail_lines(error.lines)
    except ChatgwError as error:
        fail(error)
    urls = running.urls
    typer.echo(
        "chatgw demo is running (Ctrl+C to stop)\n"
        f"  chat      {urls['chat']}\n"
        f"  inbox     {urls['inbox']}\n"
        f"  insights  {urls['insights']}\n"
        f"  MCP       {urls['mcp']} (streamable HTTP; header Authorization: Bearer <identity_token of {urls['identity']}>)\n"
        f"  Acme API  {urls['acme_api']} (spec at /openapi.yaml)\n"
        f"Signed in as the demo customer cus_demo, who owns projects proj_8f2k1 and proj_ab12c.\n"
        "Try: 'reset my api key for proj_8f2k1', 'how much of my quota have I used', 'talk to a human'."
    )
    try:
        asyncio.run(serve_demo(running, sockets))
    except KeyboardInterrupt:
        pass
