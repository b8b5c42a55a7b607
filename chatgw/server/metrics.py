"""Prometheus metrics of one app, in its own registry (no global state)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.turns = Counter("chatgw_turns", "Chat turns answered", ["state"], registry=self.registry)
        self.actions = Counter("chatgw_actions", "Action runs by outcome", ["action", "outcome"], registry=self.registry)
        self.upstream_latency = Histogram(
            "chatgw_upstream_latency_seconds", "Upstream latency of action runs", ["action"],
            buckets=_LATENCY_BUCKETS, registry=self.registry,
        )
        self.approvals = Counter(
            "chatgw_approvals", "Approvals requested, approved and rejected", ["action", "decision"], registry=self.registry
        )
        self.handoffs = Counter("chatgw_handoffs", "Conversations handed to a human", ["reason"], registry=self.registry)
        self.errors = Counter("chatgw_http_errors", "Error responses by code", ["code"], registry=self.registry)
        self.reloads = Counter("chatgw_reloads", "Configuration reloads", ["result"], registry=self.registry)
        self.nlu_fallbacks = Counter(
            "chatgw_nlu_fallbacks", "Turns the LLM engine failed, understood by the fallback engine", ["reason"],
            registry=self.registry,
        )
        self.webhook = Counter("chatgw_webhook_deliveries", "Webhook delivery attempts", ["result"], registry=self.registry)

    def render(self) -> bytes:
        return generate_latest(self.registry)
