"""Secrets stay references to the environment, in the plan and in anything printed from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatgw.compiler import compile_project
from chatgw.config.secrets import SecretRef
from chatgw.errors import ConfigError
from tests.projects import HOURS, SHOP_UPSTREAM_FROM_ENV, write_shop

CONFIG = SHOP_UPSTREAM_FROM_ENV + """\
  timeout: 500ms
identity: {mode: jwt, secret: ${SHOP_IDENTITY_SECRET}}
handoff: {inbox: true, webhook: "${HANDOFF_WEBHOOK_URL:-}", webhook_secret: ${HANDOFF_SECRET}}
server: {operator_token: ${OPERATOR_TOKEN}}
actions: actions/
"""
SECRET_VALUE = "s3cr3t-value-that-must-not-leak"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_shop(tmp_path, {"chatgw.yaml": CONFIG, "actions/hours.yaml": HOURS})


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


def test_secret_given_to_a_plain_setting_is_not_echoed_in_diagnostics(tmp_path: Path) -> None:
    config = SHOP_UPSTREAM_FROM_ENV.replace("${SHOP_API_URL:-http://127.0.0.1:9}", "${SHOP_API_TOKEN}") + """\
  timeout: ${SHOP_API_TOKEN}
actions: actions/
"""
    project = write_shop(tmp_path, {"chatgw.yaml": config, "actions/hours.yaml": HOURS})

    result = compile_project(project, environ={"SHOP_API_TOKEN": SECRET_VALUE}, cache_dir=tmp_path / "cache")

    assert [(d.line, d.code) for d in result.diagnostics] == [(5, "CGW104"), (7, "CGW104")]
    assert all("${SHOP_API_TOKEN} (value not shown)" in d.message for d in result.diagnostics)
    assert SECRET_VALUE not in repr(result.diagnostics)
