"""Helpers for approval tests: the Acme project whose trial extension needs a teammate's
approval above 24 hours, and a signed-in customer who asks for one."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.projects import ACME_ACTIONS
from tests.server.gateway import OPERATOR_TOKEN, identity_token, write_project

OPERATOR = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
EXTEND = "/customers/cus_7/trial/extend"
APPROVAL = """\
approval:
  when: "{{ slots.hours > 24 }}"
  reason: Trials of more than a day need a teammate's approval.
"""


def approval_project(tmp_path: Path, upstream_url: str) -> Path:
    """The Acme project with an operator token, whose trial extension needs approval above 24 hours."""
    config = write_project(tmp_path, upstream_url, "server: {operator_token: ${CHATGW_OPERATOR_TOKEN}}\n")
    (tmp_path / "actions" / "extend_trial.yaml").write_text(ACME_ACTIONS["extend_trial"] + APPROVAL)
    return config


class Customer:
    """One signed-in customer's chat, asserting every answer is a 200."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.token = identity_token({"sub": "u7", "customer_id": "cus_7"})
        self.cid: str | None = None

    def say(self, message: str) -> dict:
        body = {"message": message, "identity_token": self.token}
        if self.cid is not None:
            body["conversation_id"] = self.cid
        response = self.client.post("/v1/chat", json=body)
        assert response.status_code == 200, response.text
        turn = response.json()
        self.cid = turn["conversation_id"]
        return turn

    def ask_for_approval(self, hours: int = 48) -> dict:
        assert self.say(f"extend my trial by {hours} hours")["state"] == "confirming"
        return self.say("yes")


def extensions(upstream) -> list:
    return [r for r in upstream.received if r.method == "POST" and r.path == EXTEND]
