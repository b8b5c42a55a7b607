"""Every key of our two file formats and every command is documented (datasette-style)."""

from __future__ import annotations

import typing
from pathlib import Path

import chatgw.cli.commands  # noqa: F401  (registers the commands)
from chatgw.cli import app
from chatgw.config.models import ActionConfig, ProjectConfig
from pydantic import BaseModel

ROOT = Path(__file__).resolve().parents[1]


def _keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    found = []
    for name, info in model.model_fields.items():
        key = prefix + (info.alias or name)
        found.append(key)
        for sub, nested in _nested_models(info.annotation, key):
            found.extend(_keys(sub, nested))
    return found


def _nested_models(annotation: object, key: str) -> list[tuple[type[BaseModel], str]]:
    """Models inside a field's type, with the key prefix their fields get."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(annotation, key + ".")]
    origin = typing.get_origin(annotation)
    found = []
    for arg in typing.get_args(annotation):
        prefix = key + ".<name>" if origin is dict else key
        found.extend((model, nested.replace(key, prefix, 1)) for model, nested in _nested_models(arg, key))
    return found


def test_every_config_and_action_key_is_in_the_file_reference():
    text = (ROOT / "docs" / "files.md").read_text()
    missing = [
        key
        for key in _keys(ProjectConfig) + _keys(ActionConfig)
        # documented itself, or through its sub-keys (`upstream.base_url` documents `upstream`)
        if f"`{key}`" not in text and f"`{key}." not in text and not _segment_documented(key, text)
    ]
    assert missing == []


def test_every_command_is_in_the_command_reference():
    text = (ROOT / "docs" / "commands.md").read_text()
    names = [command.name or command.callback.__name__ for command in app.registered_commands]
    assert sorted(name for name in names if f"## `chatgw {name}`" not in text) == []


def _segment_documented(key: str, text: str) -> bool:
    """`steps.operation` is documented by `call.operation` (steps take the keys of call)."""
    last = key.rsplit(".", 1)[-1]
    return f"`{last}`" in text or f".{last}`" in text
