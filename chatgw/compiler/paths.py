"""The paths chatgw.yaml names, checked before anything is read from them: the actions folder,
the model folder, the spec file."""

from __future__ import annotations

from pathlib import Path

from chatgw.compiler.diagnostics import Diagnostic, Location, diagnostic
from chatgw.config.loader import ProjectSources


def setting(sources: ProjectSources, key: str) -> str | None:
    """A path setting of chatgw.yaml, read from the raw file when the file has other errors."""
    if sources.config is not None:
        return getattr(sources.config, key)
    data = sources.config_doc.data if sources.config_doc is not None else None
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def spec_files_hint(folder: Path) -> str:
    """What to write instead of a folder where a spec file is expected: the candidates in it."""
    found = sorted(p.name for p in folder.iterdir() if p.suffix in (".yaml", ".yml", ".json") and p.is_file())
    if not found:
        return "name the spec file (YAML or JSON) itself; this folder holds none"
    return f"name the spec file itself, e.g. {folder.name}/{found[0]}" + (f" ({len(found)} candidates there)" if len(found) > 1 else "")


def check_actions_folder(sources: ProjectSources) -> list[Diagnostic]:
    """CGW111 when `actions:` names no folder; CGW109 when the folder holds no action files."""
    if sources.actions_dir is None:
        return []
    folder = setting(sources, "actions") or "actions/"
    where = sources.config_doc.at(("actions",)) if sources.config_doc else Location(sources.config_file)
    if not sources.actions_dir.is_dir():
        problem = "is a file, not a folder" if sources.actions_dir.exists() else "does not exist"
        hint = f"create {folder}, or point actions: at the folder that holds the action files"
        return [diagnostic("CGW111", f"actions folder {folder} {problem}", where, hint)]
    if sources.action_files:
        return []
    hint = f"add {folder.rstrip('/')}/<name>.yaml files, or run `chatgw init --spec ...`"
    return [diagnostic("CGW109", f"no action files found in {folder}", where, hint)]


def check_model_folder(sources: ProjectSources) -> list[Diagnostic]:
    """CGW110 when `nlu.model` does not name a folder holding model.onnx and tokenizer.json."""
    config = sources.config
    if config is None or config.nlu.model is None or config.nlu.engine != "embeddings":
        return []  # an llm engine's model is a name
    folder = sources.root / config.nlu.model
    if not folder.is_dir():
        problem = f"nlu.model folder {folder} does not exist"
    else:
        missing = [name for name in ("model.onnx", "tokenizer.json") if not (folder / name).is_file()]
        if not missing:
            return []
        problem = f"nlu.model folder {folder} has no {' or '.join(missing)}"
    where = sources.config_doc.at(("nlu", "model")) if sources.config_doc else Location(sources.config_file)
    hint = "a model folder holds an ONNX sentence encoder (model.onnx) and its tokenizer.json; remove nlu.model to use the packaged one"
    return [diagnostic("CGW110", problem, where, hint)]
