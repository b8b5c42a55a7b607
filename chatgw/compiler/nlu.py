"""Checks of the `nlu:` section that no single key can make alone: an llm engine needs a model
and an endpoint, and the package that speaks to it."""

from __future__ import annotations

import importlib.util

from chatgw.compiler.diagnostics import Diagnostic, Location, diagnostic
from chatgw.config.loader import ProjectSources


def check_llm_settings(sources: ProjectSources) -> list[Diagnostic]:
    """CGW112 when `nlu.engine: llm` lacks `model` or `base_url`, or the openai package."""
    config = sources.config
    if config is None or config.nlu.engine != "llm":
        return []
    doc = sources.config_doc
    where = doc.at(("nlu",)) if doc is not None else Location(sources.config_file)
    found = []
    for key, example in (("model", "gpt-4o-mini"), ("base_url", "${LLM_BASE_URL}")):
        if getattr(config.nlu, key) is None:
            hint = f"add {key}: {example} under nlu: (docs/llm.md shows hosted APIs and local servers)"
            found.append(diagnostic("CGW112", f"nlu.engine llm needs nlu.{key}", where, hint))
    if importlib.util.find_spec("openai") is None:
        hint = "install it with: pip install 'chatgw[llm]'"
        found.append(diagnostic("CGW112", "nlu.engine llm needs the openai package, which is not installed", where, hint))
    return found
