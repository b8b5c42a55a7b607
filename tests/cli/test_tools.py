"""`chatgw tools`: the bundled demo's tool definitions, pinned as a snapshot for review."""

from __future__ import annotations

import json
import os
from pathlib import Path

from typer.testing import CliRunner

import chatgw.cli.commands  # noqa: F401  (registers the commands)
from chatgw.cli import app

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = Path(__file__).parent / "snapshots" / "demo_tools.json"
UPDATE = "CHATGW_UPDATE_SNAPSHOTS"  # set to 1 to rewrite the snapshot after a deliberate change


def test_tools_json_of_the_demo_matches_the_snapshot() -> None:
    result = CliRunner().invoke(app, ["tools", "--config", str(ROOT / "chatgw.yaml"), "--format", "json"])

    assert result.exit_code == 0, result.stderr
    if os.environ.get(UPDATE):
        SNAPSHOT.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == SNAPSHOT.read_text(encoding="utf-8"), f"run with {UPDATE}=1 and review the diff"


def test_tools_json_offers_every_demo_action_and_no_identity_input() -> None:
    tools = json.loads(SNAPSHOT.read_text(encoding="utf-8"))["tools"]

    assert [tool["name"] for tool in tools] == sorted(path.stem for path in (ROOT / "actions").glob("*.yaml"))
    assert all("customer_id" not in tool["input_schema"]["properties"] for tool in tools)


def test_tools_text_lists_inputs_outputs_and_hints() -> None:
    result = CliRunner().invoke(app, ["tools", "--config", str(ROOT / "chatgw.yaml")])

    assert result.exit_code == 0
    block = result.stdout.split("\n\n")[0]
    assert block.splitlines() == [
        "apply_credit  (POST; changes state, asks for confirmation)",
        "  Apply a billing credit to a project's next invoice",
        "  in   project_id: string ^proj_[a-z0-9]{5}$",
        "  in   amount: number 1..500",
        "  in   reason: one of outage, goodwill, billing_error, requested_by_customer",
        "  out  response.body.amount",
        "  out  response.body.balance",
    ]


def test_tools_on_a_missing_config_exits_2_with_the_reason(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["tools", "--config", str(tmp_path / "chatgw.yaml")])

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("chatgw: error: config file ")
