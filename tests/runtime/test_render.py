from __future__ import annotations

import pytest

from chatgw.errors import RenderError
from chatgw.runtime import render_text
from chatgw.runtime.render import is_true, render_tree, render_value

from tests.runtime.builders import context


def test_render_text_fills_slots():
    assert render_text("Project {{ slots.p }} is ready", context(p="proj_1")) == "Project proj_1 is ready"


def test_render_value_lone_expression_keeps_native_type():
    ctx = context(n=2000, flag=True, items=["a", "b"])
    assert render_value("{{ slots.n }}", ctx) == 2000
    assert render_value("{{slots.flag}}", ctx) is True
    assert render_value(" {{ slots.items }} ", ctx) == ["a", "b"]
    assert render_value("{{ slots.n + 1 }}", ctx) == 2001


def test_render_value_mixed_template_is_text():
    assert render_value("n={{ slots.n }}", context(n=5)) == "n=5"
    assert render_value("{{ slots.a }}{{ slots.b }}", context(a=1, b=2)) == "12"


def test_render_value_literals_pass_through():
    assert render_value(42, context()) == 42
    assert render_value(None, context()) is None
    assert render_value("support-chat", context()) == "support-chat"


def test_render_text_customer_template_syntax_is_data():
    ctx = context(note="{{ 7*7 }}", code="{% for x in range(9) %}x{% endfor %}")
    assert render_text("{{ slots.note }}", ctx) == "{{ 7*7 }}"
    assert render_value("{{ slots.note }}", ctx) == "{{ 7*7 }}"
    assert render_value("{{ slots.code }}", ctx) == "{% for x in range(9) %}x{% endfor %}"


def test_render_text_undefined_name_is_render_error():
    with pytest.raises(RenderError, match="not defined"):
        render_text("{{ slots.missing }}", context())
    with pytest.raises(RenderError, match="not defined"):
        render_value("{{ nothing_here }}", context())


def test_render_text_missing_response_field_is_render_error():
    ctx = {**context(), "response": {"status": 200, "body": None, "headers": {}}}
    with pytest.raises(RenderError):
        render_text("key ends in {{ response.body.key_suffix }}", ctx)


def test_render_text_sandbox_refuses_internals():
    with pytest.raises(RenderError, match="sandbox|not defined"):
        render_text("{{ ''.__class__.__mro__ }}", context())
    with pytest.raises(RenderError, match="sandbox"):
        render_text("{{ slots.clear() }}", context(a=1))


def test_render_text_syntax_error_is_render_error():
    with pytest.raises(RenderError, match="syntax"):
        render_text("{% if %}", context())


def test_render_tree_renders_nested_leaves():
    tree = {"amount": "{{ slots.n }}", "meta": {"tags": ["chat", "{{ slots.tag }}"]}}
    assert render_tree(tree, context(n=3, tag="vip")) == {"amount": 3, "meta": {"tags": ["chat", "vip"]}}


def test_is_true_evaluates_when_expressions():
    ctx = context(plan="pro", n=0)
    assert is_true("slots.plan == 'pro'", ctx)
    assert not is_true("slots.n", ctx)
    with pytest.raises(RenderError):
        is_true("slots.unknown", ctx)


def test_render_value_native_results_are_plain_data():
    assert render_value("{{ range(3) }}", context()) == [0, 1, 2]
    assert render_value("{{ (1, 2) }}", context()) == [1, 2]


def test_render_text_prints_an_empty_slot_as_nothing():
    assert render_text("Hi {{ slots.name }}!", context(name=None)) == "Hi !"


@pytest.mark.parametrize(
    "template",
    [
        "{{ 9 ** (9 ** 9) }}",  # hours of CPU before: Jinja's sandbox does not bound arithmetic
        "{{ 2 ** 100000 }}",
        "{{ 'a' * 10**10 }}",  # 10 GB
        "{{ 10**10 * [1] }}",
        "{{ slots.a * 1000000000 }}",  # the customer's text, repeated
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
        "{{ range(10**9) | list }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ lipsum.__globals__ }}",
        "{{ joiner.__init__ }}",
        "{{ namespace.__init__.__globals__ }}",
        "{{ self.__init__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    ],
)
def test_render_text_refuses_what_is_too_large_or_reaches_internals(template):
    with pytest.raises(RenderError):
        render_text(template, context(a="proj_8f2k1"))
    with pytest.raises(RenderError):
        render_value(template, context(a="proj_8f2k1"))


def test_render_text_arithmetic_of_everyday_size_works():
    assert render_text("{{ 2 ** 10 }} {{ '-' * 20 }} {{ 1.5 ** 2 }} {{ 3 * 4 }}", context()) == f"1024 {'-' * 20} 2.25 12"
    assert render_value("{{ [0] * 3 }}", context()) == [0, 0, 0]
