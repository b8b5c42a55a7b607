"""compile_project as a whole: plans, what blocks them, ordering, and the repo's own example."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from chatgw.compiler import compile_project, load_project
from chatgw.compiler.plans import HANDOFF
from chatgw.errors import CompileError, ConfigError, SpecError
from tests import projects
from tests.compiler.rulecases import CompileFiles
from tests.projects import HOURS, SHOP_CONFIG, SHOP_SPEC, write_files

REPO = Path(__file__).resolve().parents[2]

# The shop's cancel action, with a reply for each outcome.
CANCEL = projects.CANCEL + """\
  404: I couldn't find order {{ slots.order_id }}.
  4xx: That didn't work.
  default: handoff
"""


def test_compile_repo_example_has_no_diagnostics(tmp_path: Path) -> None:
    result = compile_project(REPO / "chatgw.yaml", environ={}, cache_dir=tmp_path)

    assert [d.one_line() for d in result.diagnostics] == []
    assert result.plan is not None
    assert result.action_count == len(result.plan.actions) == len([*(REPO / "actions").rglob("*.yaml"), *(REPO / "actions").rglob("*.yml")])


def test_compile_state_change_without_confirm_gets_a_generated_confirmation(compile_files: CompileFiles) -> None:
    result = compile_files({"actions/cancel_order.yaml": CANCEL})

    assert result.plan is not None
    action = result.plan.action("cancel_order")
    assert action is not None
    assert action.confirm == "I'm about to cancel one of the customer's orders (order id: {{ slots.order_id }}). Shall I go ahead?"


def test_compile_explicit_confirm_text_is_kept_and_reads_need_none(compile_files: CompileFiles) -> None:
    result = compile_files(
        {
            "actions/cancel_order.yaml": CANCEL.replace("call:", "confirm: Cancel {{ slots.order_id }}?\ncall:", 1),
            "actions/hours.yaml": HOURS,
        }
    )

    assert result.plan is not None
    assert result.plan.action("cancel_order").confirm == "Cancel {{ slots.order_id }}?"  # type: ignore[union-attr]
    assert result.plan.action("hours").confirm is None  # type: ignore[union-attr]


def test_compile_reply_plan_selects_by_status_class_and_default(compile_files: CompileFiles) -> None:
    result = compile_files({"actions/cancel_order.yaml": CANCEL})

    assert result.plan is not None
    reply = result.plan.action("cancel_order").reply  # type: ignore[union-attr]
    assert reply.select(204) == "Order {{ slots.order_id }} is cancelled."
    assert reply.select(404) == "I couldn't find order {{ slots.order_id }}."
    assert reply.select(409) == "That didn't work."
    assert reply.select(503) == HANDOFF


def test_compile_plan_is_frozen(compile_files: CompileFiles) -> None:
    result = compile_files({"actions/cancel_order.yaml": CANCEL})

    assert result.plan is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.plan.name = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.plan.actions[0].slots[0].type = "integer"  # type: ignore[misc]


def test_compile_warnings_alone_still_give_a_plan(compile_files: CompileFiles) -> None:
    result = compile_files({"actions/cancel_order.yaml": CANCEL.replace("call:", "confirm: false\ncall:", 1)})

    assert [d.code for d in result.diagnostics] == ["CGW502"]
    assert result.errors == ()
    assert result.plan is not None


def test_compile_an_error_gives_no_plan_but_every_file_is_checked(compile_files: CompileFiles) -> None:
    result = compile_files(
        {
            "actions/cancel_order.yaml": CANCEL.replace("cancelOrder", "cancelOrdr"),
            "actions/hours.yaml": HOURS.replace("answer: We ship", "answer: We {{ ship"),
        }
    )

    assert result.plan is None
    assert [(d.file, d.code) for d in result.diagnostics] == [
        ("actions/cancel_order.yaml", "CGW201"),
        ("actions/hours.yaml", "CGW301"),
    ]


def test_compile_config_errors_do_not_hide_action_errors(compile_files: CompileFiles) -> None:
    config = SHOP_CONFIG.replace("  base_url:", "  retrys: 2\n  base_url:")

    result = compile_files({"chatgw.yaml": config, "actions/cancel_order.yaml": CANCEL.replace("cancelOrder", "cancelOrdr")})

    assert [(d.file, d.code) for d in result.diagnostics] == [("chatgw.yaml", "CGW103"), ("actions/cancel_order.yaml", "CGW201")]
    assert result.plan is None


def test_compile_diagnostics_are_sorted_config_first_then_file_line_column(compile_files: CompileFiles) -> None:
    result = compile_files(
        {
            "chatgw.yaml": SHOP_CONFIG.replace("http://127.0.0.1:9", "${SHOP_URL}"),
            "actions/b.yaml": CANCEL.replace("  ok: Order {{ slots.order_id }}", "  ok: Order {{ slots.ordr }}").replace(
                "cancelOrder", "cancelOrdr"
            ),
            "actions/a.yaml": HOURS.replace("answer: We ship", "answer: We {{ ship"),
        }
    )

    assert [(d.file, d.line, d.code) for d in result.diagnostics] == [
        ("chatgw.yaml", 5, "CGW102"),
        ("actions/a.yaml", 4, "CGW301"),
        ("actions/b.yaml", 8, "CGW201"),
        ("actions/b.yaml", 12, "CGW302"),
    ]


def test_compile_missing_config_raises_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file .*chatgw.yaml not found"):
        compile_project(tmp_path / "chatgw.yaml")


def test_compile_missing_spec_raises_spec_error_naming_the_setting(tmp_path: Path) -> None:
    (tmp_path / "chatgw.yaml").write_text(SHOP_CONFIG.replace("shop.openapi.yaml", "missing.yaml"), encoding="utf-8")

    with pytest.raises(SpecError, match="missing.yaml not found.*openapi: missing.yaml") as raised:
        compile_project(tmp_path / "chatgw.yaml", environ={})

    assert "\n" not in str(raised.value)


def test_compile_missing_spec_points_at_the_setting(tmp_path: Path) -> None:
    (tmp_path / "chatgw.yaml").write_text(SHOP_CONFIG.replace("shop.openapi.yaml", "missing.yaml"), encoding="utf-8")

    with pytest.raises(SpecError, match=r"\(chatgw.yaml:3:10: openapi: missing.yaml\)"):
        compile_project(tmp_path / "chatgw.yaml", environ={})


def test_compile_spec_path_option_overrides_the_config(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {"chatgw.yaml": SHOP_CONFIG.replace("shop.openapi.yaml", "missing.yaml"), "actions/cancel_order.yaml": CANCEL},
    )

    result = compile_project(tmp_path / "chatgw.yaml", spec_path=SHOP_SPEC, environ={}, cache_dir=tmp_path / "cache")

    assert result.diagnostics == ()
    assert result.spec is not None


def test_load_project_raises_compile_error_carrying_the_diagnostics(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "chatgw.yaml": SHOP_CONFIG.replace("shop.openapi.yaml", "spec.yaml"),
            "spec.yaml": SHOP_SPEC.read_text(encoding="utf-8"),
            "actions/cancel_order.yaml": CANCEL.replace("cancelOrder", "cancelOrdr"),
        },
    )

    with pytest.raises(CompileError) as raised:
        load_project(tmp_path / "chatgw.yaml", environ={}, cache_dir=tmp_path / "cache")

    assert [d.code for d in raised.value.diagnostics] == ["CGW201"]
    assert "actions/cancel_order.yaml:8:14: error CGW201" in str(raised.value)


# One deployment with a mistake of each kind, the first a key typo that used to hide the rest:
# the strict model failed, so the file was not compiled at all and "Found 1 error(s)" was all.
MANY_MISTAKES = {
    "chatgw.yaml": SHOP_CONFIG.replace("  base_url: http://127.0.0.1:9\n", "  base_url: http://127.0.0.1:9\n  retrys: 1\n"),
    "actions/refund.yaml": """\
