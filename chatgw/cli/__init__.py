"""The `chatgw` command line: one module per command group, each thin (parse, call, render)."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="chatgw",
    help="A declarative action gateway for customer-support chat.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

CONFIG_HELP = "Path of chatgw.yaml."


def _register() -> None:
    # Each command module adds its commands to `app` on import.
    from chatgw.cli import commands  # noqa: F401


def main() -> None:
    """Console-script entry point."""
    _register()
    app()


@app.callback()
def _root() -> None:
    """chatgw: give your support bot safe, real actions on your own API."""
