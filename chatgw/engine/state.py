"""The state of one conversation between turns: small, immutable and JSON-serialisable.

The server keeps it in the store after every turn, so any replica can continue a conversation
in the middle of a form. Identity claims are never kept here: they are verified afresh with
every message.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal, Mapping, get_args

Status = Literal["idle", "collecting", "confirming", "executing", "handoff"]

_VERSION = 1
_STATUSES = frozenset(get_args(Status))


@dataclass(frozen=True, slots=True)
class ConversationState:
    """Where a conversation stands: the action in progress, its slots, and the counters."""

    conversation_id: str | None = None
    status: Status = "idle"
    action: str | None = None  # the action being collected or confirmed
    confidence: float = 0.0  # how sure the intent match that started `action` was
    slots: Mapping[str, Any] = field(default_factory=dict)  # message-sourced values only
    expecting: str | None = None  # the slot just asked for
    attempts: int = 0  # failed answers to the current question
    out_of_scope: int = 0  # consecutive messages nothing could handle
    offered_human: bool = False  # the last reply offered a human: "yes" hands over
    handoff_reason: str | None = None
    sequence: int = 0  # runs started in this conversation; names the next one
    run_key: str | None = None  # the run in progress (status executing)
    confirmed: str | None = None  # digest of the request the customer confirmed
    choices: tuple[str, ...] = ()  # actions offered by "Did you mean ...?", best first
    held: str | None = None  # the message the offered choices are about: it fills their slots
    offered: Any = None  # a remembered value offered for `expecting` ("For proj_8f2k1 again?")
    memory: Mapping[str, Any] = field(default_factory=dict)  # slot -> last value given or returned
    queue: tuple[tuple[str, str], ...] = ()  # (action, message) asked for in the same message, next

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; `from_dict` reads it back."""
        data: dict[str, Any] = {"version": _VERSION}
        for name in _FIELDS:  # every other field is a plain value; no deep copy needed
            data[name] = getattr(self, name)
        data["slots"] = dict(self.slots)
        data["memory"] = dict(self.memory)
        data["choices"] = list(self.choices)
        data["queue"] = [list(item) for item in self.queue]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ConversationState:
        """Read a dict written by `to_dict`; unknown keys are ignored, a bad status is refused."""
        version = data.get("version", _VERSION)
        if version != _VERSION:
            raise ValueError(f"conversation state version {version!r} is not supported")
        status = data.get("status", "idle")
        if status not in _STATUSES:
            raise ValueError(f"unknown conversation status {status!r}")
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        known["slots"] = dict(known.get("slots") or {})
        known["memory"] = dict(known.get("memory") or {})
        known["choices"] = tuple(known.get("choices") or ())
        known["queue"] = tuple((str(name), str(text)) for name, text in known.get("queue") or ())
        return cls(**known)

    def idle(self, **changes: Any) -> ConversationState:
        """The same conversation with no action in progress (counters, memory and the queue of
        further requests kept), and `changes` made: one copy where `replace` would make two."""
        return replace(
            self,
            **{
                "status": "idle",
                "action": None,
                "confidence": 0.0,
                "slots": {},
                "expecting": None,
                "attempts": 0,
                "offered_human": False,
                "run_key": None,
                "confirmed": None,
                "choices": (),
                "held": None,
                "offered": None,
                **changes,
            },
        )


_FIELDS = tuple(f.name for f in fields(ConversationState))
