"""`chatgw serve --workers 2`, as real processes on loopback: both workers answer, `/metrics`
sums what every worker counted, SIGHUP reloads every worker, a worker that dies is replaced,
and SIGTERM stops them all and removes the shared metrics folder."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import httpx
import pytest

from tests.projects import ACME_ACTIONS
from tests.server.gateway import ENV, wait_for, write_project
from tests.server.served import serving, start
from tests.upstream import Reply, serve

pytestmark = pytest.mark.usefixtures("each_store")

USAGE = {"message": "show me the usage of proj_8f2k1"}


def metric(url: str, sample: str) -> float:
    """The value of one sample line of `/metrics` (0 when absent)."""
    for line in httpx.get(url + "/metrics", timeout=10).text.splitlines():
        if line.startswith(sample + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def workers_of(served) -> list[int]:
    [started] = [e for e in served.events() if e["event"] == "workers_started"]
    return started["pids"]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_two_workers_answer_share_their_metrics_and_all_reload_on_sighup(tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    with serve() as upstream:
        upstream.default = Reply(200, {"requests": 7})
        config = write_project(tmp_path, upstream.url)
        with serving(config, "--workers", "2", env={"TMPDIR": str(scratch)}) as served:
            pids = workers_of(served)
            shared = list(scratch.glob("chatgw-metrics-*"))  # the metrics folder, made by chatgw itself
            turns = [httpx.post(served.url + "/v1/chat", json=USAGE, timeout=30) for _ in range(12)]
            counted = metric(served.url, 'chatgw_turns_total{state="idle"}')

            action = tmp_path / "actions" / "show_usage.yaml"
            action.write_text(ACME_ACTIONS["show_usage"].replace("[usage]", "[usage, reloaded]"))
            served.process.send_signal(signal.SIGHUP)
            wait_for(lambda: metric(served.url, 'chatgw_reloads_total{result="ok"}') >= 2, limit=60)
            reloads = metric(served.url, 'chatgw_reloads_total{result="ok"}')
            # Fresh connections, so the kernel hands them to either worker: every one reloaded.
            after = [httpx.post(served.url + "/v1/chat", json=USAGE, timeout=30).json() for _ in range(12)]

    assert len(pids) == 2 and served.process.returncode in (0, -signal.SIGTERM)
    assert all(t.status_code == 200 and t.json()["intent"]["name"] == "show_usage" for t in turns)
    assert counted == 12  # whichever worker answered /metrics, the turns of both are in it
    assert reloads == 2  # one reload per worker, each counted in its own process
    assert all("reloaded" in turn["tags"] for turn in after)
    events = served.events()
    assert sum(e["event"] == "reloaded" for e in events) == 2
    assert sum(e["event"] == "started" for e in events) == 2 and sum(e["event"] == "stopped" for e in events) == 2
    assert not any(alive(pid) for pid in pids)
    assert len(shared) == 1 and not shared[0].exists()  # removed when the server stopped
    assert ENV["ACME_API_TOKEN"] not in served.stderr and "Traceback" not in served.stderr


def test_a_worker_that_dies_is_replaced_and_its_counts_stay_in_metrics(tmp_path: Path) -> None:
    with serve() as upstream:
        upstream.default = Reply(200, {"requests": 7})
        config = write_project(tmp_path, upstream.url)
        with serving(config, "--workers", "2") as served:
            for _ in range(6):
                assert httpx.post(served.url + "/v1/chat", json=USAGE, timeout=30).status_code == 200
            victim = workers_of(served)[0]
            os.kill(victim, signal.SIGKILL)
            wait_for(lambda: any(e["event"] == "worker_restarted" for e in served.events()), limit=60)
            wait_for(lambda: sum(e["event"] == "started" for e in served.events()) == 3, limit=60)
            answers = [httpx.post(served.url + "/v1/chat", json=USAGE, timeout=30) for _ in range(6)]
            counted = metric(served.url, 'chatgw_turns_total{state="idle"}')

    assert all(a.status_code == 200 for a in answers)
    [exited] = [e for e in served.events() if e["event"] == "worker_exited"]
    assert exited["pid"] == victim and exited["status"] == 128 + signal.SIGKILL
    assert counted == 12  # the dead worker's six turns still count
    assert "Traceback" not in served.stderr


def test_workers_that_cannot_start_stop_the_server_with_exit_2(tmp_path: Path) -> None:
    config = write_project(tmp_path, "http://127.0.0.1:9")
    process = start(config, "--workers", "2", "--port", "0", env={"CHATGW_IDENTITY_SECRET": ""})
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    assert stderr.startswith("chatgw: error: CHATGW_IDENTITY_SECRET is not set") and "Traceback" not in stderr


def test_workers_is_at_least_one(tmp_path: Path) -> None:
    config = write_project(tmp_path, "http://127.0.0.1:9")
    process = start(config, "--workers", "0")
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2 and "--workers" in stderr and "Traceback" not in stderr
