"""The pydantic models of our files: durations, strictness, immutability."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from chatgw.config.models import ActionConfig, ProjectConfig, UpstreamConfig, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("5s", 5.0), ("500ms", 0.5), ("2m", 120.0), ("1h", 3600.0), ("1.5s", 1.5), (" 10s ", 10.0), ("7", 7.0), (3, 3.0), (0.25, 0.25)],
)
def test_parse_duration_reads_units(text: object, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["soon", "5 minutes", "-1s", "5d", True, ""])
def test_parse_duration_refuses_what_is_not_a_duration(text: object) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_upstream_timeout_is_parsed_to_seconds() -> None:
    assert UpstreamConfig(base_url="http://127.0.0.1:1", timeout="500ms").timeout == 0.5  # type: ignore[arg-type]
    assert UpstreamConfig(base_url="http://127.0.0.1:1").timeout == 5.0


def test_upstream_base_url_loses_its_trailing_slash() -> None:
    assert UpstreamConfig(base_url="https://api.test/v1/").base_url == "https://api.test/v1"


def test_project_config_defaults() -> None:
    config = ProjectConfig.model_validate({"name": "x", "openapi": "spec.yaml", "upstream": {"base_url": "http://h"}})

    assert (config.version, config.actions, config.store, config.upstream.retries) == (1, "actions/", "sqlite:///chatgw.db", 2)
    assert (config.upstream.auth.type, config.identity.mode, config.nlu.threshold) == ("none", "none", "auto")


def test_models_forbid_unknown_keys() -> None:
    with pytest.raises(ValidationError, match="retrys"):
        UpstreamConfig.model_validate({"base_url": "http://h", "retrys": 1})


def test_models_are_frozen() -> None:
    upstream = UpstreamConfig(base_url="http://h")

    with pytest.raises(ValidationError):
        upstream.retries = 5  # type: ignore[misc]


def test_action_config_reads_aliases_steps_and_reply_keys() -> None:
    action = ActionConfig.model_validate(
        {
            "description": "d",
            "intent": {"examples": ["a", "b", "c"]},
            "slots": {"customer_id": {"from": "identity.customer_id"}},
            "steps": [{"as": "order", "operation": "getOrder", "when": "true"}],
            "reply": {"ok": "fine", 404: "missing", "4xx": "oops", "default": "handoff"},
        }
    )

    assert action.slots["customer_id"].from_ == "identity.customer_id"
    assert action.steps is not None and action.steps[0].as_ == "order"
    assert action.reply == {"ok": "fine", 404: "missing", "4xx": "oops", "default": "handoff"}
    assert action.confirm is None and action.call is None
