"""A small hand-built project (the compiler's output for a few Acme Cloud actions), and a
helper that runs a whole conversation through the engine the way a server would."""

from __future__ import annotations

import asyncio
import functools
import json
from typing import Any, Mapping, Sequence

from chatgw.compiler.plans import (
    HANDOFF,
    ActionPlan,
    CallPlan,
    ProjectPlan,
    ReplyPlan,
    ServerPlan,
    SlotPlan,
    UpstreamPlan,
)
from chatgw.engine import ConversationState, Engine, TurnResult
from chatgw.engine.engine import build_intents
from chatgw.nlu.intents import IntentEngine
from chatgw.openapi.model import Response
from chatgw.runtime import HttpSender, Sender
from tests.runtime.builders import operation, path_param

PROJECT_ID = r"^proj_[a-z0-9]{5}$"
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")


# What an operation answers when the test does not say: a JSON object.
OK = {"200": Response("200", "ok", {"type": "object"})}

ROTATE = operation(
    "POST",
    "/projects/{project_id}/keys/rotate",
    operation_id="rotateProjectKey",
    parameters=(path_param("project_id", {"type": "string", "pattern": PROJECT_ID}),),
    body={"type": "object", "properties": {"reason": {"type": "string"}}},
    responses={
        "200": Response("200", "rotated", {"type": "object"}, example={"key_suffix": "x9Qz"}),
        "404": Response("404", "no such project", None),
    },
    tags=("Keys",),
)
USAGE = operation(
    "GET",
    "/projects/{project_id}/usage",
    operation_id="getProjectUsage",
    parameters=(path_param("project_id", {"type": "string", "pattern": PROJECT_ID}),),
    responses={"200": Response("200", "usage", {"type": "object"}, example={"requests": 1234})},
    tags=("Usage",),
)
EXTEND_TRIAL = operation(
    "POST",
    "/customers/{customer_id}/trial/extend",
    operation_id="extendTrial",
    parameters=(path_param("customer_id", {"type": "string"}),),
    body={
        "type": "object",
        "required": ["hours"],
        "properties": {"hours": {"type": "integer", "minimum": 1, "maximum": 72}},
    },
    responses=OK,
    tags=("Billing",),
)
EMAIL_INVOICE = operation(
    "POST",
    "/invoices/email",
    operation_id="emailInvoice",
    body={
        "type": "object",
        "required": ["email", "month", "note"],
        "properties": {
            "email": {"type": "string", "format": "email"},
            "month": {"type": "string", "enum": list(MONTHS)},
            "note": {"type": "string"},
        },
    },
    responses=OK,
    tags=("Billing",),
)

PROJECT_SLOT = SlotPlan(
    name="project_id",
    pattern=PROJECT_ID,
    prompt="Which project is it? Project ids look like proj_ab12c.",
    description="The project's id",
)

