"""Pydantic models of our two file kinds: `chatgw.yaml` and `actions/<name>.yaml`.

Strict by construction: unknown keys are errors (extra="forbid") and models are frozen.
The JSON Schema written by `chatgw schema` is generated from these models.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, WithJsonSchema, field_validator, model_validator

from chatgw.config.secrets import SecretRef


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, arbitrary_types_allowed=True)


# Secrets arrive as SecretRef (built by the loader from `${VAR}`); the schema shows a string.
Secret = Annotated[
    SecretRef,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$",
            "description": "a reference to an environment variable, ${NAME}; never the secret itself",
        }
    ),
]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_DURATION_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


def parse_duration(value: Any) -> float:
    """`5s`, `500ms`, `2m`, `1h` or a number of seconds."""
    if isinstance(value, bool):
        raise ValueError("must be a duration like 5s or 500ms")
    if isinstance(value, (int, float)):
        return float(value)
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"'{value}' is not a duration; write it like 5s, 500ms or 2m")
    return float(match.group(1)) * _DURATION_UNITS[match.group(2)]


_RETENTION = re.compile(r"^\s*(\d+)\s*(h|d|w)\s*$")
_RETENTION_UNITS = {"h": 3600.0, "d": 86400.0, "w": 7 * 86400.0}


def parse_retention(value: Any) -> float:
    """`90d`, `12w` or `48h`, in seconds."""
    match = _RETENTION.match(str(value)) if isinstance(value, str) else None
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"'{value}' is not a retention; write it like 90d, 12w or 48h")
    return int(match.group(1)) * _RETENTION_UNITS[match.group(2)]


Duration = Annotated[
    float,
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*(ms|s|m|h)?\s*$"}]}),
]

# ---------------------------------------------------------------- chatgw.yaml


class AuthConfig(_Strict):
    """How chatgw authenticates to the product API; secrets come from the environment."""

    type: Literal["bearer", "header", "basic", "none"] = "none"
    token: Secret | None = Field(None, description="bearer token, or the header's value; ${ENV_VAR} only")
    header: str = Field("Authorization", description="header name, for type: header")
    username: str | None = None
    password: Secret | None = Field(None, description="for type: basic; ${ENV_VAR} only")


class UpstreamConfig(_Strict):
    base_url: str = Field(description="scheme, host and base path of the product API")
    auth: AuthConfig = AuthConfig()
    timeout: Duration = Field(5.0, description="per attempt, e.g. 5s or 500ms")
    retries: int = Field(2, ge=0, le=10, description="only where repeating cannot do a thing twice")
    idempotent_operations: list[str] = Field(
        [],
        description='operations (operationId or "METHOD /path") that honour Idempotency-Key: a run whose '
        "outcome was lost in a crash is re-sent with the same key instead of going to a human",
    )

    _duration = field_validator("timeout", mode="before")(lambda cls, value: parse_duration(value))

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"'{value}' is not an http(s) URL; write it like https://api.example.com/v1")
        return value.rstrip("/")


class IdentityConfig(_Strict):
    """How the host product vouches for the customer: a signed JWT."""

    mode: Literal["jwt", "none"] = "none"
    secret: Secret | None = Field(None, description="HS256 shared secret; ${ENV_VAR} only")
    public_key: Secret | None = Field(None, description="RS256 public key (PEM); ${ENV_VAR} only")
    audience: str | None = None
    issuer: str | None = None
    subject: str = Field("sub", min_length=1, description="the claim that names the customer; tokens without it are refused")


class HandoffConfig(_Strict):
    inbox: bool = True
    webhook: str | None = Field(None, description="POST each handoff packet here, signed with HMAC-SHA256")
    webhook_secret: Secret | None = None


class NluConfig(_Strict):
    engine: Literal["builtin", "embeddings", "llm"] = Field(
        "embeddings",
        description="builtin: lexical, no model; embeddings: a pretrained sentence encoder (docs/nlu.md); "
        "llm: an OpenAI-compatible chat-completions endpoint proposes, the plans decide (docs/llm.md)",
    )
    threshold: Union[Literal["auto"], float] = "auto"
    model: str | None = Field(
        None,
        description="for engine embeddings: a folder with model.onnx and tokenizer.json, relative to chatgw.yaml; "
        "unset: the packaged all-MiniLM-L6-v2. For engine llm: the model's name, as the endpoint knows it",
    )
    base_url: str | None = Field(
        None, description="for engine llm: the endpoint's base URL, e.g. https://api.openai.com/v1 or http://127.0.0.1:8000/v1"
    )
    api_key: Secret | None = Field(None, description="for engine llm: ${ENV_VAR} only; unset for local servers that need none")
    timeout: Duration = Field(3.0, description="for engine llm: how long a turn waits for the model before it falls back")
    fallback: Literal["builtin", "embeddings"] = Field(
        "builtin", description="for engine llm: the engine that understands a turn the model failed (docs/llm.md)"
    )

    _duration = field_validator("timeout", mode="before")(lambda cls, value: parse_duration(value))

    @field_validator("model")
    @classmethod
    def _model_needs_engine(cls, value: str | None, info: Any) -> str | None:
        if value is not None and info.data.get("engine") not in ("embeddings", "llm"):
            raise ValueError("nlu.model is read by engines embeddings and llm only; set nlu.engine: embeddings (a model folder) or llm (a model name)")
        return value

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str | None, info: Any) -> str | None:
        if value is None:
            return None
        if info.data.get("engine") != "llm":
            raise ValueError("nlu.base_url is read by engine llm only; set nlu.engine: llm")
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"'{value}' is not an http(s) URL; write it like https://api.openai.com/v1")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _llm_settings_need_llm(self) -> "NluConfig":
        if self.engine != "llm":
            stray = [name for name in ("api_key", "timeout", "fallback") if name in self.model_fields_set]
            if stray:
                raise ValueError(f"nlu.{stray[0]} is read by engine llm only; set nlu.engine: llm or remove it")
        return self


class ServerConfig(_Strict):
    max_message_chars: int = Field(2000, ge=1)
    max_body_bytes: int = Field(262144, ge=1024, description="request bodies larger than this get 413, checked while reading")
    debug: bool = Field(False, description="include the request in chat responses")
    operator_token: Secret | None = Field(None, description="bearer token for /inbox, /insights and the inbox API")
    max_slot_attempts: int = Field(3, ge=1)
    max_out_of_scope: int = Field(3, ge=1)


class StoreConfig(_Strict):
    url: str = Field("sqlite:///chatgw.db", description="sqlite:///chatgw.db, or postgresql://user:${PASSWORD}@host/db")
    retention: str | None = Field(
        None,
        description="how long a conversation is kept after it was last touched (90d, 12w, 48h); "
        "`chatgw store prune` deletes older ones, never one with an open handoff; unset: kept",
    )

    @field_validator("retention")
    @classmethod
    def _retention(cls, value: str | None) -> str | None:
        if value is not None:
            parse_retention(value)
        return value


class ProjectConfig(_Strict):
    """chatgw.yaml"""

    version: Literal[1] = 1
    name: str
    openapi: str = Field(description="the product API's OpenAPI spec (YAML or JSON, 3.0 or 3.1)")
    upstream: UpstreamConfig
    actions: str = "actions/"
    identity: IdentityConfig = IdentityConfig()
    store: Union[str, StoreConfig] = Field(
        "sqlite:///chatgw.db", description="a database URL, or {url, retention} (docs/serve.md)"
    )
    handoff: HandoffConfig = HandoffConfig()
    nlu: NluConfig = NluConfig()
    server: ServerConfig = ServerConfig()
    tests: str = Field("tests/conversations", description="folder of conversation tests for `chatgw test`")


# ---------------------------------------------------------------- actions/*.yaml


class IntentConfig(_Strict):
    examples: list[str] = Field(description="what customers say; 10 or more varied ones work best")
    keywords: list[str] = []
    patterns: list[str] = Field([], description="regular expressions that select this action")
    questions: Literal["ask", "act"] = Field(
        "ask",
        description="a question-shaped or one-word message ('where is my key?') that matches a state-changing "
        "action: ask 'Do you want me to ...?' first (ask), or treat it as a request like the examples (act)",
    )


class SlotConfig(_Strict):
    from_: Any = Field("message", alias="from", description="message | identity.<claim> | a literal value")
    prompt: str | None = None
    description: str | None = None
    type: Literal["string", "integer", "number", "boolean"] | None = None
    enum: list[Any] | None = None
    synonyms: dict[str, list[str]] = {}
    pattern: str | None = None
    format: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    required: bool = True


class CallConfig(_Strict):
    operation: str = Field(description='an operationId, or "METHOD /path"')
    path: dict[str, Any] = {}
    query: dict[str, Any] = {}
    headers: dict[str, Any] = {}
    body: Any = None


class StepConfig(CallConfig):
    as_: str = Field(alias="as", description="name of this step's response: steps.<as>.body")
    when: str | None = Field(None, description="a Jinja expression; the step runs when it is true")


class ApprovalConfig(_Strict):
    """`approval: {when, reason}`: a teammate approves the confirmed request before it is sent."""

    when: str | None = Field(
        None,
        description='a Jinja expression over slots and identity, e.g. "{{ slots.amount > 50 }}"; '
        "unset: every run needs approval",
    )
    reason: str | None = Field(None, description="told to the customer and the approver; a template over slots and identity")


def _approval_form(value: Any) -> str:
    return "dict" if isinstance(value, dict) else "str"


# `always` or a mapping; tagged so that a mistake is reported once, for the form written
# (the tags are the branch names config/errors.py leaves out of an error's location).
Approval = Annotated[
    Union[Annotated[Literal["always"], Tag("str")], Annotated[ApprovalConfig, Tag("dict")]],
    Discriminator(_approval_form),
]


class ActionConfig(_Strict):
    """actions/<name>.yaml; the file stem is the action's name."""

    description: str
    intent: IntentConfig
    slots: dict[str, SlotConfig] = {}
    confirm: Union[str, bool, None] = None
    call: CallConfig | None = None
    steps: list[StepConfig] | None = None
    answer: str | None = None
    reply: dict[Union[int, str], str] = {}
    tags: list[str] = []
    approval: Approval | None = Field(
        None,
        description="`always`, or {when, reason}: after the customer confirms, the request waits in the inbox "
        "until a teammate approves (sent once) or rejects it (nothing sent)",
    )
