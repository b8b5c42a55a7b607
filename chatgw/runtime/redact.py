"""Hide credentials in headers before they are shown or logged."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

REDACTED = "[redacted]"
_SENSITIVE_NAMES = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key"}
)
_SENSITIVE_PARTS = (
    "token", "secret", "password", "apikey", "api-key", "api_key", "signature", "session"
)


def redact_headers(headers: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> dict[str, str]:
    """A copy of `headers` with every credential-bearing value replaced by `[redacted]`."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {name: REDACTED if is_sensitive(name) else str(value) for name, value in items}


def is_sensitive(name: str) -> bool:
    """Whether a header of this name may carry a credential."""
    lowered = name.lower()
    return lowered in _SENSITIVE_NAMES or any(part in lowered for part in _SENSITIVE_PARTS)


def scrub(value: Any, secrets: Iterable[str]) -> Any:
    """`value` (JSON-like: text, lists, dicts) with every occurrence of each secret replaced by
    `[redacted]`, in keys and values, however deep."""
    found = sorted({secret for secret in secrets if secret}, key=len, reverse=True)  # "Bearer t" before "t"
    return _scrub(value, found) if found else value


def _scrub(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, str):
        for secret in secrets:
            if secret in value:
                value = value.replace(secret, REDACTED)
        return value
    if isinstance(value, Mapping):
        return {_scrub(key, secrets): _scrub(item, secrets) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(item, secrets) for item in value]
    return value
