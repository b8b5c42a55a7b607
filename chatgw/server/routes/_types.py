"""Field types shared by the request models: text that is valid Unicode, or a clean 422."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator


def valid_unicode(value: str) -> str:
    """Refuse lone surrogates ("\\ud83d"): JSON allows them, UTF-8, SQLite and PyJWT do not."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("is not valid Unicode text (a lone surrogate, e.g. a cut emoji)") from None
    return value


Text = Annotated[str, AfterValidator(valid_unicode)]
