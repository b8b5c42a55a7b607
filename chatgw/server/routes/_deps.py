"""What every route needs: the gateway, and the operator check for the inbox and insights."""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import Request

from chatgw.server.errors import ApiError
from chatgw.server.gateway import Gateway


# Dependencies are `async def` although they never await: FastAPI runs a plain `def`
# dependency in a worker thread, a thread hop per request for what is an attribute lookup.


async def gateway(request: Request) -> Gateway:
    return request.app.state.gateway


async def operator(request: Request) -> None:
    """The operator token as `Authorization: Bearer`, when one is configured."""
    check_operator(request)


def check_operator(request: Request) -> None:
    """Raise unless the request comes from the operator.

    That is the operator token as `Authorization: Bearer`, when one is configured; without
    one, the inbox and insights are open to loopback clients only, which is all of them when
    the server is bound to 127.0.0.1 (the default).
    """
    token = request.app.state.gateway.plans.operator_token
    if token is None:
        host = request.client.host if request.client else ""
        if not _loopback(host):
            raise ApiError(403, "operator_only", "set server.operator_token to use this from another host")
        return
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise ApiError(401, "operator_token_required", "send the operator token as Authorization: Bearer <token>",
                       headers={"WWW-Authenticate": "Bearer"})


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host in ("localhost", "testclient")
