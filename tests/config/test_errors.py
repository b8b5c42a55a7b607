"""Pydantic errors become located diagnostics with "did you mean" hints."""

from __future__ import annotations

from pydantic import ValidationError

from chatgw.compiler.diagnostics import Diagnostic
from chatgw.config.errors import field_names, located_errors
from chatgw.config.models import ActionConfig, ProjectConfig
from chatgw.config.yamlpos import parse_yaml


def _diagnostics(text: str, model: type[ActionConfig] | type[ProjectConfig] = ActionConfig) -> list[Diagnostic]:
    doc, problems = parse_yaml(text, "actions/x.yaml")
    assert doc is not None and problems == []
    try:
        model.model_validate(doc.data)
    except ValidationError as error:
        return located_errors(error, doc, model)
    return []


def test_errors_unknown_key_in_a_slot_suggests_the_close_one() -> None:
    found = _diagnostics(
        "description: d\nintent:\n  examples: [a, b, c]\nslots:\n  plan:\n    synonym: {pro: [business]}\nanswer: x\n"
    )

    assert [(d.code, d.line, d.column, d.hint) for d in found] == [("CGW103", 6, 5, "did you mean 'synonyms'?")]
    assert found[0].message == "unknown key 'synonym' in slots.plan"


def test_errors_unknown_key_in_a_step_suggests_the_alias() -> None:
    found = _diagnostics("description: d\nintent:\n  examples: [a, b, c]\nsteps:\n  - ass: order\n    operation: getOrder\n")

    assert ("CGW103", 5, 5, "did you mean 'as'?") in [(d.code, d.line, d.column, d.hint) for d in found]


def test_errors_missing_key_points_at_its_parent_mapping() -> None:
    found = _diagnostics("description: d\nintent:\n  keywords: [x]\nanswer: x\n")

    assert [(d.code, d.line, d.column) for d in found] == [("CGW105", 2, 1)]


def test_errors_wrong_type_points_at_the_value() -> None:
    found = _diagnostics("description: d\nintent:\n  examples: [a, b, c]\nslots:\n  n:\n    type: float\nanswer: x\n")

    assert [(d.code, d.line, d.column) for d in found] == [("CGW104", 6, 11)]
    assert "'string', 'integer', 'number' or 'boolean'" in (found[0].hint or "")


def test_errors_field_names_follow_aliases_and_containers() -> None:
    assert "from" in field_names(ActionConfig, ("slots", "plan"))
    assert "as" in field_names(ActionConfig, ("steps", 0))
    assert set(field_names(ProjectConfig, ("upstream",))) == {"base_url", "auth", "timeout", "retries", "idempotent_operations"}
