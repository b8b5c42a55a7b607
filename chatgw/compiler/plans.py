"""Compiled plans: the immutable output of the compiler, the only thing chat time sees.

Templates are kept as Jinja source strings (checked at compile time); the runtime compiles
each source once and caches it. Nothing here refers back to YAML or to config models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

from chatgw.config.secrets import SecretRef
from chatgw.openapi.model import Operation

HANDOFF = "handoff"  # a reply value that hands the conversation to a human

SlotSource = Literal["message", "identity", "literal"]


@dataclass(frozen=True, slots=True)
class SlotPlan:
    """One detail to collect, with the constraints of the parameter or property it feeds."""

    name: str
    source: SlotSource = "message"
    claim: str | None = None  # for source == "identity": the claim name
    default: Any = None  # for source == "literal": the value
    prompt: str = ""
    type: str = "string"  # string | integer | number | boolean
    enum: tuple[Any, ...] | None = None
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # enum value -> phrases
    pattern: str | None = None
    format: str | None = None  # email, uuid, date, date-time, ...
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False
    min_length: int | None = None
    max_length: int | None = None
    required: bool = True
    description: str | None = None


@dataclass(frozen=True, slots=True)
class CallPlan:
    """One HTTP call: the operation and the templates of every part of the request."""

    operation: Operation
    path: Mapping[str, Any] = field(default_factory=dict)  # name -> template or literal
    query: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, Any] = field(default_factory=dict)
    body: Any = None  # nested dict/list of templates and literals, or None
    name: str | None = None  # `as:` in a steps plan
    when: str | None = None  # a Jinja expression; the step runs when it is truthy


@dataclass(frozen=True, slots=True)
class ReplyPlan:
    """Reply templates keyed by outcome; a value of HANDOFF hands over to a human."""

    by_status: Mapping[int, str] = field(default_factory=dict)  # 404 -> "..."
    by_class: Mapping[str, str] = field(default_factory=dict)  # "4xx" -> "..."
    ok: str | None = None  # any 2xx
    default: str | None = None

    def select(self, status: int) -> str | None:
        """Exact status, then `ok` for 2xx, then the class, then `default`."""
        if status in self.by_status:
            return self.by_status[status]
        if 200 <= status < 300 and self.ok is not None:
            return self.ok
        cls = f"{status // 100}xx"
        if cls in self.by_class:
            return self.by_class[cls]
        return self.default


@dataclass(frozen=True, slots=True)
class ApprovalPlan:
    """A teammate approves the confirmed request before it leaves: always, or when `when` holds."""

    when: str | None = None  # a Jinja expression over slots and identity; None: always
    reason: str | None = None  # a template over slots and identity


@dataclass(frozen=True, slots=True)
class ActionPlan:
    name: str
    description: str
    source: str  # file, relative to the config's folder
    examples: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    slots: tuple[SlotPlan, ...] = ()
    confirm: str | None = None  # a template; None means no confirmation
    steps: tuple[CallPlan, ...] = ()  # a single `call:` is one step
    answer: str | None = None  # `answer:` actions reply directly
    reply: ReplyPlan = field(default_factory=ReplyPlan)
    tags: tuple[str, ...] = ()  # the action's own tags
    operation_tags: tuple[str, ...] = ()  # tags of the OpenAPI operations it calls
    questions: str = "ask"  # intent.questions: "ask" or "act"
    approval: ApprovalPlan | None = None

    @property
    def changes_state(self) -> bool:
        """Whether any of its requests can change something upstream (not GET/HEAD/OPTIONS)."""
        return any(call.operation.changes_state for call in self.steps)

    def slot(self, name: str) -> SlotPlan | None:
        for slot in self.slots:
            if slot.name == name:
                return slot
        return None


@dataclass(frozen=True, slots=True)
class AuthPlan:
    type: Literal["bearer", "header", "basic", "none"] = "none"
    token: SecretRef | None = None  # bearer token or header value
    header: str = "Authorization"  # for type == "header"
    username: str | None = None
    password: SecretRef | None = None


@dataclass(frozen=True, slots=True)
class UpstreamPlan:
    base_url: str
    auth: AuthPlan = field(default_factory=AuthPlan)
    timeout: float = 5.0  # seconds
    retries: int = 2
    # operation keys (operationId, else "METHOD /path") that honour Idempotency-Key
    idempotent_operations: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class IdentityPlan:
    mode: Literal["jwt", "none"] = "none"
    secret: SecretRef | None = None  # HS256
    public_key: SecretRef | None = None  # RS256, PEM
    algorithms: tuple[str, ...] = ("HS256",)
    audience: str | None = None
    issuer: str | None = None
    subject: str = "sub"  # the claim that names the customer


@dataclass(frozen=True, slots=True)
class HandoffPlan:
    inbox: bool = True
    webhook: str | None = None
    webhook_secret: SecretRef | None = None


@dataclass(frozen=True, slots=True)
class NluPlan:
    engine: str = "embeddings"  # "builtin", "embeddings" or "llm"
    threshold: float | None = None  # None: "auto", picked from the examples
    model: str | None = None  # embeddings: a model folder, absolute (None: the packaged model); llm: its name
    base_url: str | None = None  # llm: the chat-completions endpoint's base URL
    api_key: SecretRef | None = None  # llm: None for servers that need no key
    timeout: float = 3.0  # llm: seconds a turn waits for the model
    fallback: str = "builtin"  # llm: the engine for a turn the model failed


@dataclass(frozen=True, slots=True)
class ServerPlan:
    max_message_chars: int = 2000
    max_body_bytes: int = 262144
    debug: bool = False
    operator_token: SecretRef | None = None
    max_slot_attempts: int = 3
    max_out_of_scope: int = 3
    confirmation_secret: SecretRef | None = None  # None: a key per process (tokens stay on their replica)
    confirmation_ttl: float = 300.0  # seconds


@dataclass(frozen=True, slots=True)
class ProjectPlan:
    """Everything needed at chat time, compiled once."""

    name: str
    root: str  # the config's folder, absolute
    actions: tuple[ActionPlan, ...]
    upstream: UpstreamPlan
    identity: IdentityPlan = field(default_factory=IdentityPlan)
    handoff: HandoffPlan = field(default_factory=HandoffPlan)
    nlu: NluPlan = field(default_factory=NluPlan)
    server: ServerPlan = field(default_factory=ServerPlan)
    store: str = "sqlite:///chatgw.db"
    retention: float | None = None  # store.retention in seconds; None: conversations are kept
    tests: str = "tests/conversations"

    def action(self, name: str) -> ActionPlan | None:
        for action in self.actions:
            if action.name == name:
                return action
        return None
