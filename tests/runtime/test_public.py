from __future__ import annotations

import chatgw.runtime as runtime
from chatgw.runtime import redact_headers


def test_runtime_all_is_sorted_and_lists_every_public_name():
    public = {name for name in vars(runtime) if not name.startswith("_") and not isinstance(getattr(runtime, name), type(runtime))}
    assert runtime.__all__ == sorted(runtime.__all__)
    assert set(runtime.__all__) == public


def test_redact_headers_hides_credentials():
    headers = {"Authorization": "Bearer x", "Cookie": "s=1", "X-Api-Key": "k", "X-Auth-Token": "t", "X-Client-Secret": "s", "Accept": "application/json"}
    assert redact_headers(headers) == {
        "Authorization": "[redacted]",
        "Cookie": "[redacted]",
        "X-Api-Key": "[redacted]",
        "X-Auth-Token": "[redacted]",
        "X-Client-Secret": "[redacted]",
        "Accept": "application/json",
    }
