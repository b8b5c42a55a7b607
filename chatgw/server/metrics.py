"""Prometheus metrics of one app, in its own registry (no global state).

With `chatgw serve --workers N` the counts are kept in files that every worker writes
(prometheus_client's multiprocess mode, `share_between_processes`), so `/metrics`, whichever
worker answers it, is the sum over all of them.
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, values
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"  # the variable prometheus_client reads


def share_between_processes(folder: str) -> None:
    """Keep every metric made from now on in files under `folder`, shared by this process and
    the ones it forks. Called by the supervisor before forking; `folder` is its to remove."""
    os.environ[MULTIPROCESS_VARIABLE] = folder
    values.ValueClass = values.MultiProcessValue()  # what prometheus_client picks at import from the variable


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._shared = os.environ.get(MULTIPROCESS_VARIABLE) if values.ValueClass is not values.MutexValue else None
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
        if self._shared is None:
            return generate_latest(self.registry)
        every_worker = CollectorRegistry()
        MultiProcessCollector(every_worker, path=self._shared)
        return generate_latest(every_worker)
