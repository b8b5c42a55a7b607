"""Confirmation tokens: what an agent must hand back to run a state-changing tool.

A token is `<payload>.<signature>`, both base64url: the payload names the tool, the run it
would start, the digest of the exact request the confirmation showed, a digest of the identity
it was shown to, and when it expires; the signature is HMAC-SHA256 over the payload with the
server's key (`server.confirmation_secret`, the same on every replica). Nothing is stored when
a token is issued. Single use comes from the run it names: the write-ahead record refuses a
run key that was started before, on any replica.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any, Mapping

from chatgw.errors import ChatgwError

_VERSION = 1


class TokenError(ChatgwError):
    """The confirmation token is not one this server issued for this call, or has expired."""


@dataclass(frozen=True, slots=True)
class Confirmation:
    """What a token vouches for."""

    tool: str
    run: str  # names the run: its conversation, run key and Idempotency-Keys derive from it
    request: str  # request_digest of the confirmed request's preview
    identity: str  # identity_digest of whom it was shown to
    expires: float  # unix time


class TokenKeys:
    """Issues and checks tokens with one HMAC key."""

    def __init__(self, key: bytes | None = None) -> None:
        # No configured key: one for this process only; its tokens are refused anywhere else.
        self._key = key if key else secrets.token_bytes(32)

    @classmethod
    def from_secret(cls, secret: str | None) -> TokenKeys:
        return cls(hashlib.sha256(b"chatgw-confirmation:" + secret.encode()).digest() if secret else None)

    def issue(self, confirmation: Confirmation) -> str:
        payload = {"v": _VERSION, "t": confirmation.tool, "u": confirmation.run, "r": confirmation.request,
                   "i": confirmation.identity, "e": round(confirmation.expires, 3)}
        body = _b64(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode())
        return f"{body}.{self._sign(body)}"

    def check(self, token: Any, *, tool: str, identity: str, now: float) -> Confirmation:
        """The confirmation `token` carries; TokenError when it is forged, for another tool or
        identity, or expired."""
        if not isinstance(token, str) or token.count(".") != 1 or len(token) > 2048:
            raise TokenError("the confirmation is not a token this server issued")
        body, signature = token.split(".")
        if not hmac.compare_digest(signature, self._sign(body)):
            raise TokenError("the confirmation is not a token this server issued (or a replica with another key did)")
        try:
            data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            found = Confirmation(str(data["t"]), str(data["u"]), str(data["r"]), str(data["i"]), float(data["e"]))
        except (ValueError, KeyError, TypeError):
            raise TokenError("the confirmation is not a token this server issued") from None
        if found.tool != tool:
            raise TokenError(f"the confirmation was issued for the tool {found.tool}, not {tool}")
        if found.identity != identity:
            raise TokenError("the confirmation was issued to another identity")
        if now >= found.expires:
            raise TokenError("the confirmation has expired; call the tool again without it for a new one")
        return found

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())


def new_run() -> str:
    """A fresh run name for a token: unguessable, so nobody can pre-empt another's run key."""
    return secrets.token_hex(16)


def identity_digest(subject: str | None, claims: Mapping[str, Any]) -> str:
    """Whom a confirmation was shown to: the subject and the claims the action reads."""
    canonical = json.dumps([subject, dict(claims)], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")
