"""Rule cases as data: `rules/<CODE>.yaml` holds the cases of one diagnostic code.

A case lists the files of a small project and every diagnostic it must produce, each as
`[file, line, column, code]` or `[file, line, column, code, "words in the message or hint"]`.
Nothing else may be reported. Without its own `chatgw.yaml` a case gets `DEFAULT_CONFIG`,
which reads `fixtures/shop.openapi.yaml`; `env:` is the environment it compiles in.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

from chatgw.compiler import CompileResult, compile_project

RULES = Path(__file__).parent / "rules"
CompileFiles = Callable[..., CompileResult]  # the `compile_files` fixture of conftest.py
SPEC = Path(__file__).parent / "fixtures" / "shop.openapi.yaml"
DEFAULT_CONFIG = """\
version: 1
name: shop-support
openapi: shop.openapi.yaml
upstream:
  base_url: http://127.0.0.1:9
actions: actions/
"""


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
    return compile_project(write_project(root, case.files), environ=case.env, cache_dir=cache_dir)


def write_project(root: Path, files: dict[str, Any]) -> Path:
    """The shop spec, DEFAULT_CONFIG unless `files` has a chatgw.yaml, and `files`; returns the config's path.

    A file's content is its text, or `{text, encoding}` to write it in another encoding.
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / SPEC.name).write_bytes(SPEC.read_bytes())
    for name, content in {"chatgw.yaml": DEFAULT_CONFIG, **files}.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, dict):
            target.write_bytes(content["text"].encode(content["encoding"]))
        else:
            target.write_text(content, encoding="utf-8")
    return root / "chatgw.yaml"


def actual(result: CompileResult) -> list[tuple[str, int, int, str]]:
    return sorted((d.file, d.line, d.column, d.code) for d in result.diagnostics)
