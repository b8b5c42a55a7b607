"""How long `chatgw validate` takes, cold (no spec cache) and warm, on real and scaled specs.

    python bench/validate.py [--runs 3]

Cases: the Intercom spec (0.7 MB, OpenAPI 3.0) with 20 actions; a generated spec of 2,000
operations with 20 and with 200 actions (time should grow with actions, not actions x
operations). Each figure is the median wall time of the real CLI in a subprocess, so it
includes Python start-up and imports, as a user sees it.
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

ROOT = Path(__file__).resolve().parents[1]
INTERCOM = ROOT.parent / "shared" / "specs" / "intercom-2.11.yaml"

sys.path.insert(0, str(ROOT))
from chatgw.compiler import compile_project  # noqa: E402
from chatgw.openapi.loader import load_spec  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        intercom = _project(base / "intercom", INTERCOM, 20)
        rows.append(("Intercom 2.11, 20 actions", *_measure(intercom, base / "cache1", args.runs)))
        big_spec = base / "big.json"
        big_spec.write_text(json.dumps(_scaled_spec(2000)))
        for count in (20, 200):
            project = _project(base / f"big{count}", big_spec, count)
            rows.append((f"2,000 operations, {count} actions", *_measure(project, base / f"cache{count}", args.runs)))
    print(f"chatgw validate, median of {args.runs} runs")
    print("  CLI: a subprocess, as a user sees it (includes ~0.55 s of interpreter start-up and imports)")
    print("  compile: compile_project() in-process, the work validate does once imports are loaded")
    print(f"{'case':34} {'CLI cold':>9} {'CLI warm':>9} {'compile cold':>13} {'compile warm':>13}")
    for name, cold, warm, compile_cold, compile_warm in rows:
        print(f"{name:34} {cold:8.3f}s {warm:8.3f}s {compile_cold:12.3f}s {compile_warm:12.3f}s")


def _measure(project: Path, cache: Path, runs: int) -> tuple[float, float, float, float]:
    cold, warm, compile_cold, compile_warm = [], [], [], []
    for _ in range(runs):
        shutil.rmtree(cache, ignore_errors=True)
        cold.append(_run(project, cache))
        warm.append(_run(project, cache))
        shutil.rmtree(cache, ignore_errors=True)
        compile_cold.append(_compile(project, cache))
        compile_warm.append(_compile(project, cache))
    return tuple(statistics.median(figures) for figures in (cold, warm, compile_cold, compile_warm))  # type: ignore[return-value]


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


def _scaled_spec(operations: int) -> dict:
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
