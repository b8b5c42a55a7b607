"""`chatgw serve`: the chat HTTP API, the shared inbox, insights, metrics and health.

    create_app(project)      the FastAPI app (routes in routes/, the logic in gateway.py)
    Gateway                  a chat turn against the store, the inbox, reloads
    IdentityVerifier         JWT (HS256 secret or RS256 public key), `exp` required
"""

from chatgw.server.app import create_app
from chatgw.server.gateway import Gateway
from chatgw.server.identity import IdentityError, IdentityVerifier

__all__ = ["Gateway", "IdentityError", "IdentityVerifier", "create_app"]
