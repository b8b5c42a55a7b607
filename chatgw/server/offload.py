"""The store's blocking calls, off the event loop where the database is remote.

`Store` is synchronous SQLAlchemy. On PostgreSQL every statement waits on a network round
trip, and waiting on the event loop stalls every other turn of the process; there every store
call of the server (turns and their write-ahead record, the inbox, approvals, live events,
insights, readiness, the webhook worker) runs on a thread pool with as many threads as the
store's connection pool, so no thread ever waits for a connection
(tests/server/test_store_off_loop.py checks that none is left on the loop). On SQLite a write is a local file append under one lock:
threads would only add hand-offs and lock waits, so its calls stay on the loop.

Measured: a PostgreSQL transaction costs 0.41 ms of CPU on this pool, 0.72-0.76 ms on
SQLAlchemy's async engine (psycopg async), 0.33 ms inline but blocking the loop. In
bench/serve.py (wrk, 1 worker, a shared 2-core VM under load) PostgreSQL at concurrency 16
went from 101-150 to 260-332 turns/s with the pool; SQLite showed no gain (130-191 inline,
137-236 on threads, noise of the same size) and 0.1-0.3 ms more CPU per turn.
"""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

from chatgw.store import Store

T = TypeVar("T")
_DEFAULT_THREADS = 5  # SQLAlchemy's default pool size, for pools that do not say


class StoreCalls:
    """Runs a store call inline (SQLite) or on the store's own threads (a network database)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._executor: ThreadPoolExecutor | None = None
        if store.remote:
            size = getattr(store.engine.pool, "size", lambda: _DEFAULT_THREADS)()
            self._executor = ThreadPoolExecutor(max_workers=max(1, size), thread_name_prefix="chatgw-store")

    async def run(self, call: Callable[..., T], /, *args: object, **kwargs: object) -> T:
        if self._executor is None:
            return call(*args, **kwargs)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(call, *args, **kwargs))

    def close(self) -> None:
        """Wait for calls in flight (a turn being written), then stop the threads."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
