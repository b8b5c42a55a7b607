"""load_spec: reading YAML and JSON, and refusing what is not an OpenAPI 3 document."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatgw.errors import SpecError
from chatgw.openapi import Spec, load_spec

SPECS = Path(__file__).resolve().parents[2].parent / "shared" / "specs"
INTERCOM = SPECS / "intercom-2.11.yaml"
TWILIO = SPECS / "twilio_accounts_v1.json"


def _load_text(tmp_path: Path, name: str, text: str) -> Spec:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_spec(path, cache_dir=tmp_path / "cache")


def _error(tmp_path: Path, name: str, text: str) -> str:
    with pytest.raises(SpecError) as caught:
        _load_text(tmp_path, name, text)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_load_spec_reads_intercom_yaml(intercom: Spec) -> None:
    assert intercom.path == INTERCOM
    assert intercom.version == "3.0.1"
    assert intercom.title == "Intercom API"
    assert intercom.servers[0] == "https://api.intercom.io"
    assert len(intercom.servers) == 3


def test_load_spec_reads_twilio_json(twilio: Spec) -> None:
    assert twilio.path == TWILIO
    assert twilio.version == "3.0.1"
    assert twilio.servers == ("https://accounts.twilio.com",)


def test_load_spec_fills_server_variables_with_their_defaults(small: Spec) -> None:
    assert small.servers == ("https://eu.acme.test/v1",)
    assert small.title == "Acme Cloud"


def test_load_spec_missing_file_is_a_spec_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="does not exist") as caught:
        load_spec(tmp_path / "nope.yaml", cache_dir=tmp_path)
    assert "nope.yaml" in str(caught.value)


def test_load_spec_folder_is_a_spec_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="is a folder"):
        load_spec(tmp_path, cache_dir=tmp_path / "cache")


def test_load_spec_bad_yaml_names_line_and_column(tmp_path: Path) -> None:
    message = _error(tmp_path, "bad.yaml", "openapi: 3.0.0\npaths:\n  /x: [unclosed\n")
    assert "invalid YAML" in message
    assert "bad.yaml:4:1" in message


def test_load_spec_bad_json_names_line_and_column(tmp_path: Path) -> None:
    message = _error(tmp_path, "bad.json", '{"openapi": "3.0.0",\n "paths": {,}}')
    assert "invalid JSON" in message
    assert "bad.json:2:" in message


def test_load_spec_not_utf8_is_a_spec_error(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("openapi: 3.0.0\ninfo: {title: caf\xe9}\n".encode("latin-1"))
    with pytest.raises(SpecError, match="not UTF-8"):
        load_spec(path, cache_dir=tmp_path / "cache")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- just\n- a list\n", "top level is list"),
        ("", "top level is empty"),
        ("title: my notes\nitems: [1, 2]\n", "no top-level `openapi:`"),
        ("swagger: '2.0'\ninfo: {title: old}\npaths: {}\n", "Swagger 2.0, not OpenAPI 3"),
        ("openapi: 2.5.0\npaths: {}\n", "chatgw reads OpenAPI 3.0 and 3.1"),
        ("openapi: 3.0.0\npaths: [a, b]\n", "`paths` must be a mapping"),
    ],
)
def test_load_spec_non_openapi_document_is_a_spec_error(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in _error(tmp_path, "doc.yaml", text)


def test_load_spec_keeps_yaml_dates_and_yes_no_as_strings(tmp_path: Path) -> None:
    spec = _load_text(
        tmp_path,
        "dates.yaml",
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n"
        "      operationId: a\n      parameters:\n"
        "        - {name: day, in: query, schema: {type: string, format: date, example: 2024-05-01}}\n"
        "        - {name: answer, in: query, schema: {type: string, enum: [yes, no, on]}}\n"
        "      responses:\n        200: {description: ok}\n",
    )
    operation = spec.operation("a")
    assert operation is not None
    assert operation.parameter("day", "query").schema["example"] == "2024-05-01"  # type: ignore[union-attr]
    assert operation.parameter("answer", "query").schema["enum"] == ["yes", "no", "on"]  # type: ignore[union-attr]
    assert list(operation.responses) == ["200"]  # an unquoted YAML status code is still a string


def test_load_spec_reads_openapi_31(small31: Spec) -> None:
    assert small31.version == "3.1.0"
    assert small31.title == "Acme 3.1"
    assert small31.servers == ()
