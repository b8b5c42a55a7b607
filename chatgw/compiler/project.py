"""compile_project: config + actions + OpenAPI spec -> one immutable ProjectPlan and diagnostics."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from chatgw.compiler.approval import compile_approval
from chatgw.compiler.binding import bind_call, templates_in
from chatgw.compiler.diagnostics import Diagnostic, Location, diagnostic
from chatgw.compiler.identity import check_identity
from chatgw.compiler.intents import check_intents
from chatgw.compiler.nlu import check_llm_settings
from chatgw.compiler.paths import check_actions_folder, check_model_folder, setting, spec_files_hint
from chatgw.compiler.plans import (
    HANDOFF,
    ActionPlan,
    AuthPlan,
    CallPlan,
    HandoffPlan,
    IdentityPlan,
    NluPlan,
    ProjectPlan,
    ReplyPlan,
    ServerPlan,
    SlotPlan,
    UpstreamPlan,
)
from chatgw.compiler.references import Scope, TemplateCheck, check_template
from chatgw.compiler.safety import literal_secrets
from chatgw.compiler.slots import build_slot, human_name
from chatgw.compiler.specfindings import spec_findings
from chatgw.config.loader import SECRET_FIELDS, ActionSource, ProjectSources, load_sources
from chatgw.config.models import ActionConfig, NluConfig, ProjectConfig, parse_retention
from chatgw.config.yamlpos import PathKey
from chatgw.errors import CompileError, SpecError
from chatgw.openapi.loader import Spec, load_spec
from chatgw.openapi.model import Operation

_SUCCESS_REPLY_KEYS = {"ok", "2xx"}


@dataclass(frozen=True, slots=True)
class CompileResult:
    plan: ProjectPlan | None  # None when there are errors
    diagnostics: tuple[Diagnostic, ...]
    spec: Spec | None = None
    action_count: int = 0

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "warning")


def compile_project(
    config_path: Path,
    *,
    spec_path: Path | None = None,
    environ: Mapping[str, str] | None = None,
    cache_dir: Path | None = None,
) -> CompileResult:
    """Compile a deployment. Raises ConfigError/SpecError only when it cannot run at all."""
    sources = load_sources(Path(config_path), environ)
    diagnostics = list(sources.diagnostics)
    config = sources.config
    # Actions are still checked when chatgw.yaml has errors, as long as the spec is known.
    openapi = setting(sources, "openapi")
    if openapi is None and spec_path is None:
        return CompileResult(None, _sorted(diagnostics), None, len(sources.actions))
    spec = _load_spec(sources, openapi, spec_path, cache_dir)
    if sources.config_doc is not None:
        diagnostics.extend(literal_secrets(sources.config_doc, SECRET_FIELDS))
    diagnostics.extend(check_actions_folder(sources))
    plans: list[ActionPlan] = []
    for source in sources.actions:
        action_plan, found = compile_action(source, spec)
        diagnostics.extend(found)
        if action_plan is not None:
            plans.append(action_plan)
    diagnostics.extend(check_intents(sources.actions, _operations_called(sources, spec)))
    diagnostics.extend(check_identity(sources, plans))
    idempotent = _idempotent_operations(sources, spec, diagnostics)
    diagnostics.extend(check_model_folder(sources))
    diagnostics.extend(check_llm_settings(sources))
    diagnostics.extend(spec_findings(spec, sources.root))  # last: the actions decide which parts of the spec are read
    diagnostics = _sorted(diagnostics)
    has_errors = any(d.severity == "error" for d in diagnostics)
    plan = None if has_errors or config is None else _project_plan(sources.root, config, tuple(plans), idempotent)
    return CompileResult(plan, tuple(diagnostics), spec, len(sources.actions))


def load_project(config_path: Path, **options: Any) -> ProjectPlan:
    """Compile and return the plan, or raise CompileError carrying the diagnostics."""
    result = compile_project(config_path, **options)
    if result.plan is None:
        raise CompileError(result.diagnostics)
    return result.plan


def compile_action(source: ActionSource, spec: Spec) -> tuple[ActionPlan | None, list[Diagnostic]]:
    """Bind one action file to the spec; the plan is None when the file has errors."""
    model = source.model
    if model is None:
        return None, []
    doc = source.doc
    found: list[Diagnostic] = list(literal_secrets(doc))
    kinds = [key for key in ("call", "steps", "answer") if getattr(model, key) is not None]
    if not kinds and any(path[0] in ("call", "steps", "answer") for path in source.removed if path):
        return None, found  # what it does is already reported as invalid
    if len(kinds) != 1:
        message = "has none of call:, steps: or answer:" if not kinds else f"has both {' and '.join(kinds)}"
        where = doc.at((kinds[1],), key=True) if len(kinds) > 1 else doc.at(())
        found.append(diagnostic("CGW108", f"action '{source.name}' {message}", where, hint="give exactly one of call:, steps: or answer:"))
        return None, found
    raw = doc.data
    calls: list[tuple[PathKey, Mapping[str, Any], str | None, str | None]] = []
    if model.call is not None:
        calls.append((("call",), raw["call"], None, None))
    for index, step in enumerate(model.steps or []):
        calls.append((("steps", index), raw["steps"][index], step.as_, step.when))
    slot_names = frozenset(model.slots)
    checked = TemplateCheck()
    steps: list[CallPlan] = []
    feeds: dict[str, Mapping[str, Any]] = {}
    earlier: dict[str, Operation | None] = {}  # None: a step whose operation is unknown
    last: Operation | None = None  # the operation whose response `response` is
    for base, call_data, name, when in calls:
        reference = str(call_data.get("operation"))
        operation = spec.operation(reference)
        if operation is None:
            close = spec.suggest(reference)
            hint = f"did you mean {', '.join(repr(c) for c in close)}?" if close else "use an operationId or \"METHOD /path\" from the spec"
            found.append(diagnostic("CGW201", f"unknown operation '{reference}'", doc.at((*base, "operation")), hint))
            # Still check the call's templates, so its slots do not look unused and its name
            # does not look undefined to later steps.
            scope = Scope(slots=slot_names, steps=dict(earlier))
            for section in ("path", "query", "headers", "body"):
                for path, template in templates_in(call_data.get(section), (*base, section)):
                    check_template(template, scope, doc, path, checked)
            if when is not None:
                check_template(when, scope, doc, (*base, "when"), checked, expression=True)
            if name is not None:
                earlier[name] = None
            last = None
            continue
        binding = bind_call(operation, call_data, doc, base)
        found.extend(binding.diagnostics)
        for slot, (_, schema) in binding.feeds.items():
            feeds.setdefault(slot, schema)
        scope = Scope(slots=slot_names, steps=dict(earlier))
        for path, template in binding.templates:
            check_template(template, scope, doc, path, checked)
        if when is not None:
            check_template(when, scope, doc, (*base, "when"), checked, expression=True)
        if name is not None:
            if name in earlier:
                found.append(diagnostic("CGW104", f"two steps are named '{name}'", doc.at((*base, "as")), hint="give each step its own as: name"))
            earlier[name] = operation
        last = operation
        steps.append(
            CallPlan(
                operation=operation,
                path=dict(call_data.get("path") or {}),
                query=dict(call_data.get("query") or {}),
                headers=dict(call_data.get("headers") or {}),
                body=call_data.get("body"),
                name=name,
                when=when,
            )
        )
    plain = Scope(slots=slot_names)
    if isinstance(model.confirm, str):
        check_template(model.confirm, plain, doc, ("confirm",), checked)
    if model.answer is not None:
        check_template(model.answer, plain, doc, ("answer",), checked)
    reply = _reply_plan(model, doc, found)
    # A step whose operation is unknown is reported already: it might be the change.
    changes = len(steps) < len(calls) or any(step.operation.changes_state for step in steps)
    approval = compile_approval(model.approval, slot_names, changes, doc, checked, found)
    for key, text in model.reply.items():
        if text == HANDOFF:
            continue
        scope = Scope(
            slots=slot_names,
            steps=dict(earlier),
            response=last,
            response_allowed=True,
            check_response_body=_is_success_key(key),
            warn_optional=True,
        )
        check_template(text, scope, doc, ("reply", key), checked)
    found.extend(checked.diagnostics)
    slots = _slot_plans(model, feeds, doc, found)
    for name in sorted(slot_names - checked.slots_used):
        found.append(
            diagnostic(
                "CGW304",
                f"slot '{name}' is never used in a request or a message",
                doc.at(("slots", name), key=True),
                hint=f"use it as {{{{ slots.{name} }}}} or remove it",
            )
        )
    confirm = _confirm(model, steps, slots, doc, found)
    if any(d.severity == "error" for d in found) or (model.answer is None and not steps):
        return None, found
    plan = ActionPlan(
        name=source.name,
        description=model.description,
        source=doc.file,
        examples=tuple(model.intent.examples),
        keywords=tuple(model.intent.keywords),
        patterns=tuple(model.intent.patterns),
        slots=slots,
        confirm=confirm,
        steps=tuple(steps),
        answer=model.answer,
        reply=reply,
        tags=tuple(model.tags),
        operation_tags=tuple(dict.fromkeys(tag for step in steps for tag in step.operation.tags)),
        questions=model.intent.questions,
        approval=approval,
    )
    return plan, found


def _slot_plans(model: ActionConfig, feeds: Mapping[str, Any], doc: Any, found: list[Diagnostic]) -> tuple[SlotPlan, ...]:
    plans = []
    for name, config in model.slots.items():
        if config.pattern is not None:
            try:
                re.compile(config.pattern)
            except re.error as error:
                found.append(
                    diagnostic(
                        "CGW305",
                        f"slot '{name}' has an invalid pattern: {error}",
                        doc.at(("slots", name, "pattern")),
                        hint="check brackets and escapes; quote the pattern in YAML",
                    )
                )
                continue
        plans.append(build_slot(name, config, feeds.get(name)))
    return tuple(plans)


def _reply_plan(model: ActionConfig, doc: Any, found: list[Diagnostic]) -> ReplyPlan:
    by_status: dict[int, str] = {}
    by_class: dict[str, str] = {}
    ok = default = None
    for key, text in model.reply.items():
        label = str(key).strip().lower()
        if label == "ok":
            ok = text
        elif label == "default":
            default = text
        elif label.isdigit() and 100 <= int(label) <= 599:
            by_status[int(label)] = text
        elif len(label) == 3 and label[0] in "12345" and label[1:] == "xx":
            by_class[label] = text
        else:
            close = difflib.get_close_matches(label, ["ok", "default", "2xx", "4xx", "5xx"], n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'?" if close else "use ok, a status code (404), a class (4xx) or default"
            found.append(diagnostic("CGW306", f"reply key '{key}' is not an outcome", doc.at(("reply", key), key=True), hint))
    return ReplyPlan(by_status=by_status, by_class=by_class, ok=ok, default=default)


def _confirm(
    model: ActionConfig, steps: list[CallPlan], slots: tuple[SlotPlan, ...], doc: Any, found: list[Diagnostic]
) -> str | None:
    changes = any(step.operation.changes_state for step in steps)
    if model.confirm is False:
        if changes:
            methods = sorted({step.operation.method for step in steps if step.operation.changes_state})
            found.append(
                diagnostic(
                    "CGW502",
                    f"this action changes state ({', '.join(methods)}) and runs without asking the customer",
                    doc.at(("confirm",)),
                    hint="remove 'confirm: false' unless the change is harmless and easy to undo",
                )
            )
        return None
    if isinstance(model.confirm, str):
        return model.confirm
    if model.confirm is True or changes:
        details = ", ".join(f"{human_name(s.name)}: {{{{ slots.{s.name} }}}}" for s in slots if s.source != "identity")
        summary = model.description.rstrip(".")
        summary = summary[0].lower() + summary[1:] if summary else "do this"
        return f"I'm about to {summary}" + (f" ({details})" if details else "") + ". Shall I go ahead?"
    return None


def _load_spec(sources: ProjectSources, openapi: str | None, override: Path | None, cache_dir: Path | None) -> Spec:
    path = Path(override) if override is not None else sources.root / str(openapi)
    where = f"{_position(sources, 'openapi')}: openapi: {openapi}" if override is None else str(override)
    if path.is_dir():
        raise SpecError(f"OpenAPI spec {path} is a folder, not a file ({where}); {spec_files_hint(path)}")
    if not path.is_file():
        raise SpecError(f"OpenAPI spec {path} not found ({where}); fix the path in chatgw.yaml")
    return load_spec(path, cache_dir=cache_dir)


def _position(sources: ProjectSources, key: str) -> str:
    """`chatgw.yaml:LINE:COLUMN` of a top-level setting's value (just the file when it was not parsed)."""
    if sources.config_doc is None:
        return sources.config_file
    location = sources.config_doc.at((key,))
    return f"{location.file}:{location.line}:{location.column}"


