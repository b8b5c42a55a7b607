from __future__ import annotations

import pytest

from chatgw.errors import RenderError
from chatgw.runtime.encode import expand_path, flatten, header_value, query_pairs

from tests.runtime.builders import query_param


def test_expand_path_encodes_each_value_as_one_segment():
    assert expand_path("/p/{id}/keys", {"id": "../../admin"}, {}) == "/p/..%2F..%2Fadmin/keys"
    assert expand_path("/p/{id}", {"id": "a/b?c#d"}, {}) == "/p/a%2Fb%3Fc%23d"


@pytest.mark.parametrize("value", ["", ".", ".."])
def test_expand_path_refuses_dot_and_empty_segments(value):
    with pytest.raises(RenderError):
        expand_path("/p/{id}/keys", {"id": value}, {})


def test_expand_path_missing_value_is_render_error():
    with pytest.raises(RenderError, match="id is required"):
        expand_path("/p/{id}", {}, {})


def test_query_pairs_form_explode_repeats_arrays():
    assert query_pairs("tag", ["a b", "c&d"], None) == ["tag=a%20b", "tag=c%26d"]


def test_query_pairs_form_without_explode_joins_with_commas():
    assert query_pairs("ids", ["1", "2,3"], query_param("ids", explode=False)) == ["ids=1,2%2C3"]


def test_query_pairs_deep_object():
    parameter = query_param("filter", {"type": "object"}, style="deepObject", explode=True)
    assert query_pairs("filter", {"status": "open", "team": {"id": 4}}, parameter) == [
        "filter%5Bstatus%5D=open",
        "filter%5Bteam%5D%5Bid%5D=4",
    ]


def test_query_pairs_booleans_are_lower_case():
    assert query_pairs("active", True, None) == ["active=true"]


def test_header_value_refuses_line_breaks():
    with pytest.raises(RenderError, match="line breaks"):
        header_value("X-Note", "ok\r\nX-Admin: 1")


def test_header_value_refuses_non_ascii():
    with pytest.raises(RenderError, match="ASCII"):
        header_value("X-Note", "café")


def test_flatten_nests_objects_and_arrays_stripe_twilio_style():
    body = {
        "To": "+15550001",
        "StatusCallbackEvent": ["initiated", "ringing"],
        "metadata": {"order": 7, "tags": ["a", "b"]},
        "items": [{"price": "p_1", "quantity": 2}],
        "skip": None,
        "flag": False,
    }
    assert flatten(body) == [
        ("To", "+15550001"),
        ("StatusCallbackEvent", "initiated"),
        ("StatusCallbackEvent", "ringing"),
        ("metadata[order]", "7"),
        ("metadata[tags][]", "a"),
        ("metadata[tags][]", "b"),
        ("items[0][price]", "p_1"),
        ("items[0][quantity]", "2"),
        ("flag", "false"),
    ]
