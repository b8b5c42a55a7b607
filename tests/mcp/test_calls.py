"""ToolCalls in process, over a real SQLite store and the real upstream on loopback: every way a
confirmation token can be wrong sends nothing, and arguments are checked like answers."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from chatgw.compiler import load_project
from chatgw.mcp import Caller, TokenKeys, ToolCallError, ToolCalls
from chatgw.runtime import HttpSender
from chatgw.server.gateway import StoreJournal
from chatgw.store import Store, open_store
from tests.server.gateway import ENV, rotations, write_project
from tests.upstream import Reply, Upstream

ME = Caller({"sub": "cus_1", "customer_id": "cus_1"}, "cus_1")
ROTATE_OR_HAND_OVER = """\
description: Rotate a key, and hand over when it fails.
intent:
  examples: [rotate my key, new key please, my key leaked, reset the api key, roll the key]
slots:
  project_id: {prompt: Which project?}
confirm: Rotate the key of {{ slots.project_id }}?
call:
  operation: rotateProjectKey
  path: {project_id: "{{ slots.project_id }}"}
  body: {reason: support-chat}
reply:
  ok: Done.
  default: handoff
"""


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


_LOOP = asyncio.Runner()  # replaced per test by the `loop` fixture


@pytest.fixture(autouse=True)
def loop() -> Iterator[asyncio.Runner]:
    """One event loop per test, so the upstream connections of its sender are closed with it."""
    global _LOOP
    with asyncio.Runner() as runner:
        _LOOP = runner
        yield runner
        for sender in _SENDERS:
            runner.run(sender.aclose())
        _SENDERS.clear()


_SENDERS: list[HttpSender] = []


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    opened = open_store(f"sqlite:///{tmp_path}/calls.db", root=str(tmp_path))
    yield opened
    opened.close()


def _calls(
    tmp_path: Path, upstream: Upstream, store: Store, clock: Clock, keys: TokenKeys | None = None, *,
    rotate_or_hand_over: str = ROTATE_OR_HAND_OVER,
) -> ToolCalls:
    config = write_project(tmp_path, upstream.url)
    (tmp_path / "actions" / "rotate_or_hand_over.yaml").write_text(rotate_or_hand_over)
    project = load_project(config)

    def journal(conversation: str, subject: str | None, claims: dict[str, Any]) -> StoreJournal:
        return StoreJournal(store, conversation, None, subject, claims, 30.0)

    sender = HttpSender(project.upstream)
    _SENDERS.append(sender)
    return ToolCalls(project, store, sender, keys or TokenKeys(b"k" * 32), journal=journal, clock=clock)


def _call(calls: ToolCalls, name: str, arguments: dict[str, Any], caller: Caller = ME) -> Any:
    return _LOOP.run(calls.call(name, arguments, caller))


def _token(calls: ToolCalls, name: str = "rotate_key", arguments: dict[str, Any] | None = None, caller: Caller = ME) -> str:
    return _call(calls, name, arguments or {"project_id": "proj_ab12c"}, caller).data["confirmation"]


def _refused(calls: ToolCalls, name: str, arguments: dict[str, Any], caller: Caller = ME) -> str:
    with pytest.raises(ToolCallError) as refused:
        _call(calls, name, arguments, caller)
    return str(refused.value)


@pytest.fixture
def upstream(upstream: Upstream) -> Upstream:
    upstream.default = Reply(200, {"requests": 1, "key_suffix": "x9Qz"})
    return upstream


def test_an_expired_token_sends_nothing(tmp_path: Path, upstream: Upstream, store: Store) -> None:
    clock = Clock()
    calls = _calls(tmp_path, upstream, store, clock)
    token = _token(calls)
    clock.now += calls.project.server.confirmation_ttl

    reason = _refused(calls, "rotate_key", {"project_id": "proj_ab12c", "confirmation": token})

    assert "expired" in reason and "Nothing was sent" in reason
    assert upstream.received == []


def test_a_token_shown_to_another_identity_sends_nothing(tmp_path: Path, upstream: Upstream, store: Store) -> None:
    calls = _calls(tmp_path, upstream, store, Clock())
    token = _token(calls)
    other = Caller({"sub": "cus_2", "customer_id": "cus_2"}, "cus_2")

    reason = _refused(calls, "rotate_key", {"project_id": "proj_ab12c", "confirmation": token}, other)

    assert "another identity" in reason
    assert upstream.received == []


def test_a_token_for_another_tool_sends_nothing(tmp_path: Path, upstream: Upstream, store: Store) -> None:
    calls = _calls(tmp_path, upstream, store, Clock())
    token = _token(calls, "rotate_or_hand_over")

    reason = _refused(calls, "rotate_key", {"project_id": "proj_ab12c", "confirmation": token})

    assert "issued for the tool rotate_or_hand_over" in reason
    assert upstream.received == []


def _longer(token: str) -> str:
    body, signature = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["e"] += 3600
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    return f"{forged}.{signature}"


@pytest.mark.parametrize("forge", [
    lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # another signature
    lambda token: _longer(token),  # another payload (a later expiry) under the old signature
    lambda token: "not a token",
    lambda token: 42,
])
def test_a_forged_token_sends_nothing(tmp_path: Path, upstream: Upstream, store: Store, forge: Any) -> None:
    calls = _calls(tmp_path, upstream, store, Clock())
    token = _token(calls)

    reason = _refused(calls, "rotate_key", {"project_id": "proj_ab12c", "confirmation": forge(token)})

    assert "not a token this server issued" in reason
    assert upstream.received == []


def test_a_token_from_a_process_with_its_own_key_is_refused_elsewhere(tmp_path: Path, upstream: Upstream, store: Store) -> None:
    issuer = _calls(tmp_path / "a", upstream, store, Clock(), TokenKeys())
    other = _calls(tmp_path / "b", upstream, store, Clock(), TokenKeys())

    reason = _refused(other, "rotate_key", {"project_id": "proj_ab12c", "confirmation": _token(issuer)})

    assert "another key" in reason
    assert upstream.received == []


def test_arguments_are_checked_like_answers_and_every_problem_is_named(tmp_path: Path, upstream: Upstream, store: Store) -> None:
    calls = _calls(tmp_path, upstream, store, Clock())

    reason = _refused(calls, "extend_trial", {"hours": 500, "project": "x", "customer_id": "cus_2"})

    assert reason.startswith("extend_trial was not called: ")
    assert "hours: " in reason and "72" in reason
    assert "extend_trial has no argument project (it takes hours)" in reason
    assert "customer_id is taken from the caller's verified identity" in reason
    assert _refused(calls, "show_usage", {"project_id": "proj-1"}).count("proj_") >= 1
    assert "missing required argument: project_id" in _refused(calls, "show_usage", {})
    assert upstream.received == []


def test_a_number_given_as_text_is_read_as_a_customer_answer_would_be(tmp_path: Path, upstream: Upstream, store: Store) -> None:
    calls = _calls(tmp_path, upstream, store, Clock())
    token = _token(calls, "extend_trial", {"hours": "12"})

    _call(calls, "extend_trial", {"hours": "12", "confirmation": token})

    assert [r.json() for r in upstream.received] == [{"hours": 12}]


def test_a_reply_that_hands_over_opens_a_handoff_with_the_run(tmp_path: Path, upstream: Upstream, store: Store) -> None:
    upstream.default = Reply(500, {"error": "boom"})
    calls = _calls(tmp_path, upstream, store, Clock())
    token = _token(calls, "rotate_or_hand_over")

    result = _call(calls, "rotate_or_hand_over", {"project_id": "proj_ab12c", "confirmation": token})

    assert result.data["status"] == "handed_off"
    [handoff] = store.handoffs()
    assert handoff.reason == "action_reply"
    [run] = handoff.packet["action_runs"]
    assert (run["action"], run["status"]) == ("rotate_or_hand_over", 500)
    assert "channel:mcp" in handoff.packet["tags"]
    assert len(rotations(upstream)) == 1


def test_an_unknown_tool_names_the_tools(tmp_path: Path, upstream: Upstream, store: Store) -> None:
    calls = _calls(tmp_path, upstream, store, Clock())

    with pytest.raises(ToolCallError, match="there is no tool 'rotate'; the tools are extend_trial, rotate_key, "):
        _call(calls, "rotate", {})


def test_a_store_that_fails_before_the_write_ahead_record_sends_nothing(tmp_path: Path, upstream: Upstream, store: Store) -> None:
    calls = _calls(tmp_path, upstream, store, Clock())
    token = _token(calls)
    with store.engine.begin() as connection:  # a real failure of the database, not a mock
        connection.exec_driver_sql("DROP TABLE action_runs")

    reason = _refused(calls, "rotate_key", {"project_id": "proj_ab12c", "confirmation": token})

    assert reason == "chatgw's store is unavailable, so nothing was sent; retry in a moment"
    assert upstream.received == []


def test_an_action_that_needs_approval_is_parked_for_a_teammate_not_sent(tmp_path: Path, upstream: Upstream, store: Store) -> None:
    calls = _calls(tmp_path, upstream, store, Clock(), rotate_or_hand_over=ROTATE_OR_HAND_OVER + "approval: always\n")
    proposed = _call(calls, "rotate_or_hand_over", {"project_id": "proj_ab12c"})

    confirmed = {"project_id": "proj_ab12c", "confirmation": proposed.data["confirmation"]}
    done = _call(calls, "rotate_or_hand_over", confirmed)
    again = _refused(calls, "rotate_or_hand_over", confirmed)

    assert done.data["status"] == "awaiting_approval" and "approval" in done.data["reply"]
    assert upstream.received == []
    (handoff,) = store.handoffs()
    assert handoff.kind == "approval" and handoff.approval is not None and handoff.approval.status == "pending"
    assert handoff.id == done.data["handoff_id"]
    assert done.data["request"] == proposed.data["request"]
    assert "used already" in again and "waiting for a teammate's approval" in again and done.data["handoff_id"] in again
    assert len(store.handoffs()) == 1


def test_a_handed_over_call_and_a_parked_one_are_stored_as_the_same_turn_each_with_why(
    tmp_path: Path, upstream: Upstream, store: Store
) -> None:
    upstream.default = Reply(500, {"error": "boom"})
    handing = _calls(tmp_path, upstream, store, Clock())
    handed = _call(handing, "rotate_or_hand_over", {"project_id": "proj_ab12c", "confirmation": _token(handing, "rotate_or_hand_over")})
    parking = _calls(tmp_path, upstream, store, Clock(), rotate_or_hand_over=ROTATE_OR_HAND_OVER + "approval: always\n")
    parked = _call(parking, "rotate_or_hand_over", {"project_id": "proj_ab12c", "confirmation": _token(parking, "rotate_or_hand_over")})

    stored = {}
    for handoff in store.handoffs():
        conversation = store.get_conversation(handoff.conversation_id)
        transcript = [(m.role, m.text) for m in store.messages(handoff.conversation_id)]
        stored[handoff.reason] = (conversation.status, conversation.state.get("handoff_reason"), conversation.subject,
                                  dict(conversation.claims), transcript)
    call = 'tool call rotate_or_hand_over {"project_id": "proj_ab12c"}'
    assert stored == {
        "action_reply": ("handoff", "action_reply", ME.subject, dict(ME.claims), [("customer", call), ("bot", handed.data["reply"])]),
        "approval": ("handoff", "approval", ME.subject, dict(ME.claims), [("customer", call), ("bot", parked.data["reply"])]),
    }