def _operations_called(sources: ProjectSources, spec: Spec) -> dict[str, frozenset[str]]:
    """Each action's name and the spec operations its call or steps name (the ones that exist)."""
    called: dict[str, frozenset[str]] = {}
    for source in sources.actions:
        model = source.model
        if model is None:
            continue
        references = [call.operation for call in [model.call, *(model.steps or [])] if call is not None]
        found = (spec.operation(reference) for reference in references)
        called[source.name] = frozenset(operation.key for operation in found if operation is not None)
    return called


def _idempotent_operations(sources: ProjectSources, spec: Spec, found: list[Diagnostic]) -> frozenset[str]:
    """`upstream.idempotent_operations` as the operation names requests carry; unknown ones are CGW201."""
    config = sources.config
    if config is None:
        return frozenset()
    names: set[str] = set()
    for index, reference in enumerate(config.upstream.idempotent_operations):
        operation = spec.operation(reference)
        if operation is None:
            close = spec.suggest(reference)
            hint = f"did you mean {', '.join(repr(c) for c in close)}?" if close else "use an operationId or \"METHOD /path\" from the spec"
            where = sources.config_doc.at(("upstream", "idempotent_operations", index)) if sources.config_doc else _nowhere(sources)
            found.append(diagnostic("CGW201", f"unknown operation '{reference}'", where, hint))
            continue
        names.add(operation.operation_id or operation.key)
    return frozenset(names)


