"""What every route needs: the gateway, the operator check for the inbox and insights, and the
customer-or-operator check for a conversation."""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import Request

from chatgw.server.errors import ApiError
from chatgw.server.gateway import Gateway
from chatgw.server.identity import IdentityError

# Headers a proxy adds to say who its client is. Without an operator token, a request that
# carries any of them came through something on this machine on behalf of someone else.
FORWARDING_HEADERS = frozenset(
    name.encode()
    for name in (
        "forwarded", "via", "x-real-ip", "true-client-ip", "cf-connecting-ip", "x-client-ip",
        "x-cluster-client-ip", "fastly-client-ip", "client-ip", "x-originating-ip", "x-remote-ip",
        "x-remote-addr", "x-proxyuser-ip", "x-envoy-external-address", "x-appengine-user-ip",
        "x-azure-clientip", "x-azure-socketip", "akamai-origin-hop",
    )
)
_FORWARDING_PREFIXES = (b"x-forwarded-", b"x-original-forwarded-")


# Dependencies are `async def` although they never await: FastAPI runs a plain `def`
# dependency in a worker thread, a thread hop per request for what is an attribute lookup.


async def gateway(request: Request) -> Gateway:
    return request.app.state.gateway


async def operator(request: Request) -> None:
    """The operator token as `Authorization: Bearer`, when one is configured."""
    check_operator(request)


async def operator_page(request: Request) -> None:
    """A page for the operator: open when a token is configured (the page asks for it and the
    API checks it); without one, the same loopback-only rule as the API."""
    if request.app.state.gateway.plans.operator_token is None:
        _direct_loopback_only(request)


def check_operator(request: Request) -> None:
    """Raise unless the request comes from the operator.

    That is the operator token as `Authorization: Bearer`, when one is configured. Without
    one, only a client on this machine talking to the server directly: a loopback peer and no
    forwarding header, since behind a local reverse proxy every visitor is a loopback peer.
    """
    token = request.app.state.gateway.plans.operator_token
    if token is None:
        _direct_loopback_only(request)
        return
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise ApiError(401, "operator_token_required", "send the operator token as Authorization: Bearer <token>",
                       headers={"WWW-Authenticate": "Bearer"})


def owner_or_operator(request: Request, gw: Gateway, owner: str | None) -> None:
    """Return when the request comes from `owner` or from the operator; raise otherwise."""
    verifier = gw.plans.verifier
    token = _bearer(request)
    if token is None or not verifier.enabled or _is_operator_token(gw, token):
        check_operator(request)
        return
    try:
        claims = verifier.verify(token)
    except IdentityError as error:
        raise ApiError(401, "invalid_identity", str(error)) from None
    if owner is None or verifier.subject(claims) != owner:
        raise ApiError(403, "conversation_forbidden", "this conversation belongs to another identity")


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def _is_operator_token(gw: Gateway, token: str) -> bool:
    operator = gw.plans.operator_token
    return operator is not None and hmac.compare_digest(token.encode(), operator.encode())


def _direct_loopback_only(request: Request) -> None:
    forwarded = forwarding_header(request.scope["headers"])
    if forwarded is not None:
        raise ApiError(
            403, "operator_only",
            f"this request came through a proxy ({forwarded} header) and server.operator_token is not set; "
            "set server.operator_token to use the inbox and insights through a proxy",
        )
    host = request.client.host if request.client else ""
    if not _loopback(host):
        raise ApiError(403, "operator_only", "set server.operator_token to use this from another host")


def forwarding_header(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The name of the first header that says the request was forwarded, or None."""
    for name, _ in headers:
        if name in FORWARDING_HEADERS or name.startswith(_FORWARDING_PREFIXES):
            return name.decode("latin-1")
    return None


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host in ("localhost", "testclient")
