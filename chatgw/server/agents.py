"""/mcp on the gateway: chatgw's tools for LLM agents, over the gateway's own store, sender
and identity verification, rebuilt when a reload swaps the plans."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from starlette.routing import Route

from chatgw.mcp import Caller, McpEndpoint, TokenKeys, ToolCalls, build_server, http_caller
from chatgw.runtime import ActionOutcome
from chatgw.server.gateway import Gateway, Plans, StoreJournal
from chatgw.server.identity import IdentityError
from chatgw.server.logging import event
from chatgw.store import NewHandoff


def mount_mcp(app: FastAPI, gateway: Gateway) -> McpEndpoint:
    """Add /mcp to `app`; the caller enters `endpoint.running()` in the app's lifespan."""
    secret = gateway.plans.project.server.confirmation_secret
    keys = TokenKeys.from_secret(secret.reveal() if secret is not None else None)
    built: dict[int, ToolCalls] = {}

    def calls() -> ToolCalls:
        plans = gateway.plans
        if id(plans) not in built:  # a reload swapped the plans: tools of the new ones
            built.clear()
            built[id(plans)] = _tool_calls(plans, gateway, keys)
        return built[id(plans)]

    def verify(token: str | None) -> Caller:
        verifier = gateway.plans.verifier
        if verifier.enabled and token is None:
            raise IdentityError("send the customer's identity token as Authorization: Bearer <token>")
        claims = dict(verifier.verify(token))  # exactly as /v1/chat: signature, exp, audience, subject
        return Caller(claims, verifier.subject(claims))

    project = gateway.plans.project
    server = build_server(calls, http_caller, name=f"chatgw {project.name}", instructions=_INSTRUCTIONS)
    endpoint = McpEndpoint(server, verify)
    app.router.routes.append(Route("/mcp", endpoint=endpoint))
    return endpoint


_INSTRUCTIONS = (
    "These tools act for the customer whose identity token this connection presents; ids that "
    "name the customer are taken from that identity, never from arguments. A tool that changes "
    "something first answers with what it would do and a confirmation token: put the question to "
    "the customer, and only if they agree, repeat the call with the same arguments and the token."
)


def _tool_calls(plans: Plans, gateway: Gateway, keys: TokenKeys) -> ToolCalls:
    store = gateway.store

    def journal(conversation_id: str, subject: str | None, claims: dict[str, Any]) -> StoreJournal:
        return StoreJournal(store, conversation_id, None, subject, claims, plans.turn_lease, calls=gateway.store_calls)

    def observe(action: str, outcome: ActionOutcome, handoff: NewHandoff | None) -> None:
        # The same counters and log lines as a chat's runs, so /metrics and alerts see agents too.
        metrics = gateway.metrics
        metrics.actions.labels(action, outcome.outcome).inc()
        metrics.upstream_latency.labels(action).observe(outcome.latency_ms / 1000)
        if outcome.outcome != "ok" and outcome.steps:
            event(gateway.logger, "upstream_failed", logging.WARNING, channel="mcp", action=action,
                  operation=outcome.steps[-1].request.operation, outcome=outcome.outcome, status=outcome.status,
                  error=outcome.error, latency_ms=round(outcome.latency_ms, 2))
        if handoff is not None:
            metrics.handoffs.labels(handoff.reason).inc()
            if handoff.webhooks:
                gateway.outbox_wakeup.set()

    return ToolCalls(
        plans.project, store, gateway.sender, keys, journal=journal, observe=observe, offload=gateway.store_calls.run
    )
