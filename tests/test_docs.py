"""Docs and generated files kept in step with the code."""

from __future__ import annotations

import re
from pathlib import Path

from chatgw.compiler.diagnostics import CODES
from chatgw.config.jsonschema import file_schemas

ROOT = Path(__file__).resolve().parents[1]


def test_every_diagnostic_code_is_documented_with_its_name():
    text = (ROOT / "docs" / "diagnostics.md").read_text()
    documented = set(re.findall(r"^## (CGW\d{3})$", text, re.M))
    assert documented == set(CODES)
    for code, (name, severity) in CODES.items():
        section = text.split(f"## {code}\n", 1)[1].split("\n## ", 1)[0]
        assert f"**{name}** ({severity})" in section, code
        assert "Fix:" in section, code


def test_committed_json_schemas_are_current():
    for name, text in file_schemas().items():
        committed = (ROOT / "schemas" / name).read_text()
        assert committed == text, f"schemas/{name} is stale: run `chatgw schema`"


def test_readme_opens_with_the_two_commands_ci_uses():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```bash\n", 1)[1].split("```", 1)[0]
    assert "./dev demo" in first_block and "./dev test" in first_block
    assert "./dev test" in (ROOT / ".ci" / "run").read_text()
