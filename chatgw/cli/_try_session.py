"""The `chatgw try` session: engine, sender and the turn views (imported only when `try` runs)."""

from __future__ import annotations

import json
import sys
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Callable, Iterable, Mapping

from rich.console import Console
from rich.text import Text

from chatgw.cli._common import TextOrJson
from chatgw.cli.try_ import FIRST_CONVERSATION
from chatgw.compiler.plans import ProjectPlan
from chatgw.engine import ActionRun, ConversationState, Engine, Turn, TurnResult
from chatgw.runtime import DryRunSender, HttpSender, MockSender, Sender


async def session(project: ProjectPlan, mode: str, identity: Mapping[str, Any], output: TextOrJson) -> int:
    async with AsyncExitStack() as stack:
        sender: Sender
        if mode == "live":
            sender = await stack.enter_async_context(HttpSender(project.upstream))
        elif mode == "mock":
            sender = MockSender()
        else:
            sender = DryRunSender()
        engine = Engine(project, sender)
        if output is TextOrJson.json:
            return await json_lines(engine, sys.stdin, _write_line, identity, mode)
        console = Console(highlight=False, soft_wrap=True)
        await interactive(engine, console, identity, mode)
        return 0


async def json_lines(
    engine: Engine,
    lines: Iterable[str],
    write: Callable[[str], None],
    identity: Mapping[str, Any] | None = None,
    mode: str = "dry-run",
) -> int:
    """DESIGN.md section 3: one turn object out per line in; returns the count of bad lines.

    A line is `{"message", "conversation_id"?, "identity"?}` or plain text, which continues
    the current conversation. A new conversation_id starts a fresh conversation.
    """
    base = dict(identity or {})
    conversations: dict[str, _Conversation] = {}
    current = FIRST_CONVERSATION
    bad = 0
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            continue
        try:
            message, conversation_id, claims = _parse_line(line)
        except ValueError as error:
            bad += 1
            write(json.dumps({"error": {"code": "bad_input", "message": f"line {number}: {error}"}}))
            continue
        current = conversation_id or current
        conversation = conversations.setdefault(current, _Conversation(dict(base)))
        if claims is not None:
            conversation.identity = {**base, **claims}
        result = await engine.turn(
            conversation.state, message, identity=conversation.identity, conversation_id=current
        )
        conversation.state = result.state
        write(json.dumps(turn_object(result, mode), ensure_ascii=False))
    return bad


def turn_object(result: TurnResult, mode: str) -> dict[str, Any]:
    """The turn object of DESIGN.md section 3, plus what the upstream answered.

    `response` is `{"status", "headers", "body"}` (headers redacted by the engine), or null when
    nothing answered: a dry run, a call that failed at transport level, or no call this turn.
    `error` says why a call got no answer (e.g. the transport failure), else null.
    """
    run = _last_run(result)
    return {
        **result.turn.as_dict(),
        "response": _response(run, mode),
        "error": _unanswered(run),
    }


async def interactive(engine: Engine, console: Console, identity: Mapping[str, Any], mode: str) -> None:
    """Chat at the terminal; each turn shows intent, slots, the request and the replies."""
    number = 1
    state: ConversationState | None = None
    view = _TurnView(console, mode)
    view.banner(engine.project, identity)
    while True:
        try:
            message = console.input("[bold cyan]you>[/] ").strip()
        except (EOFError, KeyboardInterrupt):
            console.print()
            return
        if message in ("/quit", "/exit"):
            return
        if message == "/new":
            number, state = number + 1, None
            console.print(Text(f"-- new conversation try-{number} --", style="dim"))
            continue
        if not message:
            continue
        result = await engine.turn(state, message, identity=identity, conversation_id=f"try-{number}")
        state = result.state
        view.show(result)


@dataclass
class _Conversation:
    identity: dict[str, Any]
    state: ConversationState | None = field(default=None)


