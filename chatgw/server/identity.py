"""Verifying the identity token the host product signs for its customer (JWT via PyJWT)."""

from __future__ import annotations

from typing import Any, Mapping

import jwt

from chatgw.compiler.plans import IdentityPlan
from chatgw.errors import ChatgwError, ConfigError


class IdentityError(ChatgwError):
    """The identity token is forged, expired or malformed."""


class IdentityVerifier:
    """Checks signature, `exp` (required), and the audience and issuer when configured."""

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
        return claims


def subject(claims: Mapping[str, Any]) -> str | None:
    """Who the conversation belongs to: `sub`, else `customer_id`, else nobody (anonymous)."""
    for name in ("sub", "customer_id"):
        value = claims.get(name)
        if value is not None:
            return str(value)
    return None
