"""Conversations bound to the claim `identity.subject` names, whatever it is called.

A project whose tokens carry only `account_id` (no `sub`, no `customer_id`), served for real on
loopback with an operator token, against the real upstream of tests/upstream.py.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.projects import ACME_ACTIONS, write_acme, write_files
from tests.server.gateway import OPERATOR_TOKEN, build_app, identity_token, running
from tests.upstream import Upstream

ACCOUNT_CONFIG = """\
identity: {mode: jwt, secret: ${CHATGW_IDENTITY_SECRET}, subject: account_id}
store: sqlite:///chatgw.db
server: {operator_token: ${CHATGW_OPERATOR_TOKEN}}
"""


# Tokens are made when a test uses them, not at import: one made at collection time expires
# (in 300 s) before a long suite reaches this module.
def alice_token() -> str:
    return identity_token({"account_id": "acc_alice"})


def bob_token() -> str:
    return identity_token({"account_id": "acc_bob"})


def account_project(root: Path, upstream: Upstream) -> Path:
    """The Acme project, its trial extension taking the account from `identity.account_id`."""
    config = write_acme(root, upstream.url, ACCOUNT_CONFIG)
    extend = ACME_ACTIONS["extend_trial"].replace("identity.customer_id", "identity.account_id")
    write_files(root, {"actions/extend_trial.yaml": extend})
    return config


def chat(client: httpx.Client, message: str, cid: str | None = None, token: str | None = None) -> httpx.Response:
    body = {"message": message}
    if cid is not None:
        body["conversation_id"] = cid
    if token is not None:
        body["identity_token"] = token
    return client.post("/v1/chat", json=body)


def read(client: httpx.Client, cid: str, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.get(f"/v1/conversations/{cid}", headers=headers)


def test_binding_another_account_cannot_read_the_conversation(tmp_path: Path, upstream: Upstream) -> None:
    with running(build_app(account_project(tmp_path, upstream))) as url, httpx.Client(base_url=url) as client:
        cid = chat(client, "extend my trial", token=bob_token()).json()["conversation_id"]
        alice = read(client, cid, alice_token())
        anonymous = read(client, cid)
        forged = read(client, cid, identity_token({"account_id": "acc_bob"}, secret="not-the-secret-but-long-enough-too"))
        bob = read(client, cid, bob_token())
        operator = read(client, cid, OPERATOR_TOKEN)

    assert alice.status_code == 403 and alice.json()["error"]["code"] == "conversation_forbidden"
    assert anonymous.status_code == 401
    assert forged.status_code == 401 and forged.json()["error"]["code"] == "invalid_identity"
    assert bob.status_code == 200 and operator.status_code == 200
    assert bob.json()["transcript"][0]["text"] == "extend my trial"


def test_binding_another_account_cannot_confirm_the_pending_action(tmp_path: Path, upstream: Upstream) -> None:
    with running(build_app(account_project(tmp_path, upstream))) as url, httpx.Client(base_url=url) as client:
        cid = chat(client, "extend my trial", token=bob_token()).json()["conversation_id"]
        assert chat(client, "24", cid, bob_token()).json()["state"] == "confirming"
        stolen = chat(client, "yes", cid, alice_token())
        anonymous = chat(client, "yes", cid)
        sent_before_bob = list(upstream.received)
        own = chat(client, "yes", cid, bob_token())

    assert stolen.status_code == 403 and stolen.json()["error"]["code"] == "conversation_forbidden"
    assert anonymous.status_code == 403
    assert sent_before_bob == []
    assert own.status_code == 200 and upstream.paths() == ["/customers/acc_bob/trial/extend"]


def test_binding_token_without_the_subject_claim_is_401_naming_it(tmp_path: Path, upstream: Upstream) -> None:
    with running(build_app(account_project(tmp_path, upstream))) as url, httpx.Client(base_url=url) as client:
        missing = chat(client, "extend my trial", token=identity_token({"sub": "u1", "customer_id": "cus_1"}))
        empty = chat(client, "extend my trial", token=identity_token({"account_id": ""}))

    for response in (missing, empty):
        assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_identity"
        assert "account_id" in response.json()["error"]["message"]
    assert upstream.received == []


def test_binding_anonymous_conversation_is_read_by_the_operator_only(tmp_path: Path, upstream: Upstream) -> None:
    with running(build_app(account_project(tmp_path, upstream))) as url, httpx.Client(base_url=url) as client:
        cid = chat(client, "how many requests did my project make").json()["conversation_id"]
        anonymous = read(client, cid)
        alice = read(client, cid, alice_token())
        operator = read(client, cid, OPERATOR_TOKEN)

    assert anonymous.status_code == 401 and alice.status_code == 403
    assert operator.status_code == 200


def test_binding_an_account_cannot_continue_an_anonymous_conversation(tmp_path: Path, upstream: Upstream) -> None:
    with running(build_app(account_project(tmp_path, upstream))) as url, httpx.Client(base_url=url) as client:
        cid = chat(client, "reset my api key").json()["conversation_id"]
        assert chat(client, "proj_ab12c", cid).json()["state"] == "confirming"
        taken = chat(client, "yes", cid, alice_token())

    assert taken.status_code == 403 and upstream.received == []


def test_chat_text_that_is_not_valid_unicode_is_422(tmp_path: Path, upstream: Upstream) -> None:
    with running(build_app(account_project(tmp_path, upstream))) as url, httpx.Client(base_url=url) as client:
        answers = [
            client.post("/v1/chat", content=body.encode(), headers={"Content-Type": "application/json"})
            for body in (
                '{"message": "hi \\ud83d"}',
                '{"message": "hi", "conversation_id": "c\\udfff"}',
                '{"message": "hi", "identity_token": "x\\ud800"}',
            )
        ]

    for response in answers:
        assert response.status_code == 422, response.text
        assert set(response.json()) == {"error"}
