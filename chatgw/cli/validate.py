"""`chatgw validate`: compile and print diagnostics."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from chatgw.cli import CONFIG_HELP, app
from chatgw.cli._common import DEFAULT_CONFIG, EXIT_FINDINGS, EXIT_OK, fail
from chatgw.compiler import compile_project
from chatgw.compiler.drift import check_drift
from chatgw.compiler.formatters import FORMATTERS
from chatgw.errors import ChatgwError


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


@app.command()
def validate(
    config: Path = typer.Option(DEFAULT_CONFIG, "--config", "-c", help=CONFIG_HELP),
    output: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="Output format."),
    strict: bool = typer.Option(False, "--strict", help="Warnings fail too."),
    against: Optional[Path] = typer.Option(
        None, "--against", metavar="NEW_SPEC", help="Compile against a new version of the spec; say what it breaks."
    ),
) -> None:
    """Compile chatgw.yaml and the actions against the OpenAPI spec; exit 0 clean, 1 findings, 2 could not run."""
    try:
        result = check_drift(config, against) if against is not None else compile_project(config)
    except ChatgwError as error:
        fail(error)
    formatter = FORMATTERS[output.value](config.resolve().parent)
    sys.stdout.write(formatter.render(result.diagnostics, result.action_count))
    failed = bool(result.errors) or (strict and bool(result.warnings))
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)
