"""Rule cases as data: `rules/<CODE>.yaml` holds the cases of one diagnostic code.

A case lists the files of a small project and every diagnostic it must produce, each as
`[file, line, column, code]` or `[file, line, column, code, "words in the message or hint"]`.
Nothing else may be reported. Without its own `chatgw.yaml` a case gets `SHOP_CONFIG` of
tests/projects.py, which reads `fixtures/shop.openapi.yaml`; `env:` is the environment it compiles in.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

from chatgw.compiler import CompileResult, compile_project
from tests.projects import write_shop

RULES = Path(__file__).parent / "rules"
CompileFiles = Callable[..., CompileResult]  # the `compile_files` fixture of conftest.py


@dataclass(frozen=True)
class RuleCase:
    rule: str
    name: str
    files: dict[str, Any]
    expect: tuple[tuple[Any, ...], ...]
    env: dict[str, str]

    @property
    def id(self) -> str:
        return f"{self.rule}-{self.name}"

    @property
    def expected(self) -> list[tuple[str, int, int, str]]:
        return sorted((str(f), int(line), int(column), str(code)) for f, line, column, code, *_ in self.expect)


def load_rule_file(path: Path) -> tuple[str, list[RuleCase]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rule = data["rule"]
    cases = [
        RuleCase(
            rule=rule,
            name=name,
            files=dict(case.get("files") or {}),
            expect=tuple(tuple(item) for item in case.get("expect") or ()),
            env={str(k): str(v) for k, v in (case.get("env") or {}).items()},
        )
        for name, case in data["cases"].items()
    ]
    return rule, cases


def all_cases() -> list[RuleCase]:
    return [case for path in sorted(RULES.glob("CGW*.yaml")) for case in load_rule_file(path)[1]]


def run_case(case: RuleCase, root: Path, cache_dir: Path) -> CompileResult:
    """Write the case's project under `root` and compile it."""
    return compile_project(write_shop(root, case.files), environ=case.env, cache_dir=cache_dir)


def actual(result: CompileResult) -> list[tuple[str, int, int, str]]:
    return sorted((d.file, d.line, d.column, d.code) for d in result.diagnostics)
