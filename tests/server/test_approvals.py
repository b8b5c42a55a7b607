"""Approval policies over HTTP: a confirmed request parked as a handoff of kind `approval`,
approved (sent once, the customer gets the action's reply) or rejected (nothing sent), across
a restart and a reload; on SQLite and on a real PostgreSQL, against a real upstream."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from chatgw.engine.approval import WITHDRAWN
from tests.projects import ACME_ACTIONS
from tests.server.approving import APPROVAL, EXTEND, OPERATOR, Customer, approval_project, extensions
from tests.server.gateway import ENV, UPSTREAM_TOKEN, build_app, running, wait_for
from tests.upstream import serve

pytestmark = pytest.mark.usefixtures("each_store")

def only_approval(client: httpx.Client) -> dict:
    [listed] = [h for h in client.get("/v1/handoffs", headers=OPERATOR).json()["handoffs"] if h["kind"] == "approval"
                and h["approval"]["status"] == "pending"]
    return listed


def test_an_approved_request_is_sent_once_and_the_customer_gets_the_actions_reply(tmp_path: Path, upstream) -> None:
    config = approval_project(tmp_path, upstream.url)
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        customer = Customer(client)
        parked = customer.ask_for_approval()
        sent_before = len(extensions(upstream))
        listed = only_approval(client)
        detail = client.get(f"/v1/handoffs/{listed['id']}", headers=OPERATOR).json()
        waiting = customer.say("any news?")
        approved = client.post(f"/v1/handoffs/{listed['id']}/approve", json={"agent": "ana"}, headers=OPERATOR)
        again = client.post(f"/v1/handoffs/{listed['id']}/approve", json={"agent": "bo"}, headers=OPERATOR)
        rejected_late = client.post(
            f"/v1/handoffs/{listed['id']}/reject", json={"agent": "bo", "reason": "no"}, headers=OPERATOR
        )
        seen = client.get(f"/v1/conversations/{customer.cid}", headers={"Authorization": f"Bearer {customer.token}"}).json()
        next_turn = customer.say("thanks")
        after = customer.say("thanks again")
        metrics = client.get("/metrics").text

    assert parked["handoff"] is True and parked["state"] == "handoff"
    assert "teammate" in parked["replies"][-1] and "will appear here in this chat" in parked["replies"][-1]
    assert "more than a day" in parked["replies"][-1]
    assert sent_before == 0  # nothing went upstream before the approval
    assert listed["reason"] == "approval" and listed["status"] == "open"
    request = listed["approval"]["request"]
    assert request["method"] == "POST" and request["url"].endswith(EXTEND) and request["body"] == {"hours": 48}
    assert request["headers"]["Idempotency-Key"] and len(listed["approval"]["request_hash"]) == 64
    packet = detail["packet"]
    assert packet["kind"] == "approval" and packet["approval"]["request"] == request
    assert UPSTREAM_TOKEN not in json.dumps(detail) and customer.token not in json.dumps(detail)
    assert "waiting for a teammate's approval" in waiting["replies"][0]

    assert approved.status_code == 200, approved.text
    decided = approved.json()
    assert decided["status"] == "resolved" and decided["approval"]["status"] == "approved"
    assert decided["approval"]["decided_by"] == "ana" and decided["replies"] == ["Done."]
    assert decided["action_run"]["outcome"] == "ok"
    [sent] = extensions(upstream)
    assert sent.json() == {"hours": 48} and sent.headers["idempotency-key"] == request["headers"]["Idempotency-Key"]
    assert sent.headers["authorization"] == f"Bearer {UPSTREAM_TOKEN}"
    assert again.status_code == 409 and again.json()["error"]["code"] == "approval_decided"
    assert "approved by ana" in again.json()["error"]["message"]
    assert rejected_late.status_code == 409

    assert [m["text"] for m in seen["transcript"]][-1] == "Done."
    assert [r["outcome"] for r in seen["action_runs"]] == ["ok"]
    assert [(m["role"], m["text"]) for m in next_turn["agent_messages"]] == [("bot", "Done.")]
    assert after["agent_messages"] == [] and after["handoff"] is False  # the bot answers again
    assert 'chatgw_approvals_total{action="extend_trial",decision="requested"} 1.0' in metrics
    assert 'chatgw_approvals_total{action="extend_trial",decision="approved"} 1.0' in metrics


def test_a_rejected_request_sends_nothing_and_the_customer_hears_the_reason(tmp_path: Path, upstream) -> None:
    config = approval_project(tmp_path, upstream.url)
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        customer = Customer(client)
        customer.ask_for_approval()
        hid = only_approval(client)["id"]
        rejected = client.post(
            f"/v1/handoffs/{hid}/reject", json={"agent": "ana", "reason": "your trial was extended last week"},
            headers=OPERATOR,
        )
        approve_after = client.post(f"/v1/handoffs/{hid}/approve", json={"agent": "ana"}, headers=OPERATOR)
        told = customer.say("ok")
        seen = client.get(f"/v1/conversations/{customer.cid}", headers=OPERATOR).json()
        small = customer.say("extend my trial by 12 hours")
        done = customer.say("yes")

    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["approval"]["status"] == "rejected"
    assert rejected.json()["approval"]["decision_reason"] == "your trial was extended last week"
    assert approve_after.status_code == 409
    [message] = told["agent_messages"]
    assert "didn't approve" in message["text"] and "Your trial was extended last week." in message["text"]
    assert [r["outcome"] for r in seen["action_runs"]] == ["rejected"]
    # Not above the threshold: no approval, sent at once.
    assert small["state"] == "confirming" and done["replies"] == ["Done."]
    [sent] = extensions(upstream)
    assert sent.json() == {"hours": 12}


def test_the_customer_cancelling_withdraws_a_pending_approval_and_nothing_is_sent(tmp_path: Path, upstream) -> None:
    config = approval_project(tmp_path, upstream.url)
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        customer = Customer(client)
        customer.ask_for_approval()
        hid = only_approval(client)["id"]
        cursor = client.get("/v1/events", headers=OPERATOR).json()["cursor"]
        withdrawn = customer.say("never mind")
        events = client.get("/v1/events", params={"cursor": cursor, "wait": 0}, headers=OPERATOR).json()["events"]
        approve = client.post(f"/v1/handoffs/{hid}/approve", json={"agent": "ana"}, headers=OPERATOR)
        reject = client.post(f"/v1/handoffs/{hid}/reject", json={"agent": "ana", "reason": "no"}, headers=OPERATOR)
        shown = client.get(f"/v1/handoffs/{hid}", headers=OPERATOR).json()
        seen = client.get(f"/v1/conversations/{customer.cid}", headers=OPERATOR).json()
        again = customer.say("extend my trial by 12 hours")
        data = client.get("/v1/insights", params={"since": "7d"}, headers=OPERATOR).json()
        metrics = client.get("/metrics").text

    assert withdrawn["replies"] == [WITHDRAWN] and withdrawn["handoff"] is False and withdrawn["state"] == "idle"
    assert ("handoff", "resolved") in [(e["type"], e.get("status")) for e in events]  # the inbox hears it live
    assert approve.status_code == reject.status_code == 409
    assert approve.json()["error"]["code"] == reject.json()["error"]["code"] == "approval_withdrawn"
    assert "withdrew" in approve.json()["error"]["message"] and "nothing was sent" in approve.json()["error"]["message"]
    assert shown["status"] == "resolved" and shown["approval"]["status"] == "withdrawn"
    assert shown["approval"]["decided_by"] == "customer"
    assert [r["outcome"] for r in seen["action_runs"]] == ["withdrawn"]
    assert seen["action_runs"][0]["request"]["body"] == {"hours": 48}
    assert seen["handoff"] is None and again["state"] == "confirming"  # the bot answers again
    assert extensions(upstream) == []
    [row] = data["approvals"]
    assert {k: row[k] for k in ("requested", "approved", "rejected", "withdrawn", "pending")} == {
        "requested": 1, "approved": 0, "rejected": 0, "withdrawn": 1, "pending": 0,
    }
    assert row["p50_decision_s"] is None  # no teammate decided it
    assert 'chatgw_approvals_total{action="extend_trial",decision="withdrawn"} 1.0' in metrics


def test_approval_errors_are_clear_4xx(tmp_path: Path, upstream) -> None:
    config = approval_project(tmp_path, upstream.url)
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        customer = Customer(client)
        customer.ask_for_approval()
        hid = only_approval(client)["id"]
        other = Customer(client)
        other.say("I want to talk to a human")
        [plain] = [h for h in client.get("/v1/handoffs", headers=OPERATOR).json()["handoffs"] if h["kind"] == "handoff"]
        answers = {
            "unknown": client.post("/v1/handoffs/h_nope/approve", json={"agent": "ana"}, headers=OPERATOR),
            "not_approval": client.post(f"/v1/handoffs/{plain['id']}/approve", json={"agent": "ana"}, headers=OPERATOR),
            "no_agent": client.post(f"/v1/handoffs/{hid}/approve", json={}, headers=OPERATOR),
            "no_reason": client.post(f"/v1/handoffs/{hid}/reject", json={"agent": "ana"}, headers=OPERATOR),
            "no_token": client.post(f"/v1/handoffs/{hid}/approve", json={"agent": "ana"}),
            "not_json": client.post(
                f"/v1/handoffs/{hid}/approve", content=b"{", headers={**OPERATOR, "Content-Type": "application/json"}
            ),
            "resolve": client.post(f"/v1/handoffs/{hid}/resolve", headers=OPERATOR),
        }
        still = only_approval(client)

    codes = {name: (r.status_code, r.json()["error"]["code"]) for name, r in answers.items()}
    assert codes == {
        "unknown": (404, "handoff_not_found"),
        "not_approval": (409, "not_an_approval"),
        "no_agent": (422, "invalid_request"),
        "no_reason": (422, "invalid_request"),
        "no_token": (401, "operator_token_required"),
        "not_json": (400, "malformed_json"),
        "resolve": (409, "approval_pending"),
    }
    assert still["id"] == hid and extensions(upstream) == []


def test_a_pending_approval_survives_a_restart_and_a_reload_sends_what_was_confirmed(tmp_path: Path, upstream) -> None:
    config = approval_project(tmp_path, upstream.url)
    action = tmp_path / "actions" / "extend_trial.yaml"
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        Customer(client).ask_for_approval(48)
        first = only_approval(client)["id"]
        Customer(client).ask_for_approval(30)
        [second] = [h["id"] for h in client.get("/v1/handoffs", headers=OPERATOR).json()["handoffs"] if h["id"] != first]
    # A restart, with the action's request template changed: the parked request is what was confirmed.
    action.write_text(ACME_ACTIONS["extend_trial"].replace('{hours: "{{ slots.hours }}"}', '{hours: 1}') + APPROVAL)
    app = build_app(config)
    with running(app) as url, httpx.Client(base_url=url) as client:
        approved = client.post(f"/v1/handoffs/{first}/approve", json={"agent": "ana"}, headers=OPERATOR)
        action.unlink()  # the action goes away in a reload: its approval cannot be sent any more
        assert asyncio.run(app.state.gateway.reload()) is True
        refused = client.post(f"/v1/handoffs/{second}/approve", json={"agent": "ana"}, headers=OPERATOR)
        rejected = client.post(
            f"/v1/handoffs/{second}/reject", json={"agent": "ana", "reason": "we no longer do this in chat"},
            headers=OPERATOR,
        )

    assert approved.status_code == 200, approved.text
    assert [r.json() for r in extensions(upstream)] == [{"hours": 48}]
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "approval_outdated"
    assert "no longer exists" in refused.json()["error"]["message"] and "nothing was sent" in refused.json()["error"]["message"]
    assert rejected.status_code == 200 and rejected.json()["approval"]["status"] == "rejected"
    assert extensions(upstream)[1:] == []


def test_insights_count_approvals_per_action_and_a_daily_series(tmp_path: Path, upstream) -> None:
    config = approval_project(tmp_path, upstream.url)
    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        for _ in range(3):
            Customer(client).ask_for_approval()
        Customer(client).say("I want to talk to a human")
        ids = [h["id"] for h in client.get("/v1/handoffs", headers=OPERATOR).json()["handoffs"] if h["kind"] == "approval"]
        client.post(f"/v1/handoffs/{ids[0]}/approve", json={"agent": "ana"}, headers=OPERATOR).raise_for_status()
        client.post(f"/v1/handoffs/{ids[1]}/reject", json={"agent": "ana", "reason": "no"}, headers=OPERATOR).raise_for_status()
        data = client.get("/v1/insights", params={"since": "7d"}, headers=OPERATOR).json()

    [row] = data["approvals"]
    assert {k: row[k] for k in ("action", "requested", "approved", "rejected", "withdrawn", "pending")} == {
        "action": "extend_trial", "requested": 3, "approved": 1, "rejected": 1, "withdrawn": 0, "pending": 1,
    }
    assert 0 <= row["p50_decision_s"] <= row["p95_decision_s"]
    assert len(data["daily"]) == 8 and data["daily"][0]["date"] < data["daily"][-1]["date"]
    today = data["daily"][-1]
    assert today == {"date": today["date"], "conversations": 4, "resolved_without_human": 0, "handoffs": 1, "approvals": 3}
    assert sum(day["conversations"] for day in data["daily"]) == data["conversations"] == 4

    from typer.testing import CliRunner

    import chatgw.cli.commands  # noqa: F401  (registers the commands)
    from chatgw.cli import app as cli

    text = CliRunner(env=ENV).invoke(cli, ["insights", "--config", str(config), "--since", "7d"])
    assert text.exit_code == 0, text.output
    rows = [[cell.strip() for cell in line.strip().strip("│").split("│")] for line in text.output.splitlines() if "│" in line]
    dated = [row for row in rows if row[0] in {day["date"] for day in data["daily"]}]
    assert [row[0] for row in dated] == [day["date"] for day in data["daily"]]  # every day, oldest first
    assert dated[-1] == [today["date"], "4", "0", "1", "3"] and dated[0][1:] == ["0", "0", "0", "0"]
    assert "Daily (UTC)" in text.output and "approvals asked" in text.output
    [approvals] = [row for row in rows if row[0] == "extend_trial" and len(row) == 8]
    assert approvals[:6] == ["extend_trial", "3", "1", "1", "0", "1"]  # requested, approved, rejected, withdrawn, pending


def test_chatgw_inbox_approve_and_reject_decide_from_the_terminal(tmp_path: Path, upstream) -> None:
    from typer.testing import CliRunner

    import chatgw.cli.commands  # noqa: F401  (registers the commands)
    from chatgw.cli import app as cli

    config = approval_project(tmp_path, upstream.url)
    runner = CliRunner()

    def inbox(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(cli, ["inbox", *args, "--config", str(config)])

    with running(build_app(config)) as url, httpx.Client(base_url=url) as client:
        first, second = Customer(client), Customer(client)
        first.ask_for_approval(48)
        second.ask_for_approval(36)
        ids = {h["approval"]["request"]["body"]["hours"]: h["id"] for h in client.get("/v1/handoffs", headers=OPERATOR).json()["handoffs"]}
        listed = inbox()
        shown = inbox(ids[48])
        approved = inbox("approve", ids[48], "--agent", "ana")
        twice = inbox("approve", ids[48], "--agent", "ana")
        no_reason = inbox("reject", ids[36], "--agent", "ana")
        rejected = inbox("reject", ids[36], "--agent", "ana", "--reason", "one extension per month", "--format", "json")
        missing = inbox("approve")
        told = first.say("ok?")

    assert listed.exit_code == 0 and "approval" in listed.output and "pending" in listed.output
    assert shown.exit_code == 0 and "chatgw inbox approve" in shown.output and '"hours": 48' in shown.output
    assert approved.exit_code == 0, approved.output
    assert "sent extendTrial, outcome ok" in approved.output and "Done." in approved.output
    assert twice.exit_code == 2 and "already approved by ana" in twice.output
    assert no_reason.exit_code == 2 and "--reason" in no_reason.output
    assert rejected.exit_code == 0 and json.loads(rejected.output)["approval"]["status"] == "rejected"
    assert missing.exit_code == 2 and "chatgw inbox approve ID" in missing.output
    assert [r.json() for r in extensions(upstream)] == [{"hours": 48}]
    assert [m["text"] for m in told["agent_messages"]] == ["Done."]
    assert UPSTREAM_TOKEN not in approved.output + rejected.output


def test_the_webhook_packet_of_an_approval_carries_its_kind_and_the_parked_request(tmp_path: Path, upstream) -> None:
    with serve() as hook:
        config = approval_project(tmp_path, upstream.url)
        with config.open("a") as file:
            file.write(f"handoff: {{inbox: true, webhook: {hook.url}/hooks}}\n")
        with running(build_app(config, webhook_backoff=0.01)) as url, httpx.Client(base_url=url) as client:
            customer = Customer(client)
            customer.ask_for_approval()
            listed = only_approval(client)
            wait_for(lambda: len(hook.received) >= 1, limit=30)
    [delivered] = hook.received
    packet = json.loads(delivered.body)
    assert packet["kind"] == "approval" and packet["reason"] == "approval"
    assert packet["approval"]["request"] == listed["approval"]["request"]
    assert packet["approval"]["request_hash"] == listed["approval"]["request_hash"]
    assert packet["approval"]["action"] == "extend_trial" and "more than a day" in packet["approval"]["reason"]
    assert UPSTREAM_TOKEN not in delivered.body.decode() and customer.token not in delivered.body.decode()
