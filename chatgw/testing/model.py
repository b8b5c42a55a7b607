"""The conversation-test file format (docs/testing.md), as strict, frozen pydantic models.

    identity: {customer_id: cus_demo}          # optional: claims for every conversation
    conversations:
      - name: reset key happy path
        identity: {plan: pro}                   # optional: merged over the file's claims
        turns:
          - user: reset my api key for proj_8f2k1
            expect: {intent: reset_api_key, state: confirming}
          - user: yes
            respond: {status: 200, body: {key_suffix: abcd}}
            expect: {request: {method: POST, path: /projects/proj_8f2k1/keys/rotate}, reply: ends in abcd}

An expectation only checks what it names; a key given as null checks for absence
(`intent: null` is out of scope, `request: null` is no request at all).
"""

from __future__ import annotations

from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

State = Literal["idle", "collecting", "confirming", "executing", "handoff"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def given(self, name: str) -> bool:
        """Whether the file wrote this key (possibly as null)."""
        return name in self.model_fields_set


class Respond(_Strict):
    """What the upstream answers to the next request of the turn."""

    status: int = Field(200, ge=100, le=599, description="the HTTP status")
    body: Any = Field(None, description="the JSON body; checked against the spec's response schema")
    headers: dict[str, str] = {}
    timeout: bool = Field(False, description="no answer at all: the request times out")

    @model_validator(mode="after")
    def _timeout_alone(self) -> Respond:
        if self.timeout and self.model_fields_set & {"status", "body", "headers"}:
            raise ValueError("a timeout has no status, body or headers; give either timeout: true or a response")
        return self


class RequestExpect(_Strict):
    """The request sent (or, before a confirmation, about to be): each key given must match."""

    method: str | None = None
    path: str | None = Field(None, description="the path below the upstream's base_url, e.g. /projects/proj_8f2k1")
    query: dict[str, Any] | None = Field(None, description="these query parameters, at least")
    headers: dict[str, Any] | None = Field(None, description="these headers (names without case), at least")
    body: Any = Field(None, description="a subset of the body: the keys given, at any depth")


class Expect(_Strict):
    """Expectations on the bot's turn; only the keys given are checked."""

    intent: str | None = Field(None, description="the action; null: nothing matched (out of scope)")
    slots: dict[str, Any] | None = Field(None, description="these slots with these values, at least")
    state: State | None = None
    request: RequestExpect | None = Field(None, description="null: no request")
    reply: Union[str, list[str], None] = Field(None, description="text the replies contain (each, for a list)")
    reply_matches: str | None = Field(None, description="a regular expression a reply matches")
    handoff: bool | None = None
    tags: list[str] | None = Field(None, description="these tags, at least")
    sent: bool | None = Field(None, description="whether a request reached the upstream during the turn")
    choices: list[str] | None = Field(None, description="exactly these buttons under the reply, in order ([]: none)")


class TurnSpec(_Strict):
    user: str = Field(description="what the customer writes")
    respond: list[Respond] = Field(
        [], description="the upstream's answer to the turn's request (a list: to each request in order)"
    )
    expect: Expect = Expect()

    @field_validator("respond", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        # One answer is written as a mapping; reading it as a list of one keeps errors to one.
        return [value] if isinstance(value, dict) else value


class ConversationSpec(_Strict):
    name: str = Field(min_length=1)
    identity: dict[str, Any] = Field({}, description="verified claims of the customer, e.g. customer_id")
    turns: list[TurnSpec] = Field(min_length=1)


class SuiteFile(_Strict):
    """One tests/conversations/*.yaml file."""

    identity: dict[str, Any] = Field({}, description="claims for every conversation of the file")
    conversations: list[ConversationSpec] = Field(min_length=1)