description: Refund one of the customer's orders
intent:
  examples: [refund my order, I want my money back, my parcel arrived broken]
slots:
  order_id: {promt: Which order?}
  customer_id: {from: identity.customer_id}
  note: {prompt: Anything to add?}
call:
  operation: refundOrder
  path: {order: "{{ slots.order_id }}"}
  headers: {X-Customer-Id: "{{ slots.customer_id }}"}
  body: {amount: 5000, reason: late}
reply:
  ok: Refund {{ response.body.id | cents }} is {{ response.body.stauts }}.
""",
    "actions/cancel_order.yaml": projects.CANCEL.replace("call:", "confirm: false\ncall:", 1).replace("ok: Order", "ok: Ordre {{ slots.ordr_id }}"),
}


def test_compile_reports_every_finding_of_a_multi_error_deployment_in_one_run(compile_files: CompileFiles) -> None:
    result = compile_files(MANY_MISTAKES)

    assert [(d.file, d.line, d.column, d.code) for d in result.diagnostics] == [
        ("chatgw.yaml", 6, 3, "CGW103"),  # retrys
        ("actions/cancel_order.yaml", 7, 10, "CGW502"),  # confirm: false on a DELETE
        ("actions/cancel_order.yaml", 13, 16, "CGW302"),  # slots.ordr_id
        ("actions/refund.yaml", 5, 14, "CGW103"),  # promt: the typo that used to hide the rest
        ("actions/refund.yaml", 7, 3, "CGW304"),  # slot note is never used
        ("actions/refund.yaml", 10, 10, "CGW202"),  # path order, for order_id (not also CGW203)
        ("actions/refund.yaml", 12, 18, "CGW206"),  # amount above the maximum
        ("actions/refund.yaml", 14, 36, "CGW307"),  # no filter named cents
        ("actions/refund.yaml", 14, 51, "CGW303"),  # stauts
    ]
    assert result.plan is None
    hints = {d.code: d.hint for d in result.diagnostics if d.file == "actions/refund.yaml"}
    assert hints["CGW103"] == "did you mean 'prompt'?"
    assert hints["CGW202"] == "did you mean 'order_id'?"
    assert hints["CGW303"] == "did you mean 'status'?"


def test_compile_an_action_whose_call_is_invalid_is_not_also_reported_as_doing_nothing(compile_files: CompileFiles) -> None:
    action = HOURS.replace("answer: We ship Monday to Friday.", "call: getOrder")

    result = compile_files({"actions/hours.yaml": action})

    assert [(d.line, d.column, d.code) for d in result.diagnostics] == [(4, 7, "CGW104")]  # not also CGW108
