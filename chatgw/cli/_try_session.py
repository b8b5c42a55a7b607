"""The `chatgw try` session: engine, sender and the turn views (imported only when `try` runs)."""

from __future__ import annotations

import json
import sys
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from rich.console import Console
from rich.text import Text

from chatgw.cli.try_ import FIRST_CONVERSATION, OutputFormat
from chatgw.compiler.plans import ProjectPlan
from chatgw.engine import ConversationState, Engine, Turn
from chatgw.runtime import DryRunSender, HttpSender, MockSender, Sender


async def session(project: ProjectPlan, mode: str, identity: Mapping[str, Any], output: OutputFormat) -> int:
    async with AsyncExitStack() as stack:
        sender: Sender
        if mode == "live":
            sender = await stack.enter_async_context(HttpSender(project.upstream))
        elif mode == "mock":
            sender = MockSender()
        else:
            sender = DryRunSender()
        engine = Engine(project, sender)
        if output is OutputFormat.json:
            return await json_lines(engine, sys.stdin, _write_line, identity)
        console = Console(highlight=False, soft_wrap=True)
        await interactive(engine, console, identity, mode)
        return 0


async def json_lines(
    engine: Engine,
    lines: Iterable[str],
    write: Callable[[str], None],
    identity: Mapping[str, Any] | None = None,
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
        write(json.dumps(result.turn.as_dict(), ensure_ascii=False))
    return bad


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
        view.show(result.turn)


@dataclass
class _Conversation:
    identity: dict[str, Any]
    state: ConversationState | None = field(default=None)


class _TurnView:
    """How a turn looks at the terminal."""

    _SENT = {"dry-run": "dry run: not sent", "mock": "sent to the mock", "live": "sent"}

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

    def show(self, turn: Turn) -> None:
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
            sent = "after a yes" if turn.state == "confirming" else self._SENT[self._mode]
            print_(self._field("request", f"{request['method']} {request['url']}  ({sent})"))
            for name, value in request.get("headers", {}).items():
                print_(Text(f"          {name}: {value}", style="dim"))
            if request.get("body") is not None:
                print_(Text("          " + json.dumps(request["body"], ensure_ascii=False), style="dim"))
        for reply in turn.replies:
            print_(Text.assemble(("bot> ", "bold green"), reply))
        if turn.handoff:
            print_(Text("-- handed to a human (a new conversation: /new) --", style="yellow"))

    @staticmethod
    def _field(label: str, value: str) -> Text:
        return Text.assemble((f"  {label:<8}", "dim"), value)


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
