"""What every route needs: the gateway, and the operator check for the inbox and insights."""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import Request

from chatgw.server.errors import ApiError
from chatgw.server.gateway import Gateway


def gateway(request: Request) -> Gateway:
    return request.app.state.gateway


def operator(request: Request) -> None:
    """The operator token as `Authorization: Bearer`, when one is configured.

    Without one, the inbox and insights are open to loopback clients only, which is all of
    them when the server is bound to 127.0.0.1 (the default).
    """
    token = gateway(request).plans.operator_token
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
