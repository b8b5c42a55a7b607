"""Helpers shared by command modules: the exit codes and how a fatal error is printed."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console

from chatgw.errors import ChatgwError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_CANNOT_RUN = 2

DEFAULT_CONFIG = Path("chatgw.yaml")

stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def fail(error: ChatgwError | str) -> NoReturn:
    """Print a one-line reason and exit 2: the command could not run."""
    stderr.print(f"chatgw: error: {error}", markup=False)
    raise typer.Exit(EXIT_CANNOT_RUN)
