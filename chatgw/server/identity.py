"""Verifying the identity token the host product signs for its customer (JWT via PyJWT)."""

from __future__ import annotations

from typing import Any, Mapping

import jwt

from chatgw.compiler.plans import IdentityPlan
from chatgw.errors import ChatgwError, ConfigError
from chatgw.server.routes._types import valid_unicode
from chatgw.store import SUBJECT_CHARS


class IdentityError(ChatgwError):
    """The identity token is forged, expired or malformed, or does not name the customer."""


class IdentityVerifier:
    """Checks signature, `exp` (required), the audience and issuer when configured, and that
    the claim named by `identity.subject` identifies the customer."""

    def __init__(self, plan: IdentityPlan) -> None:
        self._plan = plan
        self._key: str | None = None
        if plan.mode == "jwt":
            ref = plan.public_key if plan.public_key is not None else plan.secret
            if ref is None:
                raise ConfigError("identity mode jwt needs `secret` (HS256) or `public_key` (RS256)")
            self._key = ref.reveal()  # fail at start-up, not on the first customer

    @property
    def enabled(self) -> bool:
        return self._key is not None

    @property
    def claim(self) -> str:
        """The claim that names the customer (`identity.subject`)."""
        return self._plan.subject

    def verify(self, token: str | None) -> Mapping[str, Any]:
        """The verified claims; {} for no token (an anonymous customer) or when identity is off."""
        if token is None or self._key is None:
            return {}
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=list(self._plan.algorithms),
                audience=self._plan.audience,
                issuer=self._plan.issuer,
                options={"require": ["exp"], "verify_aud": self._plan.audience is not None},
            )
        except jwt.ExpiredSignatureError:
            raise IdentityError("the identity token has expired") from None
        except jwt.InvalidTokenError:
            raise IdentityError("the identity token is not valid") from None
        if not isinstance(claims, dict):
            raise IdentityError("the identity token is not valid")
        try:
            _check_text(claims)
        except ValueError:
            # JSON lets a signed payload carry a lone surrogate ("\ud800"); SQLite, UTF-8
            # logs and the JSON we write later cannot encode it.
            raise IdentityError("the identity token's claims are not valid Unicode text") from None
        named = claim_value(claims, self.claim)
        if named is None:
            raise IdentityError(
                f"the identity token has no `{self.claim}` claim (a non-empty string or an integer); "
                "identity.subject names the claim that identifies the customer"
            )
        if len(named) > SUBJECT_CHARS:
            # Refused, never cut: two long ids cut alike would share their conversations.
            raise IdentityError(f"the identity token's `{self.claim}` claim is longer than {SUBJECT_CHARS} characters")
        return claims

    def subject(self, claims: Mapping[str, Any]) -> str | None:
        """Who a conversation belongs to: the configured claim, as text; None when anonymous or identity is off."""
        if self._key is None:
            return None
        return claim_value(claims, self.claim)


def claim_value(claims: Mapping[str, Any], claim: str) -> str | None:
    """The claim as text when it can name a customer (a non-empty string or an integer), else None."""
    value = claims.get(claim)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value
    return None


def subject(claims: Mapping[str, Any], claim: str = "sub") -> str | None:
    """Deprecated: use `IdentityVerifier.subject(claims)`, which reads the configured claim."""
    return claim_value(claims, claim)


def _check_text(value: Any) -> None:
    """Raise ValueError for any text, key or value, nested anywhere, that is not valid Unicode."""
    if isinstance(value, str):
        valid_unicode(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)
    elif isinstance(value, list):
        for item in value:
            _check_text(item)
