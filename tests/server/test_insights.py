"""Insights equal what ran: over HTTP and through `chatgw insights` / `chatgw inbox`."""

from __future__ import annotations

import pytest

import json
from pathlib import Path

import httpx
from typer.testing import CliRunner

import chatgw.cli.commands  # noqa: F401  (registers the commands)
from chatgw.cli import app as cli

from tests.server.gateway import ENV, UPSTREAM_TOKEN, build_app, running, write_project
from tests.upstream import Reply, serve

# Every test here runs on SQLite and on a real PostgreSQL.
pytestmark = pytest.mark.usefixtures("each_store")


def say(client: httpx.Client, message: str, cid: str | None = None) -> dict:
    body = {"message": message} if cid is None else {"message": message, "conversation_id": cid}
    response = client.post("/v1/chat", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_insights_equal_what_ran(tmp_path: Path) -> None:
    with serve() as upstream:
        upstream.default = Reply(200, {"requests": 7, "key_suffix": "x9Qz"})
        upstream.respond(Reply(500, {"error": "boom"}), path="/projects/proj_bad00/keys/rotate")
        config = write_project(tmp_path, upstream.url)
        with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
            for project in ("proj_aaaaa", "proj_bbbbb"):
                say(client, f"show me the usage of {project}")
            cid = say(client, "reset my api key")["conversation_id"]
            say(client, "proj_bad00", cid)
            say(client, "yes", cid)
            say(client, "do you sell gift cards")
            say(client, "Do you sell gift cards")
            say(client, "I want a human")
            data = client.get("/v1/insights", params={"since": "1d"}).json()
            bad = client.get("/v1/insights", params={"since": "forever"})

    by_action = {row["action"]: row for row in data["actions"]}
    usage, rotate = by_action["show_usage"], by_action["rotate_key"]
    assert (usage["requests"], usage["successes"], usage["failures"], usage["handoffs"]) == (2, 2, 0, 0)
    assert rotate["requests"] == 1 and rotate["successes"] == 0
    assert rotate["failures"] + rotate["handoffs"] == 1
    assert usage["p50_ms"] is not None and usage["p95_ms"] >= usage["p50_ms"]
    assert data["conversations"] == 6 and data["handed_off"] >= 1
    assert data["resolved_without_human"] == 2
    assert data["deflection_rate"] == round(2 / 6, 4)
    tags = {row["tag"]: row["conversations"] for row in data["top_tags"]}
    assert tags["action:show_usage"] == 2 and tags["usage"] == 2 and tags["action:rotate_key"] == 1
    assert data["out_of_scope"][0] == {"message": "do you sell gift cards", "count": 2}
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_since"
    assert UPSTREAM_TOKEN not in json.dumps(data)

    runner = CliRunner(env=ENV)
    as_json = runner.invoke(cli, ["insights", "--config", str(config), "--since", "1d", "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    cli_data = json.loads(as_json.output)
    assert cli_data["actions"] == data["actions"] and cli_data["top_tags"] == data["top_tags"]
    table = runner.invoke(cli, ["insights", "--config", str(config)])
    assert table.exit_code == 0 and "show_usage" in table.output and "gift cards" in table.output

    listed = runner.invoke(cli, ["inbox", "--config", str(config), "--format", "json"])
    assert listed.exit_code == 0, listed.output
    [handoff] = json.loads(listed.output)["handoffs"]
    shown = runner.invoke(cli, ["inbox", handoff["id"], "--config", str(config)])
    assert shown.exit_code == 0 and "I want a human" in shown.output
    missing = runner.invoke(cli, ["inbox", "h_nope", "--config", str(config)])
    assert missing.exit_code == 2
