"""The `chatgw` command line: one module per command group, each thin (parse, call, render)."""

from __future__ import annotations

import sys
from importlib import import_module
from typing import Any

import typer
from typer.core import TyperGroup

try:  # recent typer vendors click; its exceptions are not re-exported
    from typer._click import exceptions as _click_errors
except ImportError:  # pragma: no cover - older typer depends on click itself
    from click import exceptions as _click_errors  # type: ignore[no-redef]


class _Group(TyperGroup):
    """Usage errors (`--format xml`) as one `chatgw: error:` line and exit 2, like every other
    could-not-run reason, instead of a boxed multi-line panel."""

    def main(self, *args: Any, standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **extra)
        try:
            code = super().main(*args, standalone_mode=False, **extra)
        except _click_errors.NoArgsIsHelpError as error:
            sys.exit(error.exit_code)  # building the error printed the help, as typer does
        except _click_errors.UsageError as error:
            command = error.ctx.command_path if error.ctx else "chatgw"
            reason = error.format_message().replace("Value error, ", "")
            typer.echo(f"chatgw: error: {reason} (see `{command} --help`)", err=True)
            sys.exit(error.exit_code)
        except _click_errors.ClickException as error:
            typer.echo(f"chatgw: error: {error.format_message()}", err=True)
            sys.exit(error.exit_code)
        except typer.Abort:
            typer.echo("chatgw: aborted", err=True)
            sys.exit(1)
        except OSError as error:
            # What a command met on this machine and did not word itself (a path that is a
            # device, a full disk, a port it may not bind): the operator's to fix, so one line.
            where = f": {error.filename}" if error.filename else ""
            typer.echo(f"chatgw: error: {error.strerror or error}{where}", err=True)
            sys.exit(2)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=_Group,
    name="chatgw",
    help="A declarative action gateway for customer-support chat.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

CONFIG_HELP = "Path of chatgw.yaml."


# The module of each command: `chatgw validate` imports only its own, so CI pays for what it
# runs (the other commands' imports are ~100 ms of a 0.5 s run).
_MODULES = {
    "validate": "validate", "schema": "schema", "try": "try_", "test": "test_cmd", "init": "init",
    "serve": "serve", "store": "store_cmd", "inbox": "inbox", "insights": "insights", "demo": "demo",
    "tools": "tools", "mcp": "mcp_cmd",
}


def _register(command: str | None = None) -> None:
    """Add `command` to `app` (each command module registers itself on import); all of them
    when it is not a known command (help, a typo: the usage error then lists them all)."""
    if command in _MODULES:
        import_module(f"chatgw.cli.{_MODULES[command]}")
    else:
        from chatgw.cli import commands  # noqa: F401


def main() -> None:
    """Console-script entry point."""
    _register(sys.argv[1] if len(sys.argv) > 1 else None)
    app()


def _print_version(value: bool) -> None:
    if value:
        from importlib import metadata  # only for --version: it costs ~25 ms to import

        typer.echo(f"chatgw {metadata.version('chatgw')}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Print chatgw's version and exit.", callback=_print_version, is_eager=True),
) -> None:
    """chatgw: give your support bot safe, real actions on your own API."""