class _TurnView:
    """How a turn looks at the terminal."""

    _SENT = {"mock": "sent to the mock", "live": "sent"}
    # how a call that got no answer ended (ActionRun.outcome); anything else was not sent
    _UNANSWERED = {"unreachable": "no answer", "unknown": "outcome unknown"}

    def __init__(self, console: Console, mode: str) -> None:
        self._console = console
        self._mode = mode

    def banner(self, project: ProjectPlan, identity: Mapping[str, Any]) -> None:
        line = Text(f"chatgw try: {project.name}, {len(project.actions)} actions, {self._mode}", style="bold")
        self._console.print(line)
        if identity:
            claims = ", ".join(f"{key}={value}" for key, value in identity.items())
            self._console.print(Text(f"signed in as {claims}", style="dim"))
        self._console.print(Text("/new starts a new conversation, /quit (or Ctrl-D) leaves", style="dim"))

    def show(self, result: TurnResult) -> None:
        turn = result.turn
        print_ = self._console.print
        if turn.intent is not None:
            intent = f"{turn.intent} ({turn.confidence:.2f})"
        else:
            intent = "out of scope" if "outcome:out_of_scope" in turn.tags else "-"
        print_(self._field("intent", f"{intent}   state: {turn.state}"))
        if turn.slots:
            print_(self._field("slots", ", ".join(f"{k}={v!r}" for k, v in turn.slots.items())))
        if turn.request is not None:
            request = turn.request
            sent = self._sent(turn, _last_run(result))
            print_(self._field("request", f"{request['method']} {request['url']}  ({sent})"))
            for name, value in request.get("headers", {}).items():
                print_(Text(f"          {name}: {value}", style="dim"))
            if request.get("body") is not None:
                print_(Text("          " + json.dumps(request["body"], ensure_ascii=False), style="dim"))
        for reply in turn.replies:
            print_(Text.assemble(("bot> ", "bold green"), reply))
        if turn.handoff:
            print_(Text("-- handed to a human (a new conversation: /new) --", style="yellow"))

    def _sent(self, turn: Turn, run: ActionRun | None) -> str:
        """What became of the turn's request: `sent, 404 Not Found`, `no answer: <error>`, ..."""
        if turn.state == "confirming":
            return "after a yes"
        if self._mode == "dry-run":
            return "dry run: not sent"
        response = _response(run, self._mode)
        if response is not None:
            return f"{self._SENT[self._mode]}, {_status_line(response['status'])}"
        error = _unanswered(run)
        if run is None or error is None:
            return "not sent"
        return f"{self._UNANSWERED.get(run.outcome, 'not sent')}: {error}"

    @staticmethod
    def _field(label: str, value: str) -> Text:
        return Text.assemble((f"  {label:<8}", "dim"), value)


def _last_run(result: TurnResult) -> ActionRun | None:
    return result.runs[-1] if result.runs else None


def _response(run: ActionRun | None, mode: str) -> dict[str, Any] | None:
    # A dry run's "answer" is the DryRunSender's placeholder, not something an upstream said.
    if mode == "dry-run" or run is None or run.response is None:
        return None
    return dict(run.response)


def _unanswered(run: ActionRun | None) -> str | None:
    """Why the run's call got no answer; None when it was answered (or there was no run)."""
    if run is None or run.response is not None:
        return None
    return run.error


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _parse_line(line: str) -> tuple[str, str | None, dict[str, Any] | None]:
    if not line.startswith("{"):
        return line, None, None
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON ({error.msg})") from None
    if not isinstance(data, dict):
        raise ValueError("a JSON line must be an object")
    message = data.get("message")
    if not isinstance(message, str):
        raise ValueError('"message" must be a string')
    conversation_id = data.get("conversation_id")
    if conversation_id is not None and not isinstance(conversation_id, (str, int)):
        raise ValueError('"conversation_id" must be a string')
    identity = data.get("identity")
    if identity is not None and not isinstance(identity, dict):
        raise ValueError('"identity" must be an object of claims')
    return message, None if conversation_id is None else str(conversation_id), identity


def _write_line(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