def _project_plan(
    root: Path, config: ProjectConfig, actions: tuple[ActionPlan, ...], idempotent: frozenset[str] = frozenset()
) -> ProjectPlan:
    auth = config.upstream.auth
    identity = config.identity
    return ProjectPlan(
        name=config.name,
        root=str(root),
        actions=actions,
        upstream=UpstreamPlan(
            base_url=config.upstream.base_url,
            auth=AuthPlan(type=auth.type, token=auth.token, header=auth.header, username=auth.username, password=auth.password),
            timeout=config.upstream.timeout,
            retries=config.upstream.retries,
            idempotent_operations=idempotent,
        ),
        identity=IdentityPlan(
            mode=identity.mode,
            secret=identity.secret,
            public_key=identity.public_key,
            algorithms=("RS256",) if identity.public_key is not None else ("HS256",),
            audience=identity.audience,
            issuer=identity.issuer,
            subject=identity.subject,
        ),
        handoff=HandoffPlan(inbox=config.handoff.inbox, webhook=config.handoff.webhook or None, webhook_secret=config.handoff.webhook_secret),
        nlu=_nlu_plan(config.nlu, root),
        server=ServerPlan(
            max_message_chars=config.server.max_message_chars,
            max_body_bytes=config.server.max_body_bytes,
            debug=config.server.debug,
            operator_token=config.server.operator_token,
            max_slot_attempts=config.server.max_slot_attempts,
            max_out_of_scope=config.server.max_out_of_scope,
        ),
        store=config.store if isinstance(config.store, str) else config.store.url,
        retention=None if isinstance(config.store, str) or config.store.retention is None else parse_retention(config.store.retention),
        tests=config.tests,
    )


def _nlu_plan(nlu: NluConfig, root: Path) -> NluPlan:
    """The `nlu:` section; a model is a folder for embeddings and a name for llm."""
    folder = nlu.engine == "embeddings" and nlu.model is not None
    return NluPlan(
        engine=nlu.engine,
        threshold=None if nlu.threshold == "auto" else float(nlu.threshold),
        model=str(root / nlu.model) if folder else nlu.model,
        base_url=nlu.base_url,
        api_key=nlu.api_key,
        timeout=nlu.timeout,
        fallback=nlu.fallback,
    )


def _is_success_key(key: Any) -> bool:
    label = str(key).strip().lower()
    return label in _SUCCESS_REPLY_KEYS or (label.isdigit() and label.startswith("2"))


def _nowhere(sources: ProjectSources) -> Location:
    return Location(sources.config_file)


def _sorted(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    unique = list(dict.fromkeys(diagnostics))
    return sorted(unique, key=lambda d: (d.file != "chatgw.yaml", d.file, d.line, d.column, d.code))
