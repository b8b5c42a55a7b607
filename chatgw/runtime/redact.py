"""Hide credentials in headers before they are shown or logged."""

from __future__ import annotations

import re
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


# Credentials a customer may paste into a chat, in the shapes their issuers give them: long,
# prefixed or structured, so that ordinary words and ids never match.
_PASTED = re.compile(
    "|".join(
        (
            r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)",  # PEM
            r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",  # a JWT
            r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}",  # Stripe
            r"\bsk-[A-Za-z0-9_-]{20,}",  # OpenAI and alike
            r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})",  # GitHub
            r"\bxox[abposr]-[A-Za-z0-9-]{10,}",  # Slack
            r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",  # AWS access key id
            r"\bAIza[0-9A-Za-z_-]{35}",  # Google API key
            r"\b(?:[Bb]earer|BEARER|[Bb]asic|BASIC)\s+[A-Za-z0-9._~+/-]{16,}=*",  # an Authorization value
        )
    ),
    re.DOTALL,
)


def mask_pasted_credentials(text: str) -> str:
    """`text` with every credential of a well-known shape replaced by `[redacted]`: what a
    transcript keeps of a customer who pasted an API key, a token or a private key."""
    return _PASTED.sub(REDACTED, text)
