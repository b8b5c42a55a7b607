"""`${VAR}` and `${VAR:-default}` interpolation of the environment in chatgw.yaml."""

from __future__ import annotations

import re
from typing import Mapping

from chatgw.config.secrets import SecretRef

_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-(.*?))?\}")
_WHOLE = re.compile(r"^\s*\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-(.*?))?\}\s*$")


class UnsetVariable(Exception):
    def __init__(self, variable: str) -> None:
        super().__init__(variable)
        self.variable = variable


def interpolate(text: str, environ: Mapping[str, str]) -> str:
    """Replace every reference; an unset variable without a default raises UnsetVariable."""

    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        value = environ.get(name)
        if value is not None and value != "":
            return value
        if default is not None:
            return default
        if value is not None:
            return value
        raise UnsetVariable(name)

    return _REFERENCE.sub(replace, text)


def secret_reference(text: str) -> SecretRef | None:
    """A SecretRef when the whole value is one `${VAR}` reference, else None (a literal)."""
    match = _WHOLE.match(text)
    if match is None:
        return None
    return SecretRef(variable=match.group(1), default=match.group(2))


def has_reference(text: str) -> bool:
    return _REFERENCE.search(text) is not None


# `${VAR}` inside a YAML flow mapping (`auth: {token: ${TOKEN}}`) is a syntax error, because
# braces are flow indicators. Before parsing we swap the braces of each reference for
# parentheses (same length, so every column stays true) and swap them back after.
_PROTECTED = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*(?::-[^(){}\n]*)?)\)")


def protect(text: str) -> str:
    """Make `${...}` references safe to parse in any YAML context."""
    return _REFERENCE.sub(lambda match: "$(" + match.group(0)[2:-1] + ")", text)


def restore(value: str) -> str:
    """Undo `protect` in one parsed string."""
    return _PROTECTED.sub(lambda match: "${" + match.group(1) + "}", value)
