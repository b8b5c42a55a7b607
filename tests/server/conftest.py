from __future__ import annotations

import pytest

from tests.server.gateway import ENV
from tests.upstream import Reply, Upstream


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The variables the server project reads: upstream token, identity secret, operator token, webhook secret."""
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def upstream(upstream: Upstream) -> Upstream:
    """The shared upstream, answering every call of the Acme project with a success."""
    upstream.default = Reply(200, {"requests": 1234, "key_suffix": "x9Qz"})
    return upstream


@pytest.fixture
def each_store(store_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test once on SQLite and once on PostgreSQL: the project's `store:` reads
    $CHATGW_TEST_STORE (tests/server/gateway.py), in this process and in served ones."""
    monkeypatch.setenv("CHATGW_TEST_STORE", store_url)
    return store_url
