"""`${VAR}` and `${VAR:-default}` in chatgw.yaml."""

from __future__ import annotations

import pytest

from chatgw.config.interpolate import UnsetVariable, has_reference, interpolate, protect, restore, secret_reference
from chatgw.config.secrets import SecretRef


def test_interpolate_set_variable_is_used() -> None:
    assert interpolate("${API_URL}", {"API_URL": "https://api.test"}) == "https://api.test"


def test_interpolate_default_is_used_when_unset() -> None:
    assert interpolate("${API_URL:-http://127.0.0.1:8081}", {}) == "http://127.0.0.1:8081"


def test_interpolate_set_variable_wins_over_the_default() -> None:
    assert interpolate("${API_URL:-http://127.0.0.1:8081}", {"API_URL": "https://api.test"}) == "https://api.test"


def test_interpolate_empty_variable_falls_back_to_the_default() -> None:
    assert interpolate("${API_URL:-http://127.0.0.1:8081}", {"API_URL": ""}) == "http://127.0.0.1:8081"


def test_interpolate_empty_default_gives_an_empty_string() -> None:
    assert interpolate("${HANDOFF_WEBHOOK_URL:-}", {}) == ""


def test_interpolate_empty_variable_without_default_is_empty_not_unset() -> None:
    assert interpolate("${API_URL}", {"API_URL": ""}) == ""


def test_interpolate_several_references_in_one_value() -> None:
    text = "https://${REGION:-eu}.api.test/${VERSION}"

    assert interpolate(text, {"VERSION": "v2"}) == "https://eu.api.test/v2"


def test_interpolate_unset_variable_without_default_names_it() -> None:
    with pytest.raises(UnsetVariable) as raised:
        interpolate("https://${REGION}.api.test/${VERSION:-v1}", {})

    assert raised.value.variable == "REGION"


def test_interpolate_text_without_references_is_unchanged() -> None:
    assert not has_reference("sqlite:///chatgw.db")
    assert interpolate("sqlite:///chatgw.db", {}) == "sqlite:///chatgw.db"


def test_secret_reference_of_a_whole_reference() -> None:
    assert secret_reference("${ACME_API_TOKEN}") == SecretRef("ACME_API_TOKEN")
    assert secret_reference("${TOKEN:-dev}") == SecretRef("TOKEN", "dev")


def test_secret_reference_of_a_literal_or_partial_value_is_none() -> None:
    assert secret_reference("sk_live_abc") is None
    assert secret_reference("Bearer ${TOKEN}") is None


def test_protect_keeps_every_column_and_restore_undoes_it() -> None:
    text = "auth: {type: bearer, token: ${TOKEN}, url: ${URL:-http://x:1}}"

    protected = protect(text)

    assert len(protected) == len(text)
    assert "${" not in protected
    assert protected.index("$(TOKEN)") == text.index("${TOKEN}")
    assert restore("$(URL:-http://x:1)") == "${URL:-http://x:1}"
