"""Scaffolded action files: slots, call, confirmation and reply taken from the operation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from chatgw.compiler.intents import PLACEHOLDER
from chatgw.config.loader import load_sources
from chatgw.openapi.loader import Spec, load_spec
from chatgw.scaffold import action_name, scaffold_action, scaffold_config
from chatgw.scaffold._text import plain, snake_case

SPEC = """\
openapi: 3.0.3
info: {title: Acme Cloud API, version: "1"}
servers: [{url: "https://api.acme.test/v1"}]
paths:
  /projects/{project_id}/keys/rotate:
    post:
      operationId: rotateProjectKey
      summary: Revoke the current API key and issue a new one
      parameters:
        - {name: project_id, in: path, required: true, description: Project ids look like proj_ab12c, schema: {type: string}}
        - {name: X-Customer-Id, in: header, required: true, schema: {type: string}}
        - {name: X-Request-Source, in: header, required: true, description: "Where the call comes from. More words.", schema: {type: string}}
        - {name: dry_run, in: query, schema: {type: boolean}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [reason, kind, owner, labels]
              properties:
                reason: {type: string, enum: [leaked, routine], description: Why the key is rotated}
                kind: {type: string, enum: [api]}
                note: {type: string}
                owner:
                  type: object
                  required: [id, contact]
                  properties:
                    id: {type: integer}
                    contact: {type: object, required: [email], properties: {email: {type: string, format: email}}}
                labels: {type: array, items: {type: string}}
      responses:
        "200":
          description: rotated
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: string}
                  status: {type: string}
                  key_suffix: {type: string}
                  owner: {type: object, properties: {name: {type: string}}}
        "404": {description: no such project}
  /projects/{project_id}/usage:
    get:
      summary: Usage of a project
      parameters:
        - {name: project_id, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: usage, content: {text/plain: {schema: {type: string}}}}
"""


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> Spec:
    folder = tmp_path_factory.mktemp("spec")
    path = folder / "acme.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return load_spec(path, cache_dir=folder / "cache")


def _action(spec: Spec, reference: str) -> dict[str, Any]:
    operation = spec.operation(reference)
    assert operation is not None
    return yaml.safe_load(scaffold_action(operation))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("rotateProjectKey", "rotate_project_key"),
        ("X-Customer-Id", "x_customer_id"),
        ("CreateSafelist", "create_safelist"),
        ("FriendlyName", "friendly_name"),
        ("HTMLPage", "html_page"),
        ("created_at_after", "created_at_after"),
        ("Intercom-Version", "intercom_version"),
        ("2fa-code", "n_2fa_code"),
        ("$$", "value"),
    ],
)
def test_snake_case_makes_template_identifiers(name: str, expected: str) -> None:
    assert snake_case(name) == expected


def test_plain_keeps_one_clean_sentence_of_a_description() -> None:
    text = "The <b>ID</b> of the [contact](https://x.test).</br>Use `{{ id }}` here.\n\nMore."

    assert plain(text) == "The ID of the contact."


def test_action_name_is_the_operation_id_or_method_and_path(spec: Spec) -> None:
    assert action_name(spec.operation("rotateProjectKey")) == "rotate_project_key"  # type: ignore[arg-type]
    assert action_name(spec.operation("GET /projects/{project_id}/usage")) == "get_projects_project_id_usage"  # type: ignore[arg-type]


def test_scaffold_slots_come_from_required_parameters_with_header_names_as_identifiers(spec: Spec) -> None:
    action = _action(spec, "rotateProjectKey")

    assert action["call"]["path"] == {"project_id": "{{ slots.project_id }}"}
    assert action["call"]["headers"] == {
        "X-Customer-Id": "{{ slots.x_customer_id }}",
        "X-Request-Source": "{{ slots.x_request_source }}",
    }
    assert "query" not in action["call"]  # dry_run is optional
    assert action["slots"]["project_id"]["prompt"] == "What is the project id? Project ids look like proj_ab12c."
    assert action["slots"]["x_request_source"]["prompt"] == "What is the x request source? Where the call comes from."


def test_scaffold_customer_id_comes_from_the_signed_identity(spec: Spec) -> None:
    action = _action(spec, "rotateProjectKey")

    assert action["slots"]["x_customer_id"] == {"from": "identity.customer_id"}


def test_scaffold_body_fills_required_fields_at_every_depth(spec: Spec) -> None:
    action = _action(spec, "rotateProjectKey")

    assert action["call"]["body"] == {
        "reason": "{{ slots.reason }}",
        "kind": "api",  # the one value its enum allows
        "owner": {"id": "{{ slots.owner_id }}", "contact": {"email": "{{ slots.email }}"}},
        "labels": ["{{ slots.labels }}"],
    }
    assert action["slots"]["reason"] == {
        "prompt": "What is the reason? Why the key is rotated. Options: leaked, routine.",
        "type": "string",
        "enum": ["leaked", "routine"],
    }
    assert action["slots"]["owner_id"]["type"] == "integer"
    assert "note" not in action["slots"]


def test_scaffold_state_changing_operation_is_confirmed_with_its_values(spec: Spec) -> None:
    action = _action(spec, "rotateProjectKey")

    assert action["confirm"].startswith("Revoke the current API key and issue a new one (project id: {{ slots.project_id }}")
    assert "x_customer_id" not in action["confirm"]
    assert action["confirm"].endswith("Shall I go ahead?")


def test_scaffold_read_has_no_confirmation(spec: Spec) -> None:
    action = _action(spec, "GET /projects/{project_id}/usage")

    assert "confirm" not in action


def test_scaffold_reply_uses_real_response_fields(spec: Spec) -> None:
    action = _action(spec, "rotateProjectKey")

    assert action["reply"] == {
        "ok": "Done. Id: {{ response.body.id }}, status: {{ response.body.status }}.",
        404: "I couldn't find the project id {{ slots.project_id }}.",
        "default": "handoff",
    }


def test_scaffold_reply_without_a_json_response_says_done(spec: Spec) -> None:
    action = _action(spec, "GET /projects/{project_id}/usage")

    assert action["reply"]["ok"] == "Done."


def test_scaffold_examples_are_placeholders_the_validator_flags(spec: Spec) -> None:
    action = _action(spec, "rotateProjectKey")

    examples = action["intent"]["examples"]
    assert len(examples) == 3
    assert all(PLACEHOLDER.search(example) for example in examples)


def test_scaffold_file_opens_with_a_comment_naming_the_operation(spec: Spec) -> None:
    operation = spec.operation("rotateProjectKey")
    assert operation is not None

    text = scaffold_action(operation)

    assert text.startswith("# Scaffolded by `chatgw init` from rotateProjectKey (POST /projects/{project_id}/keys/rotate).")


def test_scaffold_config_reads_secrets_from_the_environment(spec: Spec, tmp_path: Path) -> None:
    config_path = tmp_path / "bot" / "chatgw.yaml"
    config_path.parent.mkdir()
    config_path.write_text(scaffold_config(spec, config_path), encoding="utf-8")

    sources = load_sources(config_path, environ={})
    config = sources.config

    assert sources.diagnostics == []
    assert config is not None
    assert config.name == "acme-cloud-support"
    assert config.upstream.base_url == "https://api.acme.test/v1"
    assert "${ACME_CLOUD_API_URL:-https://api.acme.test/v1}" in config_path.read_text()
    assert config.upstream.auth.type == "none"
    assert config.identity.secret is not None and config.identity.secret.variable == "CHATGW_IDENTITY_SECRET"
    assert (config_path.parent / config.openapi).resolve() == Path(spec.path).resolve()
