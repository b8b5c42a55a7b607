"""A real PostgreSQL for the tests: a throwaway cluster in a temporary folder, on a loopback
port, started once per test session; every test that asks gets its own fresh database.

The binaries are PostgreSQL's own (`initdb`, `pg_ctl`): on PATH, or Debian's
/usr/lib/postgresql/<version>/bin. initdb refuses to run as root, so as root the cluster runs
as the `postgres` system user. Without the binaries the PostgreSQL variants of the tests skip,
unless CHATGW_REQUIRE_POSTGRES is set (CI sets it): then they fail, so CI cannot pass without
really running them.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

REQUIRE = "CHATGW_REQUIRE_POSTGRES"
_SYSTEM_USER = "postgres"


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, or None."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


class Cluster:
    """One running PostgreSQL server; `database()` hands out fresh databases on it."""

    def __init__(self, bin_dir: Path) -> None:
        self._bin = bin_dir
        self._folder = Path(tempfile.mkdtemp(prefix="chatgw-pg-"))
        self._data = self._folder / "data"
        self.port = _free_port()
        self._names = itertools.count(1)
        self._user = _SYSTEM_USER if os.geteuid() == 0 else None
        if self._user is not None:
            entry = pwd.getpwnam(self._user)
            os.chown(self._folder, entry.pw_uid, entry.pw_gid)

    def start(self) -> None:
        self._run("initdb", "-D", str(self._data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        self.resume()

    def pause(self) -> None:
        """Stop the server (its data stays): a database outage, for fault tests."""
        self._run("pg_ctl", "-D", str(self._data), "-m", "fast", "-w", "stop")

    def resume(self) -> None:
        """Start the server again on the same port."""
        options = (
            f"-p {self.port} -k {self._folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self._data), "-l", str(self._folder / "log"), "-o", options, "-w", "start")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self._data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self._folder, ignore_errors=True)

    def database(self) -> str:
        """A new, empty database; its SQLAlchemy URL (psycopg 3)."""
        import psycopg

        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self._url("postgres", "postgresql"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self._url(name, "postgresql+psycopg")

    def _url(self, database: str, scheme: str) -> str:
        return f"{scheme}://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self._bin / program), *args]
        if self._user is not None:
            command = ["runuser", "-u", self._user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr or done.stdout}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
