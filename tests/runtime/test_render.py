from __future__ import annotations

import pytest

from chatgw.errors import RenderError
from chatgw.runtime import render_text
from chatgw.runtime._lookups import pieces_of
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


# -- templates that only look values up skip Jinja (runtime/_lookups.py): same results ------

_LOOKUP_CONTEXT = {
    "slots": {"project_id": "proj_8f2k1", "credits": 12.5, "count": 3, "empty": None, "flag": True,
              "items": ["a", 1], "nested": {"x": {"y": "deep"}}, "keys": "k"},
    "response": {"status": 200, "body": {"requests": 1234, "items": [1, 2], "note": "50% {{ not a template }}"}},
    "identity": {},
}


def _by_jinja(template: str, context) -> str:
    from chatgw.runtime import render

    return render._bounded(render._template(template), context)


@pytest.mark.parametrize("template", [
    "Project {{ slots.project_id }} made {{ response.body.requests }} requests this month.",
    "{{ slots.credits }} / {{slots.count}} / [{{ slots.empty }}] / {{ slots.flag }} / {{ slots.items }}",
    "{{ slots.nested }} {{ slots.nested.x.y }} {{ response.body.note }}",
    "{{ slots.keys }} {{ response.body.items }}",  # a key named like a dict method: the key wins
    "no outputs at all, 100% text",
    "  {{   slots.project_id   }}  ",
    "line one\nline two {{ slots.count }}",
])
def test_a_lookup_only_template_renders_as_jinja_does(template: str) -> None:
    assert pieces_of(template) is not None
    assert render_text(template, _LOOKUP_CONTEXT) == _by_jinja(template, _LOOKUP_CONTEXT)


@pytest.mark.parametrize("template", [
    "{{ slots.project_id | upper }}", "{{ slots.count + 1 }}", "{% if slots.flag %}yes{% endif %}",
    "{{- slots.count -}}", "{{ true }}", "{{ none }}", "{# note #}{{ slots.count }}", "ends in a newline {{ slots.count }}\n",
    "carriage\r\nreturn {{ slots.count }}", "{{ slots.items.0 }}",
])
def test_anything_but_a_lookup_is_left_to_jinja(template: str) -> None:
    assert pieces_of(template) is None
    assert render_text(template, _LOOKUP_CONTEXT) == _by_jinja(template, _LOOKUP_CONTEXT)


def test_a_lookup_that_misses_gets_jinja_and_its_error():
    with pytest.raises(RenderError, match="no field 'missing'"):
        render_text("Project {{ slots.missing }}", _LOOKUP_CONTEXT)
    with pytest.raises(RenderError, match="'nobody' is undefined"):
        render_value("{{ nobody.x }}", _LOOKUP_CONTEXT)
    # a string on the way is not a mapping: Jinja's attribute rules decide (here: undefined)
    with pytest.raises(RenderError):
        render_value("{{ slots.project_id.nope }}", _LOOKUP_CONTEXT)


def test_a_lone_lookup_keeps_the_native_value_and_plain_data():
    assert render_value("{{ slots.count }}", _LOOKUP_CONTEXT) == 3
    assert render_value("{{ slots.empty }}", _LOOKUP_CONTEXT) is None
    assert render_value("{{ slots.nested }}", _LOOKUP_CONTEXT) == {"x": {"y": "deep"}}
    assert render_value("{{ response.body.items }}", {"response": {"body": {"items": (1, 2)}}}) == [1, 2]


def test_a_lookup_only_template_is_still_bounded():
    huge = {"slots": {"text": "x" * 60_000}}
    with pytest.raises(RenderError, match="longer than"):
        render_text("{{ slots.text }}{{ slots.text }}", huge)
