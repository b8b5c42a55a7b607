"""Names and words taken from a spec, made fit for action files and templates."""

from __future__ import annotations

import re

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_HTML_TAG = re.compile(r"<[^>]+>")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'])")


def snake_case(name: str) -> str:
    """`rotateProjectKey` -> `rotate_project_key`, `X-Customer-Id` -> `x_customer_id`.

    The result is always a template identifier: lower case letters, digits and underscores,
    not starting with a digit.
    """
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)  # "HTMLPage" -> "HTML_Page"
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)  # "projectKey" -> "project_Key"
    text = re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_").lower()
    text = re.sub(r"_+", "_", text)
    if not text:
        return "value"
    return f"n_{text}" if text[0].isdigit() else text


def is_identifier(name: str) -> bool:
    return bool(_IDENTIFIER.match(name))


def unique(name: str, taken: set[str]) -> str:
    """`name`, or `name_2`, `name_3`, ... whichever is free; the result is added to `taken`."""
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name}_{number}", number + 1
    taken.add(candidate)
    return candidate


def human(name: str) -> str:
    """`project_id` -> `project id`, for prompts and confirmations."""
    return snake_case(name).replace("_", " ")


def plain(text: str | None, limit: int = 160) -> str:
    """A spec description as one plain sentence: no markup, no template braces, bounded."""
    if not text:
        return ""
    text = _MD_LINK.sub(r"\1", text)
    text = _HTML_TAG.sub(" ", text)
    text = text.replace("`", "").replace("**", "").replace("{", "").replace("}", "")
    # Only the first paragraph, and of it the first sentence.
    text = re.split(r"\n\s*\n", text.strip(), maxsplit=1)[0]
    text = " ".join(text.split())
    text = _SENTENCE_END.split(text, maxsplit=1)[0]
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "..."
    return text
