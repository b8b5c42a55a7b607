"""How well the demo understands realistic, messy customers: a conversation corpus by category.

    .venv/bin/python bench/understanding.py [--engine embeddings|builtin] [--json PATH] [-v]

`bench/understanding/` holds `chatgw test` conversation files, one file per category (typos,
slang, rambling messages, two requests in one, corrections, values given early, relative
amounts and durations, negations, questions about an action, out of scope and small talk,
topic changes mid-form, "yes but ...", punctuation and casing). `tuned/` is the part the
understanding was improved against; `heldout/` was written at the same time and only ever
measured, so its figures say how the fixes carry over. A conversation counts as understood
when every turn meets its expectations (`docs/testing.md`). `-v` prints each failing turn.

The corpus runs against the demo deployment (`chatgw.yaml`, `actions/`), in dry-run mode.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chatgw.compiler import compile_project  # noqa: E402
from chatgw.testing import load_cases, run_suite, suite_files  # noqa: E402

CORPUS = Path(__file__).resolve().parent / "understanding"
PARTS = ("tuned", "heldout")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("embeddings", "builtin"), default=None, help="default: the config's")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each failing turn")
    args = parser.parse_args(argv)

    plan = compile_project(ROOT / "chatgw.yaml").plan
    assert plan is not None, "the demo deployment does not compile: run `chatgw validate`"
    if args.engine is not None:
        plan = replace(plan, nlu=replace(plan.nlu, engine=args.engine))
    names = {action.name for action in plan.actions}
    figures: dict[str, dict[str, list[int]]] = {}
    for part in PARTS:
        cases = load_cases(suite_files([CORPUS / part]), ROOT, actions=names)
        suite = asyncio.run(run_suite(plan, cases))
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for result in suite.results:
            category = Path(result.case.file).stem
            counts[category][0] += result.passed
            counts[category][1] += 1
            if args.verbose and not result.passed:
                _show(result)
        figures[part] = dict(sorted(counts.items()))
    _print(figures, plan.nlu.engine)
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


def _show(result: object) -> None:
    failed = result.failed_turn  # type: ignore[attr-defined]
    case = result.case  # type: ignore[attr-defined]
    if failed is None:
        print(f"ERROR {case.id}: {result.error}")  # type: ignore[attr-defined]
        return
    turn = failed.turn
    print(f"FAIL {case.id} turn {failed.index}: {failed.user!r}")
    for mismatch in failed.mismatches:
        print(f"    {mismatch.message}")
    print(f"    -> intent={turn['intent']['name']} state={turn['state']} slots={turn['slots']}")
    for reply in turn["replies"]:
        print(f"    | {reply[:160]!r}")


def _print(figures: dict[str, dict[str, list[int]]], engine: str) -> None:
    categories = sorted({c for part in figures.values() for c in part})
    print(f"engine: {engine}")
    print(f"{'category':<14} " + " ".join(f"{part:>14}" for part in PARTS))
    totals = {part: [0, 0] for part in PARTS}
    for category in categories:
        cells = []
        for part in PARTS:
            passed, total = figures[part].get(category, [0, 0])
            totals[part][0] += passed
            totals[part][1] += total
            cells.append(f"{passed:>3}/{total:<3}" + (f"{100 * passed / total:5.0f}%" if total else "      "))
        print(f"{category:<14} " + " ".join(f"{cell:>14}" for cell in cells))
    print(
        f"{'all':<14} "
        + " ".join(f"{f'{p:>3}/{t:<3}{100 * p / t:5.1f}%':>14}" for p, t in totals.values())
    )


if __name__ == "__main__":
    raise SystemExit(main())
