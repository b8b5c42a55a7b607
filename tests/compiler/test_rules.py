"""Every diagnostic code, case by case, from the YAML fixtures in rules/ (see rulecases.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatgw.compiler import CODES
from tests.compiler.rulecases import RULES, RuleCase, actual, all_cases, load_rule_file, run_case

CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_rule_case_reports_exactly_the_expected_diagnostics(case: RuleCase, tmp_path: Path) -> None:
    result = run_case(case, tmp_path / "project", tmp_path / "cache")

    assert actual(result) == case.expected
    for file, line, column, code, *words in case.expect:
        if words:
            found = next(d for d in result.diagnostics if (d.file, d.line, d.column, d.code) == (file, line, column, code))
            assert words[0] in f"{found.message} | {found.hint}"
    assert all(d.severity == CODES[d.code][1] for d in result.diagnostics)


def test_rule_fixtures_cover_every_code() -> None:
    files = {path.stem for path in RULES.glob("*.yaml")}

    assert files == set(CODES)


@pytest.mark.parametrize("path", sorted(RULES.glob("*.yaml")), ids=lambda path: path.stem)
def test_rule_fixture_has_a_case_producing_its_code(path: Path) -> None:
    rule, cases = load_rule_file(path)

    assert rule == path.stem
    assert any(code == rule for case in cases for _, _, _, code, *_ in case.expect)
