"""The spec parser gives exactly the data of the libyaml loader (PyYAML's safe load, with dates
kept as strings and only true/false as booleans), fast path or not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bench.cyclic_spec import write
from chatgw.openapi import _parse
from chatgw.openapi._parse import parse_document

SPECS = Path(__file__).resolve().parents[2].parent / "shared" / "specs"

# Plain scalars that rapidyaml's JSON types differently from PyYAML: each must still read
# as PyYAML reads it (the fast path refuses the text).
TRICKY = """\
openapi: 3.0.0
a: True
b: ~
c: Null
d: 012
e: 0x1F
f: 1_000
g: 1e3
h: .inf
i: nan
j: 1:30
k: +1
l: !!str 12
m: 2024-05-01
n: yes
200: int key
o: [1, 2.5, -3, "4"]
"""


def _libyaml(text: str) -> object:
    return yaml.load(text, Loader=_parse._SpecLoader)  # noqa: S506 - the safe spec loader


@pytest.mark.parametrize("value", TRICKY.splitlines()[1:])
def test_tricky_plain_scalars_read_as_pyyaml_reads_them(value: str) -> None:
    text = f"openapi: 3.0.0\n{value}\n"
    assert parse_document(text.encode(), Path("spec.yaml")) == _libyaml(text)


def test_tricky_scalars_take_the_libyaml_path() -> None:
    assert not _parse._exact_in_ryml(TRICKY)
    assert parse_document(TRICKY.encode(), Path("spec.yaml")) == _libyaml(TRICKY)


def test_intercom_parses_to_the_same_data_as_pyyaml_safe_load() -> None:
    raw = (SPECS / "intercom-2.11.yaml").read_bytes()
    assert parse_document(raw, Path("intercom-2.11.yaml")) == yaml.safe_load(raw)


def test_twilio_json_parses_to_the_same_data_as_pyyaml_safe_load() -> None:
    raw = (SPECS / "twilio_accounts_v1.json").read_bytes()
    assert parse_document(raw, Path("twilio_accounts_v1.json")) == yaml.safe_load(raw) == json.loads(raw)


def test_generated_multi_megabyte_spec_takes_the_fast_path_with_the_same_data(tmp_path: Path) -> None:
    path = write(tmp_path / "cyclic.yaml")
    text = path.read_text()
    assert len(text) > 2_000_000
    if _parse._ryml is not None:
        assert _parse._exact_in_ryml(text)
    assert parse_document(path.read_bytes(), path) == _libyaml(text) == json.loads(json.dumps(_libyaml(text)))


def test_yaml_syntax_error_is_located_by_libyaml(capfd: pytest.CaptureFixture[str]) -> None:
    from chatgw.errors import SpecError

    with pytest.raises(SpecError, match=r"spec.yaml:3:1: invalid YAML"):
        parse_document(b"openapi: 3.0.0\npaths: [a, b\n", Path("spec.yaml"))
    assert capfd.readouterr().err == ""  # rapidyaml's own report of the error is not shown
