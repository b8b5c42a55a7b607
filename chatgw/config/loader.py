"""Load chatgw.yaml and actions/*.yaml into validated models, keeping every position.

Problems in our files become diagnostics; only "cannot even start" problems (no config
file) raise ConfigError, which the CLI reports as exit 2.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from chatgw.compiler.diagnostics import Diagnostic, diagnostic
from chatgw.config.interpolate import UnsetVariable, has_reference, interpolate, protect, restore, secret_reference
from chatgw.config.lenient import validate_leniently
from chatgw.config.models import ActionConfig, ProjectConfig
from chatgw.config.yamlpos import PathKey, SourceDoc, parse_yaml, read_text, read_yaml
from chatgw.errors import ConfigError

# Fields of chatgw.yaml that hold credentials: only `${VAR}` references are allowed there.
SECRET_FIELDS: frozenset[PathKey] = frozenset(
    {
        ("upstream", "auth", "token"),
        ("upstream", "auth", "password"),
        ("identity", "secret"),
        ("identity", "public_key"),
        ("handoff", "webhook_secret"),
        ("server", "operator_token"),
        ("nlu", "api_key"),
        ("server", "confirmation_secret"),
    }
)


@dataclass(slots=True)
class ActionSource:
    name: str
    doc: SourceDoc  # without the values that did not validate (`removed`)
    model: ActionConfig | None  # None when too little of the file validated
    removed: tuple[PathKey, ...] = ()


@dataclass(slots=True)
class ProjectSources:
    """Everything read from disk, before binding to the OpenAPI spec."""

    root: Path
    config_file: str
    config_doc: SourceDoc | None
    config: ProjectConfig | None
    actions_dir: Path | None = None  # where `actions:` points; None until chatgw.yaml is read
    actions: list[ActionSource] = field(default_factory=list)  # the files that could be parsed
    action_files: tuple[str, ...] = ()  # every action file found, parsed or not
    diagnostics: list[Diagnostic] = field(default_factory=list)


def load_sources(config_path: Path, environ: Mapping[str, str] | None = None) -> ProjectSources:
    """Read and validate the config and every action file below its `actions:` folder."""
    environ = os.environ if environ is None else environ
    config_path = Path(config_path)
    if config_path.is_dir():
        raise ConfigError(f"config {config_path} is a folder; pass --config {config_path / 'chatgw.yaml'}")
    if config_path.exists() and not config_path.is_file():
        raise ConfigError(f"config {config_path} is not a file (a device or a socket); pass --config the path of chatgw.yaml")
    if not config_path.is_file():
        raise ConfigError(
            f"config file {config_path} not found; pass --config PATH or run in the folder holding chatgw.yaml"
        )
    root = config_path.resolve().parent
    sources = ProjectSources(root=root, config_file=config_path.name, config_doc=None, config=None)
    text, problems = read_text(config_path, config_path.name)
    doc = None
    if text is not None:
        doc, problems = parse_yaml(protect(text), config_path.name)
        if doc is not None:
            doc.lines = tuple(text.splitlines())
    sources.diagnostics.extend(problems)
    if doc is None:
        return sources
    sources.config_doc = doc
    if not isinstance(doc.data, dict):
        sources.diagnostics.append(
            diagnostic("CGW104", "chatgw.yaml must be a mapping of keys", doc.at(()), hint="start with 'version: 1'")
        )
        return sources
    data = _interpolate_config(doc, environ, sources.diagnostics)
    reported = {(d.line, d.column) for d in sources.diagnostics}
    validated = validate_leniently(ProjectConfig, doc, data)
    sources.config, sources.config_doc = validated.model, validated.doc
    # A value already reported (unset variable, literal secret) is not reported twice.
    sources.diagnostics.extend(d for d in validated.diagnostics if (d.line, d.column) not in reported)
    # Even when chatgw.yaml has errors its actions are loaded, so they can be checked too.
    setting = sources.config.actions if sources.config else data.get("actions")
    actions_dir = root / (setting if isinstance(setting, str) else "actions")
    sources.actions_dir = actions_dir
    sources.actions = load_actions(actions_dir, root, sources.diagnostics)
    sources.action_files = tuple(_relative(path, root) for path in action_files(actions_dir))
    return sources


def load_actions(actions_dir: Path, root: Path, diagnostics: list[Diagnostic]) -> list[ActionSource]:
    """Every *.yaml / *.yml below `actions_dir`, sorted, one action per file."""
    found: list[ActionSource] = []
    for path in action_files(actions_dir):
        shown = _relative(path, root)
        doc, problems = read_yaml(path, shown)
        diagnostics.extend(problems)
        if doc is None:
            continue
        if not isinstance(doc.data, dict):
            diagnostics.append(
                diagnostic(
                    "CGW104",
                    "an action file must be a mapping of keys",
                    doc.at(()),
                    hint="start with 'description:' and 'intent:'",
                )
            )
            found.append(ActionSource(name=path.stem, doc=doc, model=None))
            continue
        validated = validate_leniently(ActionConfig, doc)
        diagnostics.extend(validated.diagnostics)
        found.append(ActionSource(name=path.stem, doc=validated.doc, model=validated.model, removed=validated.removed))
    return found


def action_files(actions_dir: Path) -> list[Path]:
    """The action files below `actions_dir`, sorted; none when it is not a folder."""
    if not actions_dir.is_dir():
        return []
    return sorted([*actions_dir.rglob("*.yaml"), *actions_dir.rglob("*.yml")])


def _interpolate_config(doc: SourceDoc, environ: Mapping[str, str], diagnostics: list[Diagnostic]) -> Any:
    """Interpolate `${VAR}` in every string; secret fields become SecretRefs, never values."""

    def walk(value: Any, path: PathKey) -> Any:
        if isinstance(value, dict):
            return {key: walk(item, (*path, key)) for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item, (*path, index)) for index, item in enumerate(value)]
        if isinstance(value, str):
            value = restore(value)
        if path in SECRET_FIELDS:
            return _secret(value, path)
        if isinstance(value, str) and has_reference(value):
            try:
                return interpolate(value, environ)
            except UnsetVariable as unset:
                diagnostics.append(
                    diagnostic(
                        "CGW102",
                        f"environment variable {unset.variable} is not set",
                        doc.at(path),
                        hint=f"export {unset.variable}=..., or give a default: ${{{unset.variable}:-value}}",
                    )
                )
        return value

    def _secret(value: Any, path: PathKey) -> Any:
        reference = secret_reference(value) if isinstance(value, str) else None
        dotted = ".".join(str(part) for part in path)
        if reference is None:
            diagnostics.append(
                diagnostic(
                    "CGW501",
                    f"{dotted} holds a literal secret",
                    doc.at(path),
                    hint=f"secrets come from the environment only: write {dotted.rsplit('.', 1)[-1]}: ${{MY_SECRET}}",
                )
            )
            return None
        if reference.default:
            diagnostics.append(
                diagnostic(
                    "CGW501",
                    f"{dotted} has a literal secret as its default",
                    doc.at(path),
                    hint=f"drop the default: ${{{reference.variable}}}",
                )
            )
            return None
        return reference

    return walk(doc.data, ())


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
