"""A turn's store calls leave the event loop on PostgreSQL (a network database) and stay on it
on SQLite (a local file), on a real store of each kind."""

from __future__ import annotations

import asyncio
import threading

from sqlalchemy import text

from chatgw.server.offload import StoreCalls
from chatgw.store import open_store


def test_store_calls_run_on_the_stores_threads_only_for_a_remote_database(store_url: str) -> None:
    store = open_store(store_url)
    calls = StoreCalls(store)

    def slow_statement() -> str:
        with store.engine.connect() as connection:
            # 0.3 s inside the database: the loop must keep turning meanwhile if it is remote
            connection.execute(text("SELECT pg_sleep(0.3)" if store.remote else "SELECT 1"))
        return threading.current_thread().name

    async def measure() -> tuple[str, int]:
        ticks = 0
        done = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not done.is_set():
                await asyncio.sleep(0.01)
                ticks += 1

        ticking = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        try:
            return await calls.run(slow_statement), ticks
        finally:
            done.set()
            await ticking

    try:
        thread, ticks = asyncio.run(measure())
    finally:
        calls.close()
        store.close()
    if store_url.startswith("postgresql"):
        assert thread.startswith("chatgw-store") and ticks >= 5  # the loop ran beside the statement
    else:
        assert thread == threading.main_thread().name

