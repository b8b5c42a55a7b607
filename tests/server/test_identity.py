"""Identity tokens: HS256 and RS256, `exp` required, forged/expired/malformed refused."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chatgw.compiler.plans import IdentityPlan
from chatgw.config.secrets import SecretRef
from chatgw.server import IdentityError, IdentityVerifier
from chatgw.server.identity import subject


def _rsa() -> tuple[object, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return key, public


def test_identity_rs256_accepts_its_key_and_refuses_another(monkeypatch: pytest.MonkeyPatch) -> None:
    key, public = _rsa()
    other, _ = _rsa()
    monkeypatch.setenv("CHATGW_IDENTITY_PUBLIC_KEY", public)
    verifier = IdentityVerifier(
        IdentityPlan(mode="jwt", public_key=SecretRef("CHATGW_IDENTITY_PUBLIC_KEY"), algorithms=("RS256",))
    )
    claims = {"sub": "u1", "customer_id": "cus_1", "exp": int(time.time()) + 60}
    assert verifier.verify(jwt.encode(claims, key, algorithm="RS256"))["customer_id"] == "cus_1"
    with pytest.raises(IdentityError):
        verifier.verify(jwt.encode(claims, other, algorithm="RS256"))
    with pytest.raises(IdentityError):  # an HS256 token "signed" with the public key
        verifier.verify(jwt.encode(claims, public.encode()[:64], algorithm="HS256"))


def test_identity_checks_audience_and_issuer_when_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET", "s" * 40)
    verifier = IdentityVerifier(
        IdentityPlan(mode="jwt", secret=SecretRef("SECRET"), audience="chatgw", issuer="acme")
    )
    good = {"sub": "u1", "aud": "chatgw", "iss": "acme", "exp": int(time.time()) + 60}
    assert verifier.verify(jwt.encode(good, "s" * 40, algorithm="HS256"))["sub"] == "u1"
    for wrong in ({"aud": "other"}, {"iss": "evil"}):
        with pytest.raises(IdentityError):
            verifier.verify(jwt.encode({**good, **wrong}, "s" * 40, algorithm="HS256"))


def test_identity_off_or_no_token_is_anonymous() -> None:
    assert IdentityVerifier(IdentityPlan(mode="none")).verify("anything") == {}
    assert subject({}) is None and subject({"customer_id": 7}) == "7" and subject({"sub": "u", "customer_id": 7}) == "u"
