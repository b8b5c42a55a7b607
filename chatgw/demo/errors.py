"""The one error the Acme API answers with: a status and the spec's `{"error": {"code", "message"}}`."""

from __future__ import annotations

from typing import Any


class AcmeError(Exception):
    """A refusal the API reports to its caller; never a bug."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    @classmethod
    def not_found(cls, project_id: str) -> AcmeError:
        return cls(404, "not_found", f"No project {project_id} on this account.")

    @classmethod
    def unauthorized(cls) -> AcmeError:
        message = "Send the API token as `Authorization: Bearer <token>`."
        return cls(401, "unauthorized", message, {"WWW-Authenticate": "Bearer"})

    @classmethod
    def invalid(cls, message: str) -> AcmeError:
        return cls(422, "invalid_request", message)

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}}
