"""Identity tokens: HS256 and RS256, `exp` required, forged/expired/malformed refused."""

from __future__ import annotations

import json
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


def test_identity_off_or_no_token_is_anonymous(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET", "s" * 40)
    off = IdentityVerifier(IdentityPlan(mode="none"))
    on = IdentityVerifier(IdentityPlan(mode="jwt", secret=SecretRef("SECRET")))

    assert off.verify("anything") == {} and off.subject({"sub": "u1"}) is None
    assert on.verify(None) == {} and on.subject({}) is None


def _verifier(monkeypatch: pytest.MonkeyPatch, claim: str = "sub") -> IdentityVerifier:
    monkeypatch.setenv("SECRET", "s" * 40)
    return IdentityVerifier(IdentityPlan(mode="jwt", secret=SecretRef("SECRET"), subject=claim))


def _token(claims: dict[str, object]) -> str:
    return jwt.encode({**claims, "exp": int(time.time()) + 60}, "s" * 40, algorithm="HS256")


def test_identity_subject_is_the_configured_claim_as_text(monkeypatch: pytest.MonkeyPatch) -> None:
    verifier = _verifier(monkeypatch, "account_id")

    assert verifier.subject(verifier.verify(_token({"account_id": "acc_1", "sub": "u9"}))) == "acc_1"
    assert verifier.subject(verifier.verify(_token({"account_id": 42}))) == "42"


@pytest.mark.parametrize(
    "claims",
    [{"sub": "u1"}, {"account_id": ""}, {"account_id": "  "}, {"account_id": None}, {"account_id": True},
     {"account_id": 4.5}, {"account_id": ["acc_1"]}, {"account_id": {"id": "acc_1"}}],
    ids=["missing", "empty", "blank", "null", "boolean", "float", "list", "object"],
)
def test_identity_token_without_a_usable_subject_claim_is_refused_naming_it(
    claims: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    verifier = _verifier(monkeypatch, "account_id")

    with pytest.raises(IdentityError, match="`account_id`"):
        verifier.verify(_token(claims))


@pytest.mark.parametrize(
    "claims",
    [{"name": "\ud800"}, {"sub": "u1\udfff"}, {"tags": ["ok", "\ud83d"]}, {"org": {"\ud800": "key"}}],
    ids=["value", "subject", "nested-list", "nested-key"],
)
def test_identity_claims_that_are_not_valid_unicode_are_refused(
    claims: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    verifier = _verifier(monkeypatch)
    # PyJWT would refuse to encode a lone surrogate: sign the JSON by hand, as a host could.
    payload = json.dumps({"sub": "u1", **claims, "exp": int(time.time()) + 60}).replace("\\\\u", "\\u")
    token = jwt.api_jws.encode(payload.encode(), "s" * 40, algorithm="HS256")

    with pytest.raises(IdentityError, match="not valid Unicode"):
        verifier.verify(token)


def test_identity_module_subject_reads_one_claim_for_callers_not_yet_on_the_verifier() -> None:
    assert subject({}) is None and subject({"sub": "u"}) == "u" and subject({"customer_id": 7}, "customer_id") == "7"
