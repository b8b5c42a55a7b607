"""Binding the listening socket before anything is announced, so a taken port is one clear error."""

from __future__ import annotations

import socket

from chatgw.errors import ChatgwError


class ListenError(ChatgwError):
    """The address cannot be listened on (taken, or not this machine's)."""


def bind(host: str, port: int, option: str = "--port") -> socket.socket:
    """A socket listening on host:port; ListenError names the port and the option to change it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as error:
        sock.close()
        raise ListenError(
            f"cannot listen on {host}:{port} ({error.strerror}); stop what uses it or pass {option} with a free port"
        ) from None
    return sock
