"""Action sets compiled against two real specs: Intercom 2.11 (large, JSON bodies, $ref/allOf/
oneOf everywhere) and Twilio Accounts v1 (form-encoded bodies, patterned SIDs).

Each spec gets a clean set, which must compile without errors (the only warnings are CGW505,
ids typed by the customer in calls that carry no identity), and a set of planted
mistakes, one per check, each expected at its exact place (fixtures/<spec>/planted/expected.yaml).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
import yaml

from chatgw.compiler import CompileResult, compile_project
from chatgw.compiler.plans import ProjectPlan
from chatgw.config.loader import load_sources
from chatgw.config.secrets import SecretRef

FIXTURES = Path(__file__).parent / "fixtures"
SPECS = Path(__file__).resolve().parents[2].parent / "shared" / "specs"
ENVIRON = {"TWILIO_ACCOUNT_SID": "AC" + "0" * 32}
SETS = ["intercom/clean", "intercom/planted", "twilio/clean", "twilio/planted"]
SPEC_OF = {"intercom": SPECS / "intercom-2.11.yaml", "twilio": SPECS / "twilio_accounts_v1.json"}

Compiled = Callable[[str], CompileResult]


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Compiled:
    """Compile each fixture set once per module (the Intercom spec is large)."""
    cache_dir = tmp_path_factory.mktemp("spec-cache")
    done: dict[str, CompileResult] = {}

    def compile_set(name: str) -> CompileResult:
        if name not in done:
            done[name] = compile_project(FIXTURES / name / "chatgw.yaml", environ=ENVIRON, cache_dir=cache_dir)
        return done[name]

    return compile_set


def _planted(spec: str) -> list[tuple[str, int, int, str]]:
    rows = yaml.safe_load((FIXTURES / spec / "planted" / "expected.yaml").read_text(encoding="utf-8"))
    return [(str(file), int(line), int(column), str(code)) for file, line, column, code in rows]


PLANTED = [(spec, row) for spec in ("intercom", "twilio") for row in _planted(spec)]


def _found(result: CompileResult) -> list[tuple[str, int, int, str]]:
    return [(d.file, d.line, d.column, d.code) for d in result.diagnostics]


@pytest.mark.parametrize("name", SETS)
def test_real_spec_fixture_reads_the_shared_spec(name: str) -> None:
    sources = load_sources(FIXTURES / name / "chatgw.yaml", ENVIRON)
    openapi = sources.config.openapi if sources.config else sources.config_doc.data["openapi"]  # type: ignore[union-attr]

    assert (FIXTURES / name / openapi).resolve() == SPEC_OF[name.split("/")[0]].resolve()


# Intercom 2.11's own dangling `$ref` (to custom_attributes), met by the schemas the actions read.
INTERCOM_SPEC = "../../../../../../shared/specs/intercom-2.11.yaml"

# The clean Intercom set calls Intercom with the workspace's token and sends no claim with
# these calls, so a customer typing another customer's ticket or conversation number reaches it.
CLEAN_WARNINGS = {
    "intercom/clean": [
        (INTERCOM_SPEC, 13921, 11, "CGW208"),
        ("actions/close_ticket.yaml", 13, 21, "CGW505"),
        ("actions/reply_to_conversation.yaml", 18, 29, "CGW505"),
        ("actions/tag_conversation.yaml", 18, 27, "CGW505"),
    ],
    "twilio/clean": [],
}


@pytest.mark.parametrize("name", ["intercom/clean", "twilio/clean"])
def test_real_spec_clean_set_compiles_with_only_the_identity_warnings(name: str, compiled: Compiled) -> None:
    result = compiled(name)

    assert [d.one_line() for d in result.errors] == []
    assert _found(result) == CLEAN_WARNINGS[name]
    assert result.plan is not None
    assert result.action_count == len(result.plan.actions) == 6


@pytest.mark.parametrize(("spec", "row"), PLANTED, ids=[f"{spec}:{row[0]}:{row[1]}:{row[3]}" for spec, row in PLANTED])
def test_real_spec_planted_mistake_is_reported_at_its_place(
    spec: str, row: tuple[str, int, int, str], compiled: Compiled
) -> None:
    assert row in _found(compiled(f"{spec}/planted"))


@pytest.mark.parametrize("spec", ["intercom", "twilio"])
def test_real_spec_planted_set_reports_nothing_but_the_planted_mistakes(spec: str, compiled: Compiled) -> None:
    result = compiled(f"{spec}/planted")

    assert sorted(_found(result)) == sorted(_planted(spec))
    assert result.plan is None


@pytest.mark.parametrize(
    ("spec", "file", "line", "code", "words"),
    [
        ("intercom", "chatgw.yaml", 6, "CGW102", "INTERCOM_API_URL"),
        ("intercom", "chatgw.yaml", 9, "CGW103", "did you mean 'retries'?"),
        ("intercom", "actions/check_sla.yaml", 9, "CGW103", "did you mean 'tags'?"),
        ("intercom", "actions/open_ticket.yaml", 12, "CGW201", "did you mean 'createTicket'"),
        ("intercom", "actions/show_ticket.yaml", 15, "CGW202", "did you mean 'ticket_id'?"),
        ("intercom", "actions/show_ticket.yaml", 18, "CGW202", "did you mean 'Intercom-Version'?"),
        ("intercom", "actions/add_note.yaml", 18, "CGW303", "did you mean 'name'?"),
        ("intercom", "actions/start_conversation.yaml", 23, "CGW303", "did you mean 'conversation_id'?"),
        ("intercom", "actions/reply_to_conversation.yaml", 16, "CGW302", "did you mean 'slots.message'?"),
        ("intercom", "actions/close_ticket.yaml", 17, "CGW206", "use one of: 'in_progress', 'waiting_on_customer', 'resolved'"),
        ("intercom", "actions/list_conversations.yaml", 10, "CGW206", "at most 150"),
        ("twilio", "actions/rename_aws_credential.yaml", 16, "CGW205", "did you mean 'FriendlyName'?"),
        ("twilio", "actions/rename_aws_credential.yaml", 14, "CGW206", "must match ^CR[0-9a-fA-F]{32}$"),
        ("twilio", "actions/promote_auth_token.yaml", 12, "CGW303", "did you mean 'date_updated'?"),
        ("twilio", "actions/add_aws_credential.yaml", 14, "CGW204", "'Credentials'"),
    ],
)
def test_real_spec_planted_mistake_says_what_to_do(
    spec: str, file: str, line: int, code: str, words: str, compiled: Compiled
) -> None:
    there = [d for d in compiled(f"{spec}/planted").diagnostics if (d.file, d.line, d.code) == (file, line, code)]

    assert any(words in f"{d.message} | {d.hint}" for d in there), [d.hint for d in there]


@pytest.mark.parametrize("spec", ["intercom", "twilio"])
def test_real_spec_planted_warnings_are_warnings_and_the_rest_errors(spec: str, compiled: Compiled) -> None:
    result = compiled(f"{spec}/planted")

    assert {d.code for d in result.warnings} == ({"CGW208", "CGW401", "CGW402", "CGW502"} if spec == "intercom" else set())
    assert {d.severity for d in result.errors} == {"error"}


def _plan(compiled: Compiled, name: str) -> ProjectPlan:
    plan = compiled(name).plan
    assert plan is not None
    return plan


def test_real_spec_intercom_plan_binds_operations_and_steps(compiled: Compiled) -> None:
    plan = _plan(compiled, "intercom/clean")

    conversation = plan.action("reply_to_conversation")
    assert conversation is not None
    assert [(step.name, step.operation.operation_id) for step in conversation.steps] == [
        ("conversation", "retrieveConversation"),
        ("posted", "replyConversation"),
    ]
    assert conversation.steps[1].when == "steps.conversation.body.open"
    ticket = plan.action("open_ticket")
    assert ticket is not None and ticket.steps[0].operation.request_body is not None
    assert ticket.steps[0].operation.request_body.media_type == "application/json"
    assert ticket.confirm is not None and "{{ slots.title }}" in ticket.confirm
    contact = plan.action("show_contact")
    assert contact is not None and contact.confirm is None and not contact.changes_state


def test_real_spec_intercom_slot_keeps_its_own_enum(compiled: Compiled) -> None:
    tag = _plan(compiled, "intercom/clean").action("tag_conversation")

    assert tag is not None
    slot = tag.slot("tag_id")
    assert slot is not None
    assert slot.enum == ("7522907", "7522908")
    assert slot.synonyms["7522907"] == ("urgent", "asap", "important")


def test_real_spec_twilio_slot_takes_the_sid_pattern_of_the_path_parameter(compiled: Compiled) -> None:
    rename = _plan(compiled, "twilio/clean").action("rename_aws_credential")

    assert rename is not None
    sid = rename.slot("credential_sid")
    assert sid is not None
    assert (sid.type, sid.pattern, sid.min_length, sid.max_length) == ("string", "^CR[0-9a-fA-F]{32}$", 34, 34)
    name = rename.slot("friendly_name")
    assert name is not None and name.max_length == 64


def test_real_spec_twilio_form_bodies_and_basic_auth(compiled: Compiled) -> None:
    plan = _plan(compiled, "twilio/clean")

    add = plan.action("add_safe_number")
    assert add is not None and add.steps[0].operation.request_body is not None
    assert add.steps[0].operation.request_body.media_type == "application/x-www-form-urlencoded"
    assert add.steps[0].body == {"PhoneNumber": "{{ slots.phone_number }}"}
    assert plan.upstream.auth.type == "basic"
    assert plan.upstream.auth.username == ENVIRON["TWILIO_ACCOUNT_SID"]
    assert plan.upstream.auth.password == SecretRef("TWILIO_AUTH_TOKEN")
