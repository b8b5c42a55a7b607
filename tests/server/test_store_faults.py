"""The database goes away under load and comes back: turns answer 503 store_unavailable (never
a 500), /readyz goes red, everything recovers by itself, and a confirmed action is neither
lost nor run twice. On a real PostgreSQL of the test's own, stopped and started for real."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from tests import postgres
from tests.server.gateway import build_app, chat, confirm_rotation, rotations, running, wait_for, write_project
from tests.upstream import Reply

OUTAGE_SECONDS = 6.0
LOAD_INTERVAL = 0.05  # one turn per 50 ms from the load thread: bounded


@pytest.fixture
def own_cluster(postgres_cluster: postgres.Cluster) -> postgres.Cluster:
    """A cluster of the test's own (the session's one is shared); needs the same binaries."""
    bin_dir = postgres.binaries()
    assert bin_dir is not None
    cluster = postgres.Cluster(bin_dir)
    cluster.start()
    yield cluster
    cluster.stop()


def test_a_database_outage_is_503_then_heals_without_losing_or_repeating_an_action(
    tmp_path: Path, upstream, own_cluster: postgres.Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHATGW_TEST_STORE", own_cluster.database())
    upstream.respond(Reply(200, {"key_suffix": "x9Qz"}))
    config = write_project(tmp_path, upstream.url)
    statuses: list[tuple[int, str | None]] = []
    stop = threading.Event()

    with running(build_app(config)) as url, httpx.Client(base_url=url, timeout=30) as client:
        def load() -> None:
            with httpx.Client(base_url=url, timeout=30) as loader:
                while not stop.is_set():
                    response = chat(loader, "show me the usage of proj_8f2k1")
                    code = response.json().get("error", {}).get("code") if response.status_code != 200 else None
                    statuses.append((response.status_code, code))
                    time.sleep(LOAD_INTERVAL)

        loader = threading.Thread(target=load, daemon=True)
        loader.start()
        cid = confirm_rotation(client)
        own_cluster.pause()
        try:
            wait_for(lambda: client.get("/readyz").status_code == 503, limit=10)
            ready_during = client.get("/readyz").status_code
            refused = chat(client, "yes", cid)  # the confirmation, while the store is away
            time.sleep(OUTAGE_SECONDS)
        finally:
            own_cluster.resume()
        wait_for(lambda: client.get("/readyz").status_code == 200, limit=30)
        done = chat(client, "yes", cid)
        # The load's turns run beside each other (on PostgreSQL the store calls are on a thread
        # pool): one begun during the outage may answer its 503 after `done`; healed means the
        # load's turns succeed again, so it runs until its latest one did.
        wait_for(lambda: bool(statuses) and statuses[-1][0] == 200, limit=30)
        stop.set()
        loader.join(timeout=30)
        runs = client.get(f"/v1/conversations/{cid}").json()["action_runs"]

    assert ready_during == 503
    assert refused.status_code == 503 and refused.json()["error"]["code"] == "store_unavailable"
    assert done.status_code == 200 and "x9Qz" in " ".join(done.json()["replies"])
    assert len(rotations(upstream)) == 1 and [r["outcome"] for r in runs] == ["ok"]
    assert all(status in (200, 503) for status, _ in statuses), sorted(set(statuses))
    assert (503, "store_unavailable") in statuses and statuses[-1][0] == 200
