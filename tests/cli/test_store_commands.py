"""`chatgw inbox` and `chatgw insights` when the store named in the config cannot be opened."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import chatgw.cli.commands  # noqa: F401  (registers the commands)
from chatgw.cli import app
from tests.projects import HOURS, SHOP_CONFIG, write_shop


@pytest.mark.parametrize("command", [["inbox"], ["insights"]])
def test_store_that_cannot_be_opened_is_one_line_and_exit_2(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "not-a-folder").write_text("", encoding="utf-8")
    store = f"sqlite:///{tmp_path / 'not-a-folder' / 'chatgw.db'}"
    config = write_shop(tmp_path, {"chatgw.yaml": SHOP_CONFIG + f"store: {store}\n", "actions/hours.yaml": HOURS})

    result = CliRunner().invoke(app, [*command, "--config", str(config)])

    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("chatgw: error: the store cannot be opened (unable to open database file)")
    assert "Traceback" not in result.output
