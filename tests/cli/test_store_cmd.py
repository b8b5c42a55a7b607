"""`chatgw store upgrade` and `chatgw store prune`, run as the real CLI on a project whose
store is a SQLite file and a real PostgreSQL; and `chatgw serve` refusing an older schema."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chatgw.cli import _register, app
from chatgw.store import open_store
from tests.projects import write_acme
from tests.store.test_migrations import _previous_release
from tests.store.test_store import record

ENV = {"ACME_API_TOKEN": "t0k3n-for-tests"}


def _run(*args: str):  # type: ignore[no-untyped-def]
    _register()
    return CliRunner().invoke(app, list(args), env=ENV)


def _project(root: Path, store: str) -> Path:
    return write_acme(root, extra=store)


def test_serve_refuses_an_older_store_until_store_upgrade_ran(tmp_path: Path, store_url: str) -> None:
    config = _project(tmp_path, f"store: {store_url}\n")
    _previous_release(store_url)
    refused = _run("serve", "--config", str(config), "--port", "0")
    assert refused.exit_code == 2
    [line] = [text for text in refused.output.splitlines() if text.strip()]
    assert "chatgw store upgrade" in line and "0001" in line
    upgraded = _run("store", "upgrade", "--config", str(config))
    assert upgraded.exit_code == 0 and "applied 0002" in upgraded.output
    again = _run("store", "upgrade", "--config", str(config))
    assert again.exit_code == 0 and "nothing to apply" in again.output
    open_store(store_url).close()  # current now


def test_store_prune_deletes_by_the_configured_retention_and_counts(tmp_path: Path, store_url: str) -> None:
    config = _project(tmp_path, f"store: {{url: '{store_url}', retention: 30d}}\n")
    store = open_store(store_url)
    try:
        old = time.time() - 40 * 86400
        for cid, at in (("old", old), ("new", time.time())):
            lease = store.create_conversation(cid, subject="u1", claims={}, state={"status": "idle"}, now=at)
            store.save_turn(_at(record(cid, lease, "hello"), at))
    finally:
        store.close()
    done = _run("store", "prune", "--config", str(config))
    assert done.exit_code == 0, done.output
    assert "deleted 1 conversation(s) last touched over 30d ago" in done.output
    store = open_store(store_url)
    try:
        assert store.get_conversation("old") is None and store.get_conversation("new") is not None
    finally:
        store.close()


@pytest.mark.parametrize(("extra", "args", "words"), [
    ("", (), "set store.retention"),
    ("", ("--older-than", "soon"), "--older-than"),
])
def test_store_prune_without_a_retention_says_how_to_give_one(tmp_path: Path, extra: str, args, words: str) -> None:
    config = _project(tmp_path, extra)
    done = _run("store", "prune", "--config", str(config), *args)
    assert done.exit_code == 2 and words in done.output


def test_a_bad_retention_is_a_located_config_error(tmp_path: Path) -> None:
    config = _project(tmp_path, "store: {url: 'sqlite:///chatgw.db', retention: forever}\n")
    done = _run("validate", "--config", str(config))
    assert done.exit_code == 1 and "retention" in done.output and "chatgw.yaml:" in done.output


def _at(turn, at: float):  # type: ignore[no-untyped-def]
    import dataclasses

    return dataclasses.replace(turn, at=at)
