"""load_sources: chatgw.yaml and actions/*.yaml into models, with every problem located."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatgw.config.loader import load_sources
from chatgw.errors import ConfigError
from tests.projects import HOURS, SHOP_UPSTREAM_FROM_ENV, write_files

CONFIG = SHOP_UPSTREAM_FROM_ENV + """\
  timeout: ${SHOP_TIMEOUT:-5s}
store: ${DATABASE_URL}
actions: actions/
"""


def _project(root: Path, config: str = CONFIG, actions: dict[str, str] | None = None) -> Path:
    actions = actions if actions is not None else {"hours.yaml": HOURS}
    write_files(root, {"chatgw.yaml": config, **{f"actions/{name}": text for name, text in actions.items()}})
    return root / "chatgw.yaml"


def test_load_interpolates_defaults_and_set_variables(tmp_path: Path) -> None:
    sources = load_sources(_project(tmp_path), {"DATABASE_URL": "postgresql://db/chatgw", "SHOP_TIMEOUT": "500ms"})

    assert sources.diagnostics == []
    assert sources.config is not None
    assert sources.config.upstream.base_url == "http://127.0.0.1:9"
    assert sources.config.upstream.timeout == 0.5
    assert sources.config.store == "postgresql://db/chatgw"


def test_load_unset_variable_is_cgw102_naming_it_at_its_value(tmp_path: Path) -> None:
    sources = load_sources(_project(tmp_path), {})

    assert [(d.code, d.line, d.column) for d in sources.diagnostics] == [("CGW102", 8, 8)]
    assert "DATABASE_URL" in sources.diagnostics[0].message
    assert "${DATABASE_URL:-value}" in (sources.diagnostics[0].hint or "")


def test_load_reads_the_environment_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:///other.db")

    sources = load_sources(_project(tmp_path))

    assert sources.config is not None and sources.config.store == "sqlite:///other.db"


def test_load_missing_config_file_raises_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found; pass --config PATH"):
        load_sources(tmp_path / "chatgw.yaml", {})


def test_load_config_that_is_a_folder_names_the_file_to_pass(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=f"is a folder; pass --config {tmp_path / 'chatgw.yaml'}"):
        load_sources(tmp_path, {})


def test_load_actions_below_the_folder_sorted_with_both_suffixes(tmp_path: Path) -> None:
    actions = {"zz.yaml": HOURS, "billing/refund.yml": HOURS, "aa.yaml": HOURS, "notes.txt": "not an action"}

    sources = load_sources(_project(tmp_path, actions=actions), {"DATABASE_URL": "sqlite://"})

    assert [(a.name, a.doc.file) for a in sources.actions] == [
        ("aa", "actions/aa.yaml"),
        ("refund", "actions/billing/refund.yml"),
        ("zz", "actions/zz.yaml"),
    ]


def test_load_action_that_is_not_a_mapping_is_cgw104(tmp_path: Path) -> None:
    sources = load_sources(_project(tmp_path, actions={"list.yaml": "- a\n- b\n"}), {"DATABASE_URL": "sqlite://"})

    assert [(d.file, d.code, d.line) for d in sources.diagnostics] == [("actions/list.yaml", "CGW104", 1)]
    assert sources.actions[0].model is None


def test_load_invalid_action_keeps_its_document_without_a_model(tmp_path: Path) -> None:
    broken = HOURS.replace("description: Opening hours\n", "")

    sources = load_sources(_project(tmp_path, actions={"hours.yaml": broken}), {"DATABASE_URL": "sqlite://"})

    assert [(d.code, d.line, d.column) for d in sources.diagnostics] == [("CGW105", 1, 1)]
    assert sources.actions[0].model is None
    assert sources.actions[0].doc.data["answer"] == "We ship Monday to Friday."


def test_load_config_with_errors_still_loads_the_actions_folder(tmp_path: Path) -> None:
    config = CONFIG.replace("actions: actions/", "actions: bot/").replace("name: shop-support\n", "")
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "hours.yaml").write_text(HOURS, encoding="utf-8")

    sources = load_sources(_project(tmp_path, config=config, actions={}), {"DATABASE_URL": "sqlite://"})

    assert sources.config is None
    assert [d.code for d in sources.diagnostics] == ["CGW105"]
    assert [a.doc.file for a in sources.actions] == ["bot/hours.yaml"]
