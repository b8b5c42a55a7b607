"""Pre-fork workers: `chatgw serve --workers N` as N processes, each its own event loop.

The parent binds the listening socket (a taken port is one error, before anything forks),
forks the workers and from then on only supervises them: SIGHUP is passed to every worker
(each recompiles its own plans), SIGTERM and SIGINT make every worker drain and stop, a worker
that dies is started again, and a worker that cannot start at all stops the whole server.

Each worker builds its own app after the fork (store pool, upstream client, intent model):
connections, thread pools and event loops do not survive a fork, so none is made before it.
Workers run in their own process group, so a Ctrl-C reaches the parent only and becomes one
orderly SIGTERM per worker; a worker whose parent is gone stops by itself.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from typing import Callable

from chatgw.server.logging import event, get_logger

# The parent handles these synchronously (sigtimedwait), so they are blocked in it, never in a worker.
_SIGNALS = (signal.SIGCHLD, signal.SIGHUP, signal.SIGINT, signal.SIGTERM)
STOP_SECONDS = 30.0  # how long stopping workers may drain before they are killed
RESTART_PAUSE = 1.0  # a worker that died young is restarted after this pause, not in a tight loop
EXIT_CANNOT_RUN = 2  # a worker exiting with this at start-up (bad config, store away) stops the server


def supervise(count: int, run_worker: Callable[[int], int]) -> int:
    """Fork `count` workers, each running `run_worker(index)` (its exit status), and supervise
    them until SIGTERM/SIGINT; the exit status of the server."""
    logger = get_logger()
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    workers: dict[int, tuple[int, float]] = {}  # pid -> (index, started at)
    ready: set[int] = set()  # indices that ran long enough to count as started
    pending: dict[int, float] = {}  # indices to start again, and when
    stopping_since: float | None = None
    status = 0

    def start(index: int) -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            os._exit(_worker(index, run_worker, old_mask))
        workers[pid] = (index, time.monotonic())

    try:
        for index in range(count):
            start(index)
        event(logger, "workers_started", workers=count, pids=sorted(workers))
        while workers or (pending and stopping_since is None):
            received = signal.sigtimedwait(_SIGNALS, 0.5)
            now = time.monotonic()
            for pid, code in _reaped():
                if pid not in workers:
                    continue
                index, started = workers.pop(pid)
                if stopping_since is not None:
                    continue
                young = now - started < RESTART_PAUSE * 5
                if code == EXIT_CANNOT_RUN and index not in ready:
                    event(logger, "worker_cannot_start", logging.ERROR, worker=index, pid=pid)
                    status = EXIT_CANNOT_RUN
                    stopping_since = now
                    _signal_all(workers, signal.SIGTERM)
                    continue
                event(logger, "worker_exited", logging.ERROR, worker=index, pid=pid, status=code)
                pending[index] = now + (RESTART_PAUSE if young else 0.0)
            for pid, (index, started) in workers.items():
                if now - started >= RESTART_PAUSE * 5:
                    ready.add(index)
            if received is not None and received.si_signo == signal.SIGHUP and stopping_since is None:
                _signal_all(workers, signal.SIGHUP)
            elif received is not None and received.si_signo in (signal.SIGINT, signal.SIGTERM):
                if stopping_since is None:
                    event(logger, "workers_stopping", workers=len(workers))
                    stopping_since = now
                    pending.clear()
                    _signal_all(workers, signal.SIGTERM)
            if stopping_since is None:
                for index, at in list(pending.items()):
                    if now >= at:
                        del pending[index]
                        start(index)
                        event(logger, "worker_restarted", worker=index)
            elif workers and now - stopping_since > STOP_SECONDS:
                _signal_all(workers, signal.SIGKILL)  # drained too long: stop them now
    finally:
        if workers:  # an exception in the supervisor itself: take the workers along
            _signal_all(workers, signal.SIGKILL)
            for _ in _reaped(block=True):
                pass
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
    return status


def _worker(index: int, run_worker: Callable[[int], int], mask: set[signal.Signals]) -> int:
    """In the forked child: plain signal handling again, then the worker; its exit status."""
    code = 1
    try:
        os.setpgid(0, 0)  # a terminal's Ctrl-C goes to the parent, which stops the workers in order
        for signum in _SIGNALS:
            signal.signal(signum, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        code = run_worker(index)
    except SystemExit as error:
        code = _exit_code(error)
    except BaseException as error:  # logged as its type only, like every other failure
        event(get_logger(), "worker_failed", logging.ERROR, worker=index, error=type(error).__name__)
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return code


def _exit_code(error: SystemExit) -> int:
    code = error.code
    if code is None:
        return 0
    return code if isinstance(code, int) else 1


def _reaped(*, block: bool = False) -> list[tuple[int, int]]:
    """(pid, exit status) of every child that ended; a signal's death as 128 + its number."""
    ended = []
    while True:
        try:
            pid, status = os.waitpid(-1, 0 if block else os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
        ended.append((pid, os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)))
    return ended


def _signal_all(workers: dict[int, tuple[int, float]], signum: int) -> None:
    for pid in workers:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass  # it ended; the next reap sees it


def parent_gone(parent: int) -> bool:
    """A worker's check that the supervisor that forked it still runs."""
    return os.getppid() != parent
