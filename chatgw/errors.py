"""The one exception tree of chatgw.

    ChatgwError                 a user-facing problem: the message says what to do
    ├── ConfigError             our files cannot be loaded (missing file, unset secret, ...)
    ├── SpecError               the OpenAPI spec cannot be read or is not OpenAPI
    ├── CompileError            compiling produced errors; carries the diagnostics
    ├── RenderError             a template or value could not become a valid request
    └── UpstreamError           the product API could not be reached in time

Programming errors are ordinary Python exceptions and are allowed to surface.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from chatgw.compiler.diagnostics import Diagnostic


class ChatgwError(Exception):
    """Base of every error a user can cause and fix."""


class ConfigError(ChatgwError):
    """Our own files could not be loaded."""


class SpecError(ChatgwError):
    """The OpenAPI spec could not be read."""


class CompileError(ChatgwError):
    """Compiling found errors; `diagnostics` holds them all."""

    def __init__(self, diagnostics: Sequence["Diagnostic"]) -> None:
        self.diagnostics = tuple(diagnostics)
        errors = [d for d in self.diagnostics if d.severity == "error"]
        first = errors[0].one_line() if errors else "no errors"
        super().__init__(f"{len(errors)} error(s) in the configuration; first: {first}")


class RenderError(ChatgwError):
    """A request could not be built from the plan and the slots."""


class UpstreamError(ChatgwError):
    """The product API did not answer (connection error or timeout).

    `maybe_sent` is False only when the request certainly never reached the upstream (the
    connection could not be made); after a timeout or a dropped connection it may have.
    """

    def __init__(self, message: str, *, maybe_sent: bool = True) -> None:
        super().__init__(message)
        self.maybe_sent = maybe_sent