ACTIONS = (
    ActionPlan(
        name="rotate_key",
        description="Issue a new API key for a project and revoke the old one.",
        source="actions/rotate_key.yaml",
        examples=(
            "reset my api key",
            "my key leaked, I need a new one",
            "rotate the token for proj_8f2k1",
            "please rotate my api key",
            "I need a new api key",
            "regenerate the secret key of my project",
            "revoke my api token and give me a new one",
        ),
        slots=(PROJECT_SLOT,),
        confirm="I'll revoke the current key of {{ slots.project_id }} and issue a new one. Go ahead?",
        steps=(
            CallPlan(
                operation=ROTATE,
                path={"project_id": "{{ slots.project_id }}"},
                body={"reason": "support-chat"},
            ),
        ),
        reply=ReplyPlan(
            by_status={404: "I couldn't find project {{ slots.project_id }} on your account."},
            ok="Done. Your new key ends in {{ response.body.key_suffix }}; the old one no longer works.",
            default=HANDOFF,
        ),
        tags=("keys", "security"),
        operation_tags=("Keys",),
    ),
    ActionPlan(
        name="show_usage",
        description="Show how many requests a project made this month.",
        source="actions/show_usage.yaml",
        examples=(
            "how many requests did my project make",
            "show me the usage of proj_8f2k1",
            "what is my usage this month",
            "how much traffic did we use",
            "check the request count for my project",
            "usage statistics please",
        ),
        slots=(PROJECT_SLOT,),
        steps=(CallPlan(operation=USAGE, path={"project_id": "{{ slots.project_id }}"}),),
        reply=ReplyPlan(ok="Project {{ slots.project_id }} made {{ response.body.requests }} requests this month."),
        tags=("usage",),
        operation_tags=("Usage",),
    ),
    ActionPlan(
        name="extend_trial",
        description="Extend the free trial of your account by some hours.",
        source="actions/extend_trial.yaml",
        examples=(
            "extend my trial",
            "can I get more time on my free trial",
            "my trial is about to expire, please extend it",
            "give me 24 more hours of trial",
            "lengthen the trial period",
            "I need a longer trial",
        ),
        slots=(
            SlotPlan(name="customer_id", source="identity", claim="customer_id"),
            SlotPlan(
                name="hours",
                type="integer",
                minimum=1,
                maximum=72,
                prompt="How many hours should I add (1 to 72)?",
            ),
        ),
        confirm="I'll extend the trial of {{ slots.customer_id }} by {{ slots.hours }} hours. Go ahead?",
        steps=(
            CallPlan(
                operation=EXTEND_TRIAL,
                path={"customer_id": "{{ slots.customer_id }}"},
                body={"hours": "{{ slots.hours }}"},
            ),
        ),
        reply=ReplyPlan(ok="Done: your trial is {{ slots.hours }} hours longer."),
        tags=("billing",),
        operation_tags=("Billing",),
    ),
    ActionPlan(
        name="email_invoice",
        description="Email the invoice of a month to an address, with a note.",
        source="actions/email_invoice.yaml",
        examples=(
            "email me my invoice",
            "send the invoice to my accountant",
            "can you mail the latest invoice to billing@example.com",
            "forward my invoice by email",
            "I need a copy of the invoice in my inbox",
        ),
        slots=(
            SlotPlan(name="email", format="email", prompt="Which email address should I send it to?"),
            SlotPlan(name="month", enum=MONTHS, prompt="The invoice of which month?"),
            SlotPlan(name="note", prompt="What note should go with it?"),
        ),
        confirm=(
            "I'll email the {{ slots.month }} invoice to {{ slots.email }} "
            "with the note: {{ slots.note }}. Go ahead?"
        ),
        steps=(
            CallPlan(
                operation=EMAIL_INVOICE,
                body={"email": "{{ slots.email }}", "month": "{{ slots.month }}", "note": "{{ slots.note }}"},
            ),
        ),
        reply=ReplyPlan(ok="Sent to {{ slots.email }}."),
        tags=("billing",),
        operation_tags=("Billing",),
    ),
    ActionPlan(
        name="support_hours",
        description="When the support team is available.",
        source="actions/support_hours.yaml",
        examples=(
            "when is support open",
            "what are your opening hours",
            "are you available on weekends",
            "when can I reach the support team",
            "what time does support close",
        ),
        answer="Our support team is there from 9:00 to 17:00 CET, Monday to Friday.",
        tags=("faq",),
    ),
)


def acme(base_url: str = "http://127.0.0.1:9", **server: Any) -> ProjectPlan:
    return ProjectPlan(
        name="acme-test",
        root="/tmp",
        actions=ACTIONS,
        upstream=UpstreamPlan(base_url=base_url, retries=0, timeout=5.0),
        server=ServerPlan(**server),
    )


@functools.cache
def acme_intents() -> IntentEngine:
    """The intent engine of ACTIONS, built once for the whole test session."""
    return build_intents(acme())


def converse(
    project: ProjectPlan,
    messages: Sequence[str],
    *,
    identity: Mapping[str, Any] | None = None,
    sender: Sender | None = None,
    state: ConversationState | None = None,
) -> list[TurnResult]:
    """Run `messages` as one conversation, as a server with two replicas would: each turn goes
    to the other replica, and the state between turns travels as JSON."""

    async def run() -> list[TurnResult]:
        async with HttpSender(project.upstream) as http:
            intents = acme_intents() if project.actions is ACTIONS else build_intents(project)
            replicas = [Engine(project, sender or http, intents=intents) for _ in range(2)]
            current, results = state, []
            for number, message in enumerate(messages):
                result = await replicas[number % 2].turn(
                    current, message, identity=identity or {}, conversation_id="c1"
                )
                results.append(result)
                current = ConversationState.from_dict(json.loads(json.dumps(result.state.to_dict())))
            return results

    return asyncio.run(run())

