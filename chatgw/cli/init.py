"""`chatgw init`: scaffold chatgw.yaml and action files from chosen operations of a spec."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Callable

import typer
from rich.console import Console
from rich.prompt import Prompt
from rich.table import Table

from chatgw.cli import CONFIG_HELP, app
from chatgw.cli._common import DEFAULT_CONFIG, EXIT_FINDINGS, EXIT_OK, fail
from chatgw.errors import ChatgwError
from chatgw.openapi.loader import Spec, load_spec
from chatgw.openapi.model import Operation
from chatgw.scaffold import init_project, select_operations


@app.command()
def init(
    spec: Path = typer.Option(..., "--spec", "-s", help="The product API's OpenAPI spec (YAML or JSON)."),
    operations: list[str] = typer.Option(
        [], "--operation", "-o", metavar="ID", help='An operationId or "METHOD /path"; repeatable.'
    ),
    all_: bool = typer.Option(False, "--all", help="Scaffold every operation of the spec."),
    config: Path = typer.Option(DEFAULT_CONFIG, "--config", "-c", help=CONFIG_HELP),
    force: bool = typer.Option(False, "--force", help="Replace action files that already exist."),
) -> None:
    """Write chatgw.yaml (when missing) and one action file per chosen operation.

    Without --operation or --all, lists the operations and asks which to scaffold (in a
    terminal only). Exit 0 when every file was written, 1 when some existed and were kept.
    """
    console = Console(highlight=False, soft_wrap=True)
    if not spec.is_file():
        problem = "is a folder" if spec.is_dir() else "is not a file" if spec.exists() else "does not exist"
        fail(f"{spec} {problem}; pass --spec the path of the product API's OpenAPI file (YAML or JSON)")
    try:
        loaded = load_spec(spec)
        if next(loaded.operations(), None) is None:
            fail(f"{spec} has no operations under `paths:`; is it the product API's full spec?")
        if all_:
            chosen = list(loaded.operations())
        elif operations:
            chosen = select_operations(loaded, operations)
        elif sys.stdin.isatty():
            chosen = pick_operations(loaded, console, Prompt.ask)
        else:
            fail("name the operations with --operation ID (repeatable) or --all; the interactive pick needs a terminal")
        result = init_project(loaded, chosen, config, force=force)
    except ChatgwError as error:
        fail(error)
    if result.config is not None:
        console.print(f"wrote {_shown(result.config)}", markup=False)
    for path in result.written:
        console.print(f"wrote {_shown(path)}", markup=False)
    for path in result.skipped:
        console.print(f"kept {_shown(path)}: it exists (--force replaces it)", markup=False)
    if result.written:
        console.print(
            "Next: replace the TODO examples with what customers really write, check the prompts "
            "and replies, then run `chatgw validate`.",
            markup=False,
        )
    raise typer.Exit(EXIT_FINDINGS if result.skipped else EXIT_OK)


def pick_operations(spec: Spec, console: Console, ask: Callable[..., str]) -> list[Operation]:
    """List the spec's operations, numbered, and ask which to scaffold ("1,3,5-7")."""
    operations = list(spec.operations())
    if not operations:
        fail(f"{spec.path} has no operations")
    table = Table(title=f"{spec.title or spec.path}: {len(operations)} operations", show_lines=False)
    table.add_column("#", justify="right")
    table.add_column("operation")
    table.add_column("method and path")
    table.add_column("summary")
    for number, operation in enumerate(operations, 1):
        table.add_row(str(number), operation.operation_id or "-", operation.key, operation.summary or "")
    console.print(table)
    while True:
        answer = ask("Which operations? Numbers or ranges, e.g. 1,3,5-7")
        try:
            numbers = parse_numbers(answer, len(operations))
        except ValueError as error:
            console.print(f"[red]{error}[/]")
            continue
        return [operations[number - 1] for number in numbers]


def parse_numbers(answer: str, count: int) -> list[int]:
    """`1,3,5-7` -> [1, 3, 5, 6, 7]; ValueError saying what is wrong."""
    numbers: dict[int, None] = {}
    for part in filter(None, (piece.strip() for piece in re.split(r"[,\s]+", answer))):
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if match is None:
            raise ValueError(f"'{part}' is not a number or a range like 5-7")
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        if not 1 <= first <= last <= count:
            raise ValueError(f"'{part}' is outside 1-{count}")
        numbers.update(dict.fromkeys(range(first, last + 1)))
    if not numbers:
        raise ValueError("choose at least one operation")
    return list(numbers)


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


