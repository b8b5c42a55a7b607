"""Writing a scaffold to disk: chatgw.yaml when missing, one action file per operation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import yaml

from chatgw.errors import ChatgwError
from chatgw.openapi.loader import Spec
from chatgw.openapi.model import Operation
from chatgw.scaffold._text import unique
from chatgw.scaffold.action import action_name, scaffold_action
from chatgw.scaffold.config import scaffold_config

DEFAULT_ACTIONS = "actions/"


class ScaffoldError(ChatgwError):
    """The scaffold cannot be made as asked (an unknown operation, nothing chosen)."""


@dataclass(frozen=True, slots=True)
class InitResult:
    """What `init_project` did."""

    config: Path | None  # chatgw.yaml when it was written; None when it already existed
    written: tuple[Path, ...]  # action files written
    skipped: tuple[Path, ...]  # action files that existed and were left alone


def select_operations(spec: Spec, references: Iterable[str]) -> list[Operation]:
    """The operations named by operationId or `METHOD /path`; ScaffoldError lists unknown ones."""
    chosen: dict[str, Operation] = {}
    unknown: list[str] = []
    for reference in references:
        operation = spec.operation(reference)
        if operation is None:
            close = spec.suggest(reference)
            unknown.append(f"'{reference}'" + (f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""))
            continue
        chosen.setdefault(operation.key, operation)
    if unknown:
        raise ScaffoldError(f"the spec has no operation {', '.join(unknown)}")
    return list(chosen.values())


def init_project(
    spec: Spec, operations: Sequence[Operation], config_path: Path, *, force: bool = False
) -> InitResult:
    """Write chatgw.yaml (if missing) and `actions/<name>.yaml` for each operation.

    Existing action files are only replaced with `force`; chatgw.yaml never is.
    """
    if not operations:
        raise ScaffoldError("no operations chosen; name them with --operation ID")
    config_path = Path(config_path)
    root = config_path.parent
    written_config = None
    if config_path.exists():
        actions_dir = root / _actions_setting(config_path)
    else:
        security = next((op.security for op in operations if op.security), ())
        root.mkdir(parents=True, exist_ok=True)
        config_path.write_text(scaffold_config(spec, config_path, DEFAULT_ACTIONS, security), encoding="utf-8")
        written_config = config_path
        actions_dir = root / DEFAULT_ACTIONS
    actions_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    skipped: list[Path] = []
    names: set[str] = set()
    for operation in operations:
        name = unique(action_name(operation), names)
        path = actions_dir / f"{name}.yaml"
        if path.exists() and not force:
            skipped.append(path)
            continue
        path.write_text(scaffold_action(operation, name), encoding="utf-8")
        written.append(path)
    return InitResult(written_config, tuple(written), tuple(skipped))


def _actions_setting(config_path: Path) -> str:
    """The `actions:` folder of an existing chatgw.yaml, read as plain YAML."""
    try:
        data: Any = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return DEFAULT_ACTIONS
    value = data.get("actions") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value.strip() else DEFAULT_ACTIONS
