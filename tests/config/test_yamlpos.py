"""YAML with positions: every value, key and list item keeps its line and column."""

from __future__ import annotations

from pathlib import Path

from chatgw.compiler.diagnostics import Location
from chatgw.config.yamlpos import MAX_DEPTH, MAX_FILE_BYTES, MAX_VALUES, parse_yaml, read_yaml

TEXT = """\
description: Reset a key
intent:
  examples:
    - reset my key
    - "rotate the token"
slots: {project_id: {prompt: Which project?}}
reply:
  ok: >-
    Done.
  404: Not found.
"""


def test_yamlpos_values_keep_line_and_column() -> None:
    doc, problems = parse_yaml(TEXT, "actions/reset.yaml")

    assert problems == [] and doc is not None
    assert doc.values[("description",)] == (1, 14)
    assert doc.values[("intent", "examples", 0)] == (4, 7)
    assert doc.values[("intent", "examples", 1)] == (5, 7)
    assert doc.values[("slots", "project_id", "prompt")] == (6, 30)
    assert doc.values[("reply", "ok")] == (8, 7)


def test_yamlpos_keys_keep_line_and_column() -> None:
    doc, _ = parse_yaml(TEXT, "actions/reset.yaml")

    assert doc is not None
    assert doc.keys[("intent", "examples")] == (3, 3)
    assert doc.keys[("slots", "project_id")] == (6, 9)
    assert doc.keys[("reply", 404)] == (10, 3)


def test_yamlpos_at_falls_back_to_the_nearest_parent() -> None:
    doc, _ = parse_yaml(TEXT, "actions/reset.yaml")

    assert doc is not None
    where = doc.at(("slots", "project_id", "pattern"))
    assert (where.file, where.line, where.column) == ("actions/reset.yaml", 6, 21)
    assert doc.at(("intent", "examples"), key=True).line == 3
    assert (doc.at(()).line, doc.at(()).column) == (1, 1)


def test_yamlpos_data_is_plain_python() -> None:
    doc, _ = parse_yaml(TEXT, "actions/reset.yaml")

    assert doc is not None
    assert doc.data["intent"]["examples"] == ["reset my key", "rotate the token"]
    assert doc.data["reply"] == {"ok": "Done.", 404: "Not found."}
    assert doc.lines[0] == "description: Reset a key"


def test_yamlpos_syntax_error_is_a_located_cgw101() -> None:
    doc, problems = parse_yaml("a: 1\nb: [1, 2\nc: 3\n", "chatgw.yaml")

    assert doc is None
    assert [(d.code, d.file, d.line, d.severity) for d in problems] == [("CGW101", "chatgw.yaml", 3, "error")]
    assert problems[0].message.startswith("YAML syntax error: ")


def test_yamlpos_syntax_error_names_where_the_unclosed_collection_starts() -> None:
    _, [problem] = parse_yaml("a: 1\nb: [1, 2\nc: 3\n", "chatgw.yaml")

    assert problem.message.endswith("while parsing a flow sequence that starts at line 2, column 4")


def test_yamlpos_duplicate_key_is_cgw107_at_the_second_key() -> None:
    doc, problems = parse_yaml("a: 1\nb:\n  c: 2\n  c: 3\n", "x.yaml")

    assert doc is not None and doc.data == {"a": 1, "b": {"c": 3}}
    assert [(d.code, d.line, d.column) for d in problems] == [("CGW107", 4, 3)]


def test_yamlpos_empty_document_has_no_data() -> None:
    doc, problems = parse_yaml("# nothing here\n", "x.yaml")

    assert problems == [] and doc is not None and doc.data is None


def test_yamlpos_file_that_is_not_utf8_says_where_and_how_to_fix(tmp_path: Path) -> None:
    path = tmp_path / "hours.yaml"
    path.write_bytes("description: Opening hours\nanswer: Ouvert du lundi au café\n".encode("latin-1"))

    doc, [problem] = read_yaml(path, "actions/hours.yaml")

    assert doc is None
    assert (problem.code, problem.line, problem.column) == ("CGW106", 1, 1)
    assert problem.message == "cannot read actions/hours.yaml: not UTF-8 text (bad byte at line 2, column 31)"
    assert problem.hint == "save the file as UTF-8"


def test_source_doc_without_a_list_item_keeps_the_later_items_at_their_own_lines() -> None:
    doc, _ = parse_yaml("steps:\n  - a\n  - b: 1\n  - c\n", "x.yaml")
    assert doc is not None

    pruned = doc.without([("steps", 0)])

    assert pruned.data == {"steps": [{"b": 1}, "c"]}
    assert pruned.at(("steps", 0, "b"), key=True) == Location("x.yaml", 3, 5)
    assert pruned.at(("steps", 1)) == Location("x.yaml", 4, 5)
    assert doc.data == {"steps": ["a", {"b": 1}, "c"]}  # the original is untouched


def test_parse_yaml_says_a_tab_in_the_indentation_is_a_tab() -> None:
    doc, (problem,) = parse_yaml("intent:\n  examples:\n\t- a\n", "x.yaml")

    assert doc is None
    assert (problem.code, problem.line, problem.column) == ("CGW101", 3, 1)
    assert "a tab at line 3, column 1" in problem.message


def test_yamlpos_billion_laughs_is_a_located_cgw101_not_a_memory_error() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]  # 9**10 values
    doc, problems = parse_yaml("\n".join(lines), "actions/bomb.yaml")

    assert doc is None
    assert [(p.code, p.line) for p in problems] == [("CGW101", 6)]
    assert f"more than {MAX_VALUES} values" in problems[0].message


def test_yamlpos_an_alias_used_a_few_times_is_fine() -> None:
    doc, problems = parse_yaml("base: &b {prompt: Which?}\nslots: {a: *b, c: *b}\n", "actions/a.yaml")
    assert problems == [] and doc is not None and doc.data["slots"]["c"] == {"prompt": "Which?"}


def test_yamlpos_nesting_deeper_than_the_limit_is_a_located_cgw101_not_a_recursion_error() -> None:
    depth = 990  # libyaml itself accepts up to 1000 levels; building them recursed past Python's limit
    doc, problems = parse_yaml("description: " + "[" * depth + "]" * depth, "actions/deep.yaml")

    assert doc is None
    assert [(p.code, p.line, p.column) for p in problems] == [("CGW101", 1, 14 + MAX_DEPTH)]
    assert problems[0].message == f"the YAML is nested more than {MAX_DEPTH} levels deep"


def test_yamlpos_a_list_as_a_key_is_named_as_written() -> None:
    doc, _ = parse_yaml("? [a, b]\n: 1\n", "actions/a.yaml")
    assert doc is not None and list(doc.data) == ["[a, b]"]


def test_yamlpos_file_larger_than_the_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"description: " + b"a" * MAX_FILE_BYTES + b"\n")

    doc, [problem] = read_yaml(path, "actions/big.yaml")

    assert doc is None and problem.code == "CGW106"
    assert problem.message == "cannot read actions/big.yaml: it is larger than 4 MB"


def test_yamlpos_reads_windows_and_old_mac_newlines_as_newlines(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"description: a\r\nanswer: b\rtags: [c]\r\n")
    doc, problems = read_yaml(path, "actions/a.yaml")
    assert problems == [] and doc is not None and doc.data == {"description": "a", "answer": "b", "tags": ["c"]}
