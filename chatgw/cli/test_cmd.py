"""`chatgw test`: run the conversation tests; exit 0 all passed, 1 failures, 2 could not run."""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Optional

import typer

from chatgw.cli import CONFIG_HELP, app
from chatgw.cli._common import DEFAULT_CONFIG, EXIT_CANNOT_RUN, EXIT_FINDINGS, EXIT_OK, TextOrJson, fail, stderr
from chatgw.compiler import compile_project
from chatgw.compiler.diagnostics import Diagnostic
from chatgw.compiler.formatters import shown_path
from chatgw.errors import ChatgwError

if TYPE_CHECKING:
    from chatgw.testing import CaseResult, SuiteResult


@app.command("test")
def run_tests(
    paths: Optional[list[Path]] = typer.Argument(
        None, help="Test files or folders; by default the tests: folder of chatgw.yaml."
    ),
    config: Path = typer.Option(DEFAULT_CONFIG, "--config", "-c", help=CONFIG_HELP),
    mock: bool = typer.Option(
        False, "--mock", help="Answer requests without a respond: stub from the spec's examples (default: dry run)."
    ),
    keyword: Optional[str] = typer.Option(
        None, "-k", metavar="TEXT", help="Only the conversations whose file::name contains TEXT."
    ),
    junit: Optional[Path] = typer.Option(None, "--junit", metavar="PATH", help="Also write JUnit XML to PATH."),
    output: TextOrJson = typer.Option(TextOrJson.text, "--format", "-f", help="Output format."),
) -> None:
    """Run conversation tests against the compiled actions; nothing is sent to the real API."""
    # Imported here: the runner pulls in the engine, which other commands do not need.
    from chatgw.testing import SuiteError, load_cases, run_suite, select, suite_files, write_junit
    from chatgw.testing.report import render_failures, render_line, render_summary

    root = config.resolve().parent
    try:
        compiled = compile_project(config)
        if compiled.plan is None:
            _print_problems(compiled.errors, root, "the configuration has errors; `chatgw validate` shows them all")
        plan = compiled.plan
        root = Path(plan.root)
        cases = load_cases(
            suite_files(paths or [root / plan.tests]), root, actions={action.name for action in plan.actions}
        )
    except SuiteError as error:
        _print_problems(error.diagnostics, root, "fix the test files")
    except ChatgwError as error:
        fail(error)
    if not cases:
        fail(f"no conversation tests found in {', '.join(map(str, paths or [root / plan.tests]))}")
    selected = select(cases, keyword)
    if not selected:
        fail(f"no conversation matches -k {keyword!r} (of {len(cases)})")

    text = output is TextOrJson.text
    if text:
        unstubbed = "spec examples" if mock else "dry run"
        typer.echo(f"chatgw test: {plan.name}, {len(selected)} conversation(s); unstubbed requests: {unstubbed}")
    on_result = (lambda result: typer.echo(render_line(result, typer.style))) if text else None
    try:
        suite = asyncio.run(
            run_suite(plan, selected, mock=mock, deselected=len(cases) - len(selected), on_result=on_result)
        )
    except ChatgwError as error:
        fail(error)
    if text:
        failures = render_failures(suite, typer.style)
        if failures:
            typer.echo("\n" + failures, nl=False)
        typer.echo(render_summary(suite, typer.style))
    else:
        sys.stdout.write(json.dumps(_as_json(suite), indent=2, ensure_ascii=False) + "\n")
    if junit is not None:
        try:
            write_junit(suite, junit, name=plan.name)
        except OSError as error:
            fail(f"cannot write the JUnit report to {junit}: {error.strerror}; pass --junit a writable path")
    raise typer.Exit(EXIT_FINDINGS if suite.failed else EXIT_OK)


def _print_problems(problems: tuple[Diagnostic, ...], root: Path, summary: str) -> NoReturn:
    for problem in problems:
        stderr.print(replace(problem, file=shown_path(root, problem.file)).one_line(), markup=False)
        if problem.hint:
            stderr.print(f"  = help: {problem.hint}", markup=False)
    stderr.print(f"chatgw: error: {summary}", markup=False)
    raise typer.Exit(EXIT_CANNOT_RUN)


def _as_json(suite: SuiteResult) -> dict[str, Any]:
    return {
        "results": [_result_json(result) for result in suite.results],
        "summary": {"passed": suite.passed, "failed": suite.failed, "deselected": suite.deselected},
    }


def _result_json(result: CaseResult) -> dict[str, Any]:
    turn = result.failed_turn
    return {
        "id": result.case.id,
        "file": result.case.file,
        "line": result.case.line,
        "name": result.case.name,
        "outcome": "passed" if result.passed else "failed",
        "failed_turn": None if turn is None else {"turn": turn.index, "line": turn.line, "user": turn.user},
        "mismatches": [] if turn is None else [mismatch.message for mismatch in turn.mismatches],
        "error": result.error,
    }
