"""Delivering handoff packets to the webhook from the outbox table, with retries and backoff.

A packet is written to the outbox in the same transaction as its handoff, so a webhook that is
down (or a restart) loses nothing: the worker keeps retrying until it gets a 2xx. Each row is
claimed by one worker before delivery (`Store.due_deliveries`), so with many replicas a packet
is sent twice only after a real delivery failure; its `delivery_id` lets receivers tell.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time

import httpx
from sqlalchemy.exc import SQLAlchemyError

from chatgw.server.logging import event, get_logger
from chatgw.server.metrics import Metrics
from chatgw.server.offload import StoreCalls
from chatgw.store import Delivery

SIGNATURE_HEADER = "X-Chatgw-Signature"
DELIVERY_HEADER = "X-Chatgw-Delivery"  # the packet's delivery_id, for receivers that de-duplicate


def sign(payload: bytes, secret: str) -> str:
    """`sha256=<hex HMAC-SHA256 of the exact body>`."""
    return "sha256=" + hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


class OutboxWorker:
    def __init__(
        self,
        calls: StoreCalls,
        wakeup: asyncio.Event,
        metrics: Metrics,
        *,
        secret: str | None,
        backoff: float = 1.0,
        max_backoff: float = 300.0,
        timeout: float = 5.0,
    ) -> None:
        self._calls = calls  # the store, off the event loop where it is remote
        self._store = calls.store
        self._wakeup = wakeup
        self._metrics = metrics
        self._secret = secret
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._client = httpx.AsyncClient(timeout=timeout, follow_redirects=False)
        self._logger = get_logger()

    async def run(self) -> None:
        """Deliver what is due, then sleep until the next retry or a new handoff."""
        while True:
            self._wakeup.clear()
            try:
                for delivery in await self._calls.run(self._store.due_deliveries, now=time.time()):
                    await self._deliver(delivery)
                next_at = await self._calls.run(self._store.next_delivery_at)
                timeout = None if next_at is None else max(0.0, next_at - time.time())
            except SQLAlchemyError as error:
                # The store is busy or away: nothing is lost, the rows are still there; retry later.
                event(self._logger, "outbox_unavailable", logging.WARNING, error=type(error).__name__)
                timeout = self._backoff
            try:
                await asyncio.wait_for(self._wakeup.wait(), timeout)
            except TimeoutError:
                pass

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _deliver(self, delivery: Delivery) -> None:
        payload = delivery.payload.encode()
        headers = {"Content-Type": "application/json", DELIVERY_HEADER: delivery.delivery_id}
        if self._secret is not None:
            headers[SIGNATURE_HEADER] = sign(payload, self._secret)
        try:
            response = await self._client.post(delivery.url, content=payload, headers=headers)
            error = None if response.is_success else f"status {response.status_code}"
        except httpx.HTTPError as failure:
            error = type(failure).__name__
        if error is None:
            await self._calls.run(self._store.delivered, delivery.id, now=time.time())
            self._metrics.webhook.labels("ok").inc()
            event(self._logger, "webhook_delivered", handoff_id=delivery.handoff_id, attempts=delivery.attempts + 1)
            return
        delay = min(self._max_backoff, self._backoff * 2 ** delivery.attempts)
        await self._calls.run(self._store.delivery_failed, delivery.id, next_at=time.time() + delay, error=error)
        self._metrics.webhook.labels("failed").inc()
        event(
            self._logger, "webhook_failed", logging.WARNING, handoff_id=delivery.handoff_id,
            attempts=delivery.attempts + 1, error=error, retry_in_s=round(delay, 3),
        )
