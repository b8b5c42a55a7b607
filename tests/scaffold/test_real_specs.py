"""`chatgw init` on every operation of two real specs: what it writes compiles with no errors."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from chatgw.compiler import compile_project
from chatgw.openapi.loader import load_spec
from chatgw.scaffold import init_project

SPECS = Path(__file__).resolve().parents[2].parent / "shared" / "specs"


@pytest.mark.parametrize(
    ("spec_file", "operations", "auth"),
    [("intercom-2.11.yaml", 108, "bearer"), ("twilio_accounts_v1.json", 20, "basic")],
)
def test_init_every_operation_of_a_real_spec_validates_without_errors(
    spec_file: str, operations: int, auth: str, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    spec = load_spec(SPECS / spec_file, cache_dir=cache)
    config = tmp_path / "bot" / "chatgw.yaml"

    result = init_project(spec, list(spec.operations()), config)
    compiled = compile_project(config, environ={}, cache_dir=cache)

    assert len(result.written) == operations
    assert [d.one_line() for d in compiled.errors] == []
    assert compiled.plan is not None and len(compiled.plan.actions) == operations
    assert compiled.plan.upstream.auth.type == auth
    # Only the placeholders are flagged, three per action (and examples two actions share).
    codes = Counter(d.code for d in compiled.warnings)
    assert codes["CGW403"] == 3 * operations
    # CGW504/505: the scaffold cannot know which claim ties a spec's ids to the customer;
    # CGW208: the spec's own problems (Intercom 2.11 refers to a schema it does not have).
    assert set(codes) <= {"CGW208", "CGW402", "CGW403", "CGW504", "CGW505"}
