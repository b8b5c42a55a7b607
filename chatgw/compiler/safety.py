"""Safety checks: literal secrets in files, unconfirmed changes, identity taken from text."""

from __future__ import annotations

import re
from typing import Any, Iterator

from chatgw.compiler.diagnostics import Diagnostic, diagnostic
from chatgw.compiler.templates import is_template
from chatgw.config.yamlpos import PathKey, SourceDoc

# Well-known credential shapes; a match anywhere in our files is a literal secret.
_TOKEN_SHAPES = re.compile(
    r"(sk|rk|pk)_(live|test)_[A-Za-z0-9]{10,}"
    r"|gh[pousr]_[A-Za-z0-9]{20,}"
    r"|AKIA[0-9A-Z]{16}"
    r"|xox[abpr]-[A-Za-z0-9-]{10,}"
    r"|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----"
    r"|\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{16,}"
)
_SENSITIVE_HEADERS = re.compile(r"^(authorization|proxy-authorization|cookie|x-api-key|api-key|x-auth-token)$", re.I)


def literal_secrets(doc: SourceDoc, skip: frozenset[PathKey] = frozenset()) -> list[Diagnostic]:
    """Every string in the file that is, or sits where there should only be, a credential."""
    found: list[Diagnostic] = []
    for path, value in _strings(doc.data, ()):
        if path in skip:
            continue
        in_header = len(path) >= 2 and path[-2] == "headers" and _SENSITIVE_HEADERS.match(str(path[-1]))
        if in_header and not is_template(value):
            found.append(
                diagnostic(
                    "CGW501",
                    f"header '{path[-1]}' holds a literal credential",
                    doc.at(path),
                    hint="credentials come from upstream.auth in chatgw.yaml, read from the environment",
                )
            )
        elif _TOKEN_SHAPES.search(value):
            found.append(
                diagnostic(
                    "CGW501",
                    "this value looks like a literal secret (an API key or token)",
                    doc.at(path),
                    hint="remove it; secrets come from environment variables (${NAME}) in chatgw.yaml only",
                )
            )
    return found


def _strings(value: Any, path: PathKey) -> Iterator[tuple[PathKey, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))
    elif isinstance(value, str):
        yield path, value
