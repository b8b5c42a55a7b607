"""Secrets stay references to the environment, in the plan and in anything printed from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatgw.compiler import compile_project
from chatgw.config.secrets import SecretRef
from chatgw.errors import ConfigError

SPEC = Path(__file__).resolve().parents[1] / "compiler" / "fixtures" / "shop.openapi.yaml"
CONFIG = """\
version: 1
name: shop-support
openapi: shop.openapi.yaml
upstream:
  base_url: ${SHOP_API_URL:-http://127.0.0.1:9}
  auth: {type: bearer, token: ${SHOP_API_TOKEN}}
  timeout: 500ms
identity: {mode: jwt, secret: ${SHOP_IDENTITY_SECRET}}
handoff: {inbox: true, webhook: "${HANDOFF_WEBHOOK_URL:-}", webhook_secret: ${HANDOFF_SECRET}}
server: {operator_token: ${OPERATOR_TOKEN}}
actions: actions/
"""
HOURS = """\
description: Opening hours
intent:
  examples: [when are you open, opening hours, are you open on sunday]
answer: We ship Monday to Friday.
"""
SECRET_VALUE = "s3cr3t-value-that-must-not-leak"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "shop.openapi.yaml").write_bytes(SPEC.read_bytes())
    (tmp_path / "chatgw.yaml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "actions").mkdir()
    (tmp_path / "actions" / "hours.yaml").write_text(HOURS, encoding="utf-8")
    return tmp_path / "chatgw.yaml"


def test_secrets_compile_to_secret_refs(project: Path) -> None:
    result = compile_project(project, environ={"SHOP_API_TOKEN": SECRET_VALUE}, cache_dir=project.parent / "cache")

    assert result.diagnostics == ()
    plan = result.plan
    assert plan is not None
    assert plan.upstream.auth.token == SecretRef("SHOP_API_TOKEN")
    assert plan.identity.secret == SecretRef("SHOP_IDENTITY_SECRET")
    assert plan.handoff.webhook_secret == SecretRef("HANDOFF_SECRET")
    assert plan.server.operator_token == SecretRef("OPERATOR_TOKEN")


def test_secrets_are_not_revealed_in_the_plans_repr(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_API_TOKEN", SECRET_VALUE)
    result = compile_project(project, environ={"SHOP_API_TOKEN": SECRET_VALUE}, cache_dir=project.parent / "cache")

    assert result.plan is not None
    assert SECRET_VALUE not in repr(result.plan)
    assert "SecretRef(${SHOP_API_TOKEN})" in repr(result.plan.upstream)
    assert result.plan.upstream.auth.token is not None
    assert result.plan.upstream.auth.token.reveal() == SECRET_VALUE


def test_secrets_leave_other_settings_interpolated(project: Path) -> None:
    result = compile_project(project, environ={"SHOP_API_URL": "https://api.shop.test/"}, cache_dir=project.parent / "cache")

    assert result.plan is not None
    assert result.plan.upstream.base_url == "https://api.shop.test"
    assert result.plan.upstream.timeout == 0.5
    assert result.plan.handoff.webhook is None


def test_secret_ref_reveal_reads_the_environment_at_use(monkeypatch: pytest.MonkeyPatch) -> None:
    ref = SecretRef("CHATGW_TEST_TOKEN")
    monkeypatch.delenv("CHATGW_TEST_TOKEN", raising=False)
    assert not ref.is_set()

    monkeypatch.setenv("CHATGW_TEST_TOKEN", "later")

    assert ref.is_set()
    assert ref.reveal() == "later"


def test_secret_ref_reveal_of_an_unset_variable_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHATGW_TEST_TOKEN", raising=False)

    with pytest.raises(ConfigError, match="CHATGW_TEST_TOKEN is not set"):
        SecretRef("CHATGW_TEST_TOKEN").reveal()


def test_secret_ref_repr_never_shows_the_default() -> None:
    assert repr(SecretRef("TOKEN", "dev-default")) == "SecretRef(${TOKEN})"
