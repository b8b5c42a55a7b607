"""The write-ahead record of state-changing runs: what the engine asks of the store, and the
guard that asks it around every request.

The engine does no I/O of its own; the server passes a `Journal` over its store. Before a
state-changing request leaves, `begin` commits the run (state `sending`, with the redacted
request and its Idempotency-Key) together with the conversation state `executing`; after the
answer, `answered` commits the status. A crash in between leaves a run in `sending`, which the
next turn finds (`lookup`) and never re-sends blindly. Without a journal (`try`, `test`) the
guard still checks that the request sent is the one confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Protocol

from chatgw.runtime import PreparedRequest, SendRefused, UpstreamResult, request_digest

CHANGES_STATE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True, slots=True)
class RunStart:
    """A run's first state-changing request, about to leave."""

    run_key: str
    action: str
    operation: str
    request: Mapping[str, Any]  # redacted preview
    idempotency_key: str | None
    state: Mapping[str, Any]  # ConversationState.to_dict(), status executing, kept with it
    replay: bool = False  # re-sending a run whose outcome was lost, with the same keys


@dataclass(frozen=True, slots=True)
class RunStatus:
    """What the store knows of a run: `sending` (outcome unknown), `sent` (answered, turn not
    saved), or a final outcome."""

    outcome: str
    status: int | None = None


class Journal(Protocol):
    """Asynchronous: on a network database the server runs these off the event loop."""

    async def begin(self, start: RunStart) -> bool:
        """Record the run ahead; False when it must not be sent (already started, or the
        conversation is no longer this turn's)."""
        ...

    async def sending(self, run_key: str, request: Mapping[str, Any], idempotency_key: str | None) -> None:
        """A later state-changing request of the same run is about to leave."""
        ...

    async def answered(self, run_key: str, status: int) -> None:
        """The upstream answered the request last recorded as sending."""
        ...

    async def lookup(self, run_key: str) -> RunStatus | None:
        """The run's record, None when none was written."""
        ...


class RunGuard:
    """The SendGuard of one run: the confirmed-request check, and the write-ahead record."""

    def __init__(
        self, journal: Journal | None, *, run_key: str, action: str, state: Mapping[str, Any],
        confirmed: str | None, replay: bool = False,
    ) -> None:
        self._journal = journal
        self._run_key = run_key
        self._action = action
        self._state = state
        self._confirmed = confirmed
        self._replay = replay
        self._checked = confirmed is None
        self.begun = False

    async def before(self, index: int, request: PreparedRequest) -> None:
        preview = request.preview()
        if not self._checked:
            # The first request sent is the one the confirmation previewed.
            self._checked = True
            if request_digest(preview) != self._confirmed:
                raise SendRefused("changed", "the request differs from the one the customer confirmed")
        if self._journal is None or request.method not in CHANGES_STATE:
            return
        if self.begun:
            await self._journal.sending(self._run_key, preview, request.idempotency_key)
            return
        start = RunStart(
            self._run_key, self._action, request.operation, preview, request.idempotency_key,
            self._state, self._replay,
        )
        if not await self._journal.begin(start):
            raise SendRefused("unknown", "this confirmed request was already started once")
        self.begun = True

    async def after(self, request: PreparedRequest, result: UpstreamResult | None, error: str | None) -> None:
        if self.begun and result is not None and request.method in CHANGES_STATE and self._journal is not None:
            await self._journal.answered(self._run_key, result.status)
