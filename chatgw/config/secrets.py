"""Secrets stay references to the environment until the very moment they are used.

A secret field (`token`, `password`, `secret`, ...) is kept as a `SecretRef`, never as its
value, so a compiled plan, a preview or a log line cannot leak it. `reveal()` is called only
where the credential is added to a request or a token is verified.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from chatgw.errors import ConfigError


@dataclass(frozen=True, slots=True)
class SecretRef:
    variable: str | None  # the environment variable, or None for an inline default only
    default: str | None = None

    def reveal(self) -> str:
        """The secret's value; a clear error naming the variable when it is not set."""
        if self.variable is not None:
            value = os.environ.get(self.variable)
            if value:
                return value
        if self.default is not None:
            return self.default
        raise ConfigError(
            f"environment variable {self.variable} is not set; "
            f"export {self.variable}=... before starting chatgw"
        )

    def is_set(self) -> bool:
        return bool(self.variable and os.environ.get(self.variable)) or self.default is not None

    def __repr__(self) -> str:  # never the value
        return f"SecretRef(${{{self.variable}}})"
