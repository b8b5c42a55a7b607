"""Safety checks that tie actions to the verified identity (CGW503, CGW504, CGW505).

The gateway calls the API with its own credential, so the API cannot tell which customer is
asking unless a call carries something from the identity token. These checks find calls that
name a customer's record with a value the customer typed, and nothing the API could check
it against.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from chatgw.compiler.binding import templates_in
from chatgw.compiler.diagnostics import Diagnostic, diagnostic
from chatgw.compiler.plans import ActionPlan, SlotPlan
from chatgw.compiler.slots import slot_source
from chatgw.compiler.templates import analyse
from chatgw.config.loader import ActionSource, ProjectSources
from chatgw.config.yamlpos import PathKey

_SECTIONS = {"path": "path parameter", "query": "query parameter", "headers": "header", "body": "body field"}
# Words that name whoever owns data: a value naming one of these is an account.
_OWNER_WORDS = frozenset(
    {"account", "customer", "user", "username", "tenant", "org", "organization", "organisation", "project", "workspace"}
)
# Ids of shared reference data, the same for every customer: naming one is not acting on an account.
_REFERENCE_WORDS = frozenset(
    {"plan", "product", "price", "sku", "tag", "label", "type", "category", "country", "currency",
     "language", "locale", "region", "timezone", "template", "version", "article"}
)


def check_identity(sources: ProjectSources, plans: list[ActionPlan]) -> list[Diagnostic]:
    """Every identity finding of a project: CGW503, CGW504 and CGW505."""
    return [*identity_from_message(sources, plans), *unused_identity(sources), *ids_without_identity(sources, plans)]


def identity_from_message(sources: ProjectSources, plans: list[ActionPlan]) -> list[Diagnostic]:
    """A slot filled from the message whose name is an identity claim used elsewhere (CGW503)."""
    claims = _claims(plans)
    by_name = {source.name: source for source in sources.actions}
    return [
        diagnostic(
            "CGW503",
            f"slot '{slot.name}' is taken from the message, but other actions take it from identity.{slot.name}",
            by_name[plan.name].doc.at(("slots", slot.name), key=True),
            hint=f"use from: identity.{slot.name} so a customer can only act on their own account",
        )
        for plan in plans
        for slot in plan.slots
        if slot.source == "message" and slot.name in claims
    ]


def unused_identity(sources: ProjectSources) -> list[Diagnostic]:
    """`identity` is configured, actions call the API, and none of them sends a claim (CGW504)."""
    config, doc = sources.config, sources.config_doc
    if config is None or doc is None or config.identity.mode != "jwt":
        return []
    calling = [source for source in sources.actions if source.model is not None and _calls(source)]
    if not calling or any(_uses_identity(source) for source in calling):
        return []
    subject = config.identity.subject
    return [
        diagnostic(
            "CGW504",
            "identity is configured, but no action sends a claim to the API: it cannot tell which customer is asking",
            doc.at(("identity",), key=True),
            hint=f"in actions on the customer's data, take their id from the token (from: identity.{subject}) "
            "and send it with the call; without that, identity only guards the transcripts",
        )
    ]


def ids_without_identity(sources: ProjectSources, plans: list[ActionPlan]) -> list[Diagnostic]:
    """An account-like value typed by the customer, in a call that sends nothing from the identity (CGW505)."""
    subject = _subject_claim(sources)
    claims = _claims(plans)
    by_name = {source.name: source for source in sources.actions}
    found = []
    for plan in plans:
        doc = by_name[plan.name].doc
        slots = {slot.name: slot for slot in plan.slots}
        # A slot CGW503 reports was meant to be a claim; fixing it ties the call, so it counts as one.
        tied = {name for name, slot in slots.items() if slot.source == "identity" or name in claims}
        for base, call in _calls_of(by_name[plan.name]):
            uses = list(_slot_uses(call, base))
            if any(use.slot is None or use.slot in tied for use in uses):
                continue
            for use in uses:
                slot = slots.get(use.slot or "")
                if slot is None or not _typed_account(slot, use.field):
                    continue
                found.append(
                    diagnostic(
                        "CGW505",
                        f"{use.label} comes from the message (slot '{slot.name}') and " + _exposure(subject, _noun(use.field)),
                        doc.at(use.path),
                        hint=_unbound_hint(subject, _noun(use.field)),
                    )
                )
    return found


def account_like(name: str) -> bool:
    """A parameter or field name that names an account or a customer's record.

    `account`, `customer`, `user`, `tenant`, `org`, `project`, `workspace` anywhere in it, or
    an id (`order_id`, `ticketId`, `id`) that is not one of shared reference data (`plan_id`,
    `country_id`, ...).
    """
    words = _words(name)
    if any(word in _OWNER_WORDS or word.removesuffix("s") in _OWNER_WORDS for word in words):
        return True
    if not words or words[-1] not in ("id", "ids"):
        return False
    return len(words) == 1 or words[-2].removesuffix("s") not in _REFERENCE_WORDS


def _typed_account(slot: SlotPlan, field: str) -> bool:
    """The customer types this slot freely, and it or the field it fills names an account."""
    if slot.source != "message" or slot.enum is not None:  # a closed list the operator wrote is no account
        return False
    return account_like(field) or account_like(slot.name)


def _exposure(subject: str | None, noun: str) -> str:
    if subject is None:
        return f"chatgw.yaml has no identity: anyone chatting could name any {noun}"
    return f"this call sends nothing from the identity: a customer could name another customer's {noun}"


def _unbound_hint(subject: str | None, noun: str) -> str:
    if subject is None:
        return (
            "configure identity (mode: jwt) so the host product vouches for the customer, then send a claim "
            f"with this call (a slot from: identity.<claim>) so the API can check the {noun} is theirs"
        )
    return (
        f"take it from the token (from: identity.<claim>), or send a claim with this call, e.g. a slot "
        f"from: identity.{subject} in a header, so the API can check the {noun} is theirs"
    )


def _noun(field: str) -> str:
    """`X-Customer-Id` -> `customer id`: the field as words, without the `x-` of a custom header."""
    words = _words(field)
    return " ".join(words[1:] if len(words) > 1 and words[0] == "x" else words)


def _calls_of(source: ActionSource) -> Iterator[tuple[PathKey, Any]]:
    """(path, raw call) of each call of an action file: its `call:` or each of its `steps:`."""
    data = source.doc.data if isinstance(source.doc.data, dict) else {}
    if isinstance(data.get("call"), dict):
        yield ("call",), data["call"]
    for index, step in enumerate(data.get("steps") or []):
        if isinstance(step, dict):
            yield ("steps", index), step


def _calls(source: ActionSource) -> bool:
    return next(_calls_of(source), None) is not None


def _uses_identity(source: ActionSource) -> bool:
    """A slot from identity.*, or a call template reading identity.* directly."""
    assert source.model is not None
    if any(slot_source(slot.from_)[0] == "identity" for slot in source.model.slots.values()):
        return True
    return any(use.slot is None for base, call in _calls_of(source) for use in _slot_uses(call, base))


@dataclass(frozen=True, slots=True)
class _Use:
    """A request value that reads a slot (or, `slot` None, the identity itself)."""

    path: PathKey
    section: str  # path | query | headers | body
    slot: str | None
    label: str  # "path parameter 'order_id'", "body field 'contacts.id'"
    field: str  # the name to judge: the key, or `<parent>_id` for a nested `id`


def _slot_uses(call: Any, base: PathKey) -> Iterator[_Use]:
    """Each slot, and each identity.* read, in the request of one call."""
    for section in _SECTIONS:
        for path, template in templates_in(call.get(section), (*base, section)):
            keys = [part for part in path[len(base) + 1 :] if isinstance(part, str)]
            label = f"{_SECTIONS[section]} '{'.'.join(keys)}'" if keys else "the body"
            field = keys[-1] if keys else section
            if len(keys) > 1 and field.lower() in ("id", "ids"):
                field = f"{keys[-2]}_{field}"
            for reference in analyse(template).references:
                parts = reference.parts
                if parts[0] == "identity":
                    yield _Use(path, section, None, label, field)
                elif parts[0] == "slots" and len(parts) > 1:
                    yield _Use(path, section, parts[1], label, field)


def _words(name: str) -> list[str]:
    """`X-Customer-Id` -> ["x", "customer", "id"]; `ticketId` -> ["ticket", "id"]."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return [word for word in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if word]


def _claims(plans: list[ActionPlan]) -> set[str | None]:
    return {slot.claim for plan in plans for slot in plan.slots if slot.source == "identity"}


def _subject_claim(sources: ProjectSources) -> str | None:
    """The claim naming the customer when identity is on (from the raw file if it has other errors), else None."""
    if sources.config is not None:
        return sources.config.identity.subject if sources.config.identity.mode == "jwt" else None
    data = sources.config_doc.data if sources.config_doc is not None else None
    identity = data.get("identity") if isinstance(data, dict) else None
    if isinstance(identity, dict) and identity.get("mode") == "jwt":
        return str(identity.get("subject") or "sub")
    return None
