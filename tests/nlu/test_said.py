"""check_said: whether a value a model proposes is in the customer's message."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from chatgw.compiler.plans import SlotPlan
from chatgw.config.models import NluConfig
from chatgw.nlu.slots import check_said

PROJECT = SlotPlan("project_id", pattern=r"^proj_[a-z0-9]{5}$")
HOURS = SlotPlan("hours", type="integer")
PLAN = SlotPlan("plan", enum=("free", "pro", "enterprise"), synonyms={"enterprise": ("the biggest one",)})


@pytest.mark.parametrize(
    ("slot", "value", "message"),
    [
        (PROJECT, "proj_8f2k1", "the key of proj_8f2k1 leaked"),
        (PROJECT, "proj_8f2k1", "THE KEY OF PROJ_8F2K1."),
        (HOURS, 24, "give me 24 more hours"),
        (HOURS, 24, "twenty four hours please"),
        (HOURS, 1000, "1,000 hours"),
        (PLAN, "enterprise", "move me to the biggest one"),
        (PLAN, "pro", "upgrade to Pro"),
    ],
)
def test_a_value_the_message_says_is_said(slot, value, message):
    assert check_said(slot, value, message) is None


@pytest.mark.parametrize(
    ("slot", "value", "message"),
    [
        (PROJECT, "proj_8f2k1", "reset my api key"),
        (PROJECT, "proj_8f2k1", "the key of proj_8f2k12 leaked"),  # a whole token only
        (HOURS, 24, "give me a day more"),
        (HOURS, 24, "give me 240 more hours"),
        (PLAN, "enterprise", "upgrade me please"),
        (SlotPlan("notify", type="boolean"), True, "true"),  # yes and no are the slot reader's
    ],
)
def test_a_value_the_message_does_not_say_is_refused_with_a_reason(slot, value, message):
    reason = check_said(slot, value, message)
    assert reason is not None and slot.name.split("_")[0] in reason


@pytest.mark.parametrize(
    "settings",
    [
        {"engine": "builtin", "base_url": "http://127.0.0.1:8000/v1"},
        {"engine": "embeddings", "timeout": "2s"},
        {"engine": "builtin", "fallback": "embeddings"},
        {"engine": "llm", "base_url": "ftp://example.com"},
    ],
)
def test_llm_settings_outside_an_llm_engine_or_malformed_are_refused(settings):
    with pytest.raises(ValidationError):
        NluConfig(**settings)


def test_llm_settings_are_read_for_the_llm_engine():
    config = NluConfig(engine="llm", base_url="http://127.0.0.1:8000/v1/", model="qwen2.5", timeout="1500ms")
    assert (config.base_url, config.model, config.timeout, config.fallback) == ("http://127.0.0.1:8000/v1", "qwen2.5", 1.5, "builtin")
