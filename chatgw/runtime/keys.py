"""Deterministic names for one confirmed run: its run key, and each request's Idempotency-Key.

Both are derived from what was confirmed, never drawn at random, so the preview the customer
saw, the request sent, any retry and any replay after a crash all carry the same key; and a
digest of the request lets execution prove it sends exactly what was confirmed.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any, Mapping

_NAMESPACE = uuid.UUID("5b1f6f0e-3c1e-4d55-9a43-0c8c1b7f6a10")  # chatgw's own; fixed forever


def run_key(conversation_id: str, sequence: int, action: str, slots: Mapping[str, Any]) -> str:
    """The key of the `sequence`-th run of a conversation: `action` with these slot values."""
    return _digest([conversation_id, sequence, action, dict(slots)])[:32]


def idempotency_key(run: str, step: int) -> str:
    """The Idempotency-Key of step `step` of run `run`, UUID-shaped as most APIs expect."""
    return str(uuid.uuid5(_NAMESPACE, f"{run}:{step}"))


def request_digest(preview: Mapping[str, Any]) -> str:
    """A digest of a request preview (method, URL, headers without credentials, body)."""
    return _digest(dict(preview))


def _digest(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()
