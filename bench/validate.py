"""How long `chatgw validate` takes, cold (no spec cache) and warm, on real and generated specs.

    python bench/validate.py [--runs 3] [--only cyclic]

Cases, each with (up to) 20 read-only actions:
- a generated Stripe-shaped spec (`bench/cyclic_spec.py`: ~420 operations, resources that
  reach each other through expandable `anyOf: [id, $ref]` fields, lists and `allOf`), as JSON
  (~3.8 MB) and as YAML (~2.4 MB);
- the Intercom 2.11 spec (0.7 MB YAML) and the Twilio Accounts spec (JSON), from ../shared/specs;
- a generated spec of 2,000 operations with 20 and with 200 actions (time should grow with
  actions, not actions x operations).

CLI figures are the median wall time of the real CLI in a subprocess, so they include Python
start-up and imports, as a user sees it. Phases are measured in-process: imports (a fresh
interpreter importing the CLI), parse (the spec file's bytes to a document), resolve (building
the actions' operations, `$ref`s followed, with the schema nodes they reach) and compile
(`compile_project` with a warm cache: everything validate does once imports are loaded).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT.parent / "shared" / "specs"

sys.path.insert(0, str(ROOT))
from bench import cyclic_spec  # noqa: E402
from chatgw.compiler import compile_project  # noqa: E402
from chatgw.openapi import Spec  # noqa: E402
from chatgw.openapi._parse import parse_document  # noqa: E402
from chatgw.openapi._graph import reachable  # noqa: E402
from chatgw.openapi.loader import load_spec  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="", help="run only the cases whose name contains this")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        print(f"chatgw validate, median of {args.runs} runs; imports of the CLI: {_imports(args.runs):.3f}s")
        print(f"{'case':40} {'MB':>4} {'CLI cold':>9} {'CLI warm':>9} {'parse':>7} {'resolve':>8} {'nodes':>7} {'compile':>8}")
        for number, (name, make) in enumerate(_cases(base)):
            if args.only.lower() not in name.lower():
                continue
            spec_path, count = make()
            project = _project(base / f"p{number}", spec_path, count)
            cold, warm = _measure_cli(project, base / f"cache{number}", args.runs)
            parse, resolve, nodes, compiled = _phases(project, spec_path, base / f"pcache{number}", args.runs)
            size = spec_path.stat().st_size / 1e6
            print(
                f"{name:40} {size:4.1f} {cold:8.3f}s {warm:8.3f}s {parse:6.3f}s {resolve:7.3f}s {nodes:7d} {compiled:7.3f}s",
                flush=True,
            )


def _cases(base: Path) -> list[tuple[str, Callable[[], tuple[Path, int]]]]:
    def generated(suffix: str) -> Callable[[], tuple[Path, int]]:
        return lambda: (cyclic_spec.write(base / f"cyclic{suffix}"), 20)

    def scaled(count: int) -> Callable[[], tuple[Path, int]]:
        def make() -> tuple[Path, int]:
            path = base / "scaled.json"
            if not path.exists():
                path.write_text(json.dumps(_scaled_spec(2000)))
            return path, count

        return make

    return [
        ("cyclic (Stripe-shaped) JSON, 20 actions", generated(".json")),
        ("cyclic (Stripe-shaped) YAML, 20 actions", generated(".yaml")),
        ("Intercom 2.11 YAML, 20 actions", lambda: (SPECS / "intercom-2.11.yaml", 20)),
        ("Twilio Accounts JSON, 20 actions", lambda: (SPECS / "twilio_accounts_v1.json", 20)),
        ("2,000 operations, 20 actions", scaled(20)),
        ("2,000 operations, 200 actions", scaled(200)),
    ]


def _imports(runs: int) -> float:
    code = "import time; t = time.perf_counter(); import chatgw.cli.validate; print(time.perf_counter() - t)"
    figures = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT).stdout) for _ in range(runs)]
    return statistics.median(figures)


def _measure_cli(project: Path, cache: Path, runs: int) -> tuple[float, float]:
    cold, warm = [], []
    for _ in range(runs):
        shutil.rmtree(cache, ignore_errors=True)
        cold.append(_run(project, cache))
        warm.append(_run(project, cache))
    return statistics.median(cold), statistics.median(warm)


def _phases(project: Path, spec_path: Path, cache: Path, runs: int) -> tuple[float, float, int, float]:
    raw = spec_path.read_bytes()
    parse = statistics.median(_timed(lambda: parse_document(raw, spec_path)) for _ in range(runs))
    references = [line.split(":", 1)[1].strip() for file in (project / "actions").glob("*.yaml") for line in file.read_text().splitlines() if line.startswith("  operation:")]
    document = parse_document(raw, spec_path)

    def resolve() -> list[Any]:
        spec = Spec(spec_path, document)
        return [spec.operation(reference) for reference in references]

    resolved = statistics.median(_timed(resolve) for _ in range(runs))
    nodes = len(reachable(resolve()))
    shutil.rmtree(cache, ignore_errors=True)
    _compile(project, cache)
    compiled = statistics.median(_compile(project, cache) for _ in range(runs))
    return parse, resolved, nodes, compiled


def _timed(work: Callable[[], Any]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _compile(project: Path, cache: Path) -> float:
    started = time.perf_counter()
    result = compile_project(project / "chatgw.yaml", cache_dir=cache)
    elapsed = time.perf_counter() - started
    assert not result.errors, result.errors[:3]
    return elapsed


def _run(project: Path, cache: Path) -> float:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "chatgw", "validate", "--config", str(project / "chatgw.yaml"), "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    elapsed = time.perf_counter() - started
    summary = json.loads(done.stdout)["summary"]
    if summary["errors"]:
        raise SystemExit(f"bench project has errors: {done.stdout[:2000]}")
    return elapsed


def _project(folder: Path, spec_path: Path, count: int) -> Path:
    """A project with `count` read-only actions on the spec's GET operations."""
    (folder / "actions").mkdir(parents=True)
    spec = load_spec(spec_path, cache_dir=folder / ".no-cache")
    chosen = []
    for operation in spec.operations():
        needed = [p for p in operation.parameters if p.required]
        if operation.method == "GET" and operation.operation_id and all(p.location == "path" for p in needed):
            chosen.append(operation)
        if len(chosen) == count:
            break
    for index, operation in enumerate(chosen):
        path_params = [p.name for p in operation.parameters if p.required]
        slots = "".join(f"  {name}: {{prompt: Which {name}?}}\n" for name in path_params)
        path = ", ".join(f'{name}: "{{{{ slots.{name} }}}}"' for name in path_params)
        (folder / "actions" / f"action_{index:03d}.yaml").write_text(
            f"description: Run {operation.operation_id}\n"
            "intent:\n  examples:\n"
            f"    - please run operation number {index} for me\n"
            f"    - I need operation {index} done\n"
            f"    - could you do task {index}\n"
            + (f"slots:\n{slots}" if slots else "")
            + f"call:\n  operation: {operation.operation_id}\n"
            + (f"  path: {{{path}}}\n" if path else "")
            + "reply:\n  ok: Done.\n"
        )
    (folder / "chatgw.yaml").write_text(
        f"version: 1\nname: bench\nopenapi: {spec_path}\nupstream: {{base_url: http://127.0.0.1:9}}\n"
    )
    return folder


def _scaled_spec(operations: int) -> dict[str, Any]:
    paths = {}
    for index in range(operations // 2):
        item = {"type": "object", "properties": {"id": {"type": "string"}, "count": {"type": "integer"}}}
        paths[f"/things{index}/{{thing_id}}"] = {
            "parameters": [{"name": "thing_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {
                "operationId": f"getThing{index}",
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}},
            },
            "post": {
                "operationId": f"updateThing{index}",
                "requestBody": {"content": {"application/json": {"schema": item}}},
                "responses": {"200": {"description": "ok"}},
            },
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "scaled", "version": "1"},
        "paths": paths,
        "components": {"schemas": {"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}}},
    }


if __name__ == "__main__":
    main()
