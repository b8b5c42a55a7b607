"""Running conversation tests: each conversation through the real engine, answers stubbed.

Nothing reaches a real API: requests are answered by the turn's `respond:` stubs, else by
the spec's examples (mock mode) or not at all (dry run: 200, no body).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from chatgw.compiler.plans import ProjectPlan
from chatgw.engine import ConversationState, Engine
from chatgw.errors import ChatgwError
from chatgw.runtime import DryRunSender, MockSender
from chatgw.testing.expect import Mismatch, check_turn
from chatgw.testing.loader import Case, stubs_of
from chatgw.testing.stubs import StubSender


@dataclass(frozen=True, slots=True)
class TurnReport:
    """A turn that ran: what the test said, what the bot did, and how they differ."""

    index: int  # from 1
    line: int
    user: str
    turn: Mapping[str, Any]  # the turn object
    sent: int  # requests that reached the (stubbed) upstream
    mismatches: tuple[Mismatch, ...]


@dataclass(frozen=True, slots=True)
class CaseResult:
    """One conversation's outcome; it stops at its first failing turn."""

    case: Case
    turns: tuple[TurnReport, ...]
    seconds: float
    error: str | None = None  # the engine could not run a turn

    @property
    def passed(self) -> bool:
        return self.error is None and not any(turn.mismatches for turn in self.turns)

    @property
    def failed_turn(self) -> TurnReport | None:
        return next((turn for turn in self.turns if turn.mismatches), None)


@dataclass(frozen=True, slots=True)
class SuiteResult:
    results: tuple[CaseResult, ...]
    mode: str  # "dry-run" or "mock": what answers unstubbed requests
    deselected: int = 0

    @property
    def passed(self) -> int:
        return sum(1 for result in self.results if result.passed)

    @property
    def failed(self) -> int:
        return len(self.results) - self.passed


def select(cases: Sequence[Case], keyword: str | None) -> list[Case]:
    """The cases whose id (`file::name`) contains `keyword`, ignoring case; all without one."""
    if not keyword:
        return list(cases)
    wanted = keyword.casefold()
    return [case for case in cases if wanted in case.id.casefold()]


async def run_suite(
    project: ProjectPlan,
    cases: Sequence[Case],
    *,
    mock: bool = False,
    deselected: int = 0,
    on_result: Callable[[CaseResult], None] | None = None,
) -> SuiteResult:
    """Run every case against one engine, in order; `on_result` hears of each as it ends."""
    sender = StubSender(MockSender() if mock else DryRunSender())
    engine = Engine(project, sender)
    results = []
    for case in cases:
        result = await run_case(engine, sender, case)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return SuiteResult(tuple(results), "mock" if mock else "dry-run", deselected)


async def run_case(engine: Engine, sender: StubSender, case: Case) -> CaseResult:
    """One conversation, turn by turn, until the end or the first turn that fails."""
    started = time.perf_counter()
    base_url = engine.project.upstream.base_url
    state: ConversationState | None = None
    reports: list[TurnReport] = []
    conversation_id = case.id
    for index, written in enumerate(case.conversation.turns, 1):
        line = case.turn_lines[index - 1]
        sender.queue(stubs_of(written.respond))
        try:
            result = await engine.turn(state, written.user, identity=case.identity, conversation_id=conversation_id)
        except ChatgwError as error:
            return CaseResult(case, tuple(reports), time.perf_counter() - started, f"turn {index} (line {line}): {error}")
        state = result.state
        turn = result.turn.as_dict()
        mismatches = check_turn(written.expect, turn, base_url=base_url, sent=len(sender.sent))
        mismatches += [Mismatch("respond", None, None, f"respond: {problem}") for problem in sender.problems]
        if sender.unused:
            mismatches.append(
                Mismatch(
                    "respond",
                    None,
                    None,
                    f"respond: {sender.unused} stubbed response(s) were not used; the turn sent {len(sender.sent)} request(s)",
                )
            )
        reports.append(TurnReport(index, line, written.user, turn, len(sender.sent), tuple(mismatches)))
        if mismatches:
            break
    return CaseResult(case, tuple(reports), time.perf_counter() - started)
