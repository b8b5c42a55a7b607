"""Slot plans: a slot's type and constraints come from the parameter or field it feeds."""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Mapping

from chatgw.compiler.plans import SlotPlan
from chatgw.config.models import SlotConfig
from chatgw.openapi import schema as schemas


def build_slot(name: str, config: SlotConfig, fed: Mapping[str, Any] | None) -> SlotPlan:
    """Merge what the slot says of itself over what its schema says; the slot wins."""
    known: dict[str, Any] = schemas.constraints(fed) if fed else {}
    source, claim, default = slot_source(config.from_)
    enum = config.enum if config.enum is not None else known.get("enum")
    description = config.description or known.get("description")
    plan = SlotPlan(
        name=name,
        source=source,
        claim=claim,
        default=default,
        type=config.type or known.get("type") or "string",
        enum=tuple(enum) if enum is not None else None,
        synonyms={value: tuple(phrases) for value, phrases in config.synonyms.items()},
        pattern=config.pattern or known.get("pattern"),
        format=config.format or known.get("format"),
        minimum=config.minimum if config.minimum is not None else known.get("minimum"),
        maximum=config.maximum if config.maximum is not None else known.get("maximum"),
        exclusive_minimum=bool(known.get("exclusive_minimum")) and config.minimum is None,
        exclusive_maximum=bool(known.get("exclusive_maximum")) and config.maximum is None,
        min_length=config.min_length if config.min_length is not None else known.get("min_length"),
        max_length=config.max_length if config.max_length is not None else known.get("max_length"),
        required=config.required,
        description=description,
        prompt="",
    )
    return _with_prompt(plan, config.prompt)


def slot_source(value: Any) -> tuple[str, str | None, Any]:
    """(source, claim, literal) from a slot's `from:`."""
    if value == "message":
        return "message", None, None
    if isinstance(value, str) and value.startswith("identity."):
        return "identity", value.split(".", 1)[1], None
    return "literal", None, value


def human_name(name: str) -> str:
    """`project_id` -> `project id`."""
    return re.sub(r"[_\-.]+", " ", re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)).strip().lower()


def _with_prompt(plan: SlotPlan, prompt: str | None) -> SlotPlan:
    if prompt:
        text = prompt
    else:
        text = f"What is the {human_name(plan.name)}?"
        if plan.description:
            first = re.split(r"(?<=[.!?])\s", plan.description.strip(), maxsplit=1)[0]
            text += f" ({first.rstrip('.')[:160]})"
        if plan.enum:
            text += " Options: " + ", ".join(str(item) for item in plan.enum) + "."
    return dataclasses.replace(plan, prompt=text)
