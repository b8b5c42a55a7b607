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
