"""`approval:` of an action: compiled into an ApprovalPlan, its templates checked like any other.

`when:` is one Jinja expression over slots and identity, written bare (`slots.amount > 50`) or
in braces (`"{{ slots.amount > 50 }}"`, as in replies); the plan keeps the bare expression.
Nothing has been sent when it is decided, so it cannot read `steps` or `response`.
"""

from __future__ import annotations

import re
from typing import Any

from chatgw.compiler.diagnostics import Diagnostic, diagnostic
from chatgw.compiler.plans import ApprovalPlan
from chatgw.compiler.references import Scope, TemplateCheck, check_template
from chatgw.config.models import ApprovalConfig
from chatgw.config.yamlpos import SourceDoc

_BRACED = re.compile(r"^\s*\{\{-?(?P<inner>.*?)-?\}\}\s*$", re.S)


def compile_approval(
    approval: Any, slots: frozenset[str], changes_state: bool, doc: SourceDoc, checked: TemplateCheck,
    found: list[Diagnostic],
) -> ApprovalPlan | None:
    """The plan of an action's `approval:` (None when it has none); findings go to `checked` and `found`."""
    if approval is None:
        return None
    if not changes_state:
        found.append(
            diagnostic(
                "CGW506",
                "approval: on an action that changes nothing upstream (it only reads); a teammate would approve a read",
                doc.at(("approval",), key=True),
                hint="remove approval:, or put it on the action that makes the change",
            )
        )
    if approval == "always":
        return ApprovalPlan()
    assert isinstance(approval, ApprovalConfig)
    scope = Scope(slots=slots)
    when = None
    if approval.when is not None:
        when = bare_expression(approval.when)
        check_template(when, scope, doc, ("approval", "when"), checked, expression=True)
    if approval.reason is not None:
        check_template(approval.reason, scope, doc, ("approval", "reason"), checked)
    return ApprovalPlan(when=when, reason=approval.reason)


def bare_expression(source: str) -> str:
    """`{{ expr }}` -> `expr`; a bare expression as it is."""
    match = _BRACED.match(source)
    if match is None or "{{" in match["inner"] or "}}" in match["inner"]:
        return source.strip()
    return match["inner"].strip()
