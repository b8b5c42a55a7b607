"""A starting chatgw.yaml for a spec: its server, its auth scheme, secrets as `${VAR}`s."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Mapping, Sequence

import yaml

from chatgw.openapi.loader import Spec

_LOCAL_URL = "http://127.0.0.1:8080"


def scaffold_config(
    spec: Spec, config_path: Path, actions: str = "actions/", security: Sequence[str] = ()
) -> str:
    """The text of a chatgw.yaml next to `config_path` that reads `spec`.

    `security` names the security schemes the chosen operations use; the first one the spec
    defines sets `upstream.auth`.
    """
    prefix = env_prefix(spec.title)
    slug = prefix.lower().replace("_", "-")
    openapi = os.path.relpath(Path(spec.path).resolve(), Path(config_path).resolve().parent)
    lines = [
        f"# Written by `chatgw init` for {spec.title or 'the product API'}.",
        "# Secrets come from the environment only: set the ${...} variables where chatgw runs.",
        "version: 1",
        f"name: {_scalar(slug + '-support')}",
        f"openapi: {_scalar(Path(openapi).as_posix())}",
        "upstream:",
        f"  base_url: ${{{prefix}_API_URL:-{_base_url(spec)}}}",
        *_auth_lines(_pick_scheme(_security_schemes(Path(spec.path)), security), prefix),
        "  timeout: 5s",
        "  retries: 2",
        f"actions: {_scalar(actions)}",
        "identity: {mode: jwt, secret: ${CHATGW_IDENTITY_SECRET}}",
        "store: sqlite:///chatgw.db",
        "handoff: {inbox: true}",
        "nlu: {engine: embeddings, threshold: auto}",
    ]
    return "\n".join(lines) + "\n"


def env_prefix(title: str) -> str:
    """`Acme Cloud API` -> `ACME_CLOUD`, the prefix of the environment variables."""
    words = [word for word in re.split(r"[^0-9A-Za-z]+", title) if word and word.lower() != "api"]
    prefix = "_".join(words[:3]).upper()
    if not prefix or prefix[0].isdigit():
        prefix = "UPSTREAM" + (f"_{prefix}" if prefix else "")
    return prefix


def _base_url(spec: Spec) -> str:
    for url in spec.servers:
        if re.match(r"^https?://[^/\s{}]+", url):
            return url.rstrip("/")
    relative = next((url for url in spec.servers if url.startswith("/")), "")
    return _LOCAL_URL + relative.rstrip("/")


def _pick_scheme(schemes: Mapping[str, Any], used: Sequence[str]) -> Mapping[str, Any] | None:
    for name in [*used, *schemes]:
        scheme = schemes.get(name)
        if isinstance(scheme, Mapping):
            return scheme
    return None


def _auth_lines(scheme: Mapping[str, Any] | None, prefix: str) -> list[str]:
    kind = scheme.get("type") if scheme else None
    if kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":  # type: ignore[union-attr]
        return [
            "  auth:",
            "    type: basic",
            f"    username: ${{{prefix}_API_USERNAME:-}}",
            f"    password: ${{{prefix}_API_PASSWORD}}",
        ]
    if kind in ("http", "oauth2", "openIdConnect"):
        return [f"  auth: {{type: bearer, token: ${{{prefix}_API_TOKEN}}}}"]
    if kind == "apiKey" and scheme.get("in") == "header":  # type: ignore[union-attr]
        header = str(scheme.get("name") or "X-Api-Key")  # type: ignore[union-attr]
        return [f"  auth: {{type: header, header: {_scalar(header)}, token: ${{{prefix}_API_KEY}}}}"]
    if kind == "apiKey":
        return [
            f"  # The spec puts its API key in the {scheme.get('in')}, which chatgw does not set;",  # type: ignore[union-attr]
            "  # use a header or bearer credential if the API accepts one.",
            "  auth: {type: none}",
        ]
    return ["  auth: {type: none}"]


def _security_schemes(path: Path) -> Mapping[str, Any]:
    """components.securitySchemes of the spec file.

    `Spec` does not expose them, so the file is read once more; `chatgw init` runs rarely.
    """
    text = path.read_text(encoding="utf-8-sig")
    try:
        document = json.loads(text) if text.lstrip().startswith("{") else None
    except json.JSONDecodeError:
        document = None
    if document is None:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        document = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    components = document.get("components") if isinstance(document, Mapping) else None
    schemes = components.get("securitySchemes") if isinstance(components, Mapping) else None
    return schemes if isinstance(schemes, Mapping) else {}


def _scalar(value: str) -> str:
    """`value` as a YAML scalar, quoted only when it must be."""
    dumped = yaml.safe_dump(value, default_flow_style=True, width=4096)
    return dumped.removesuffix("\n...\n").strip()
