"""The demo's seed data agrees with what the bundled answer actions tell customers, and a seed
replays the same ids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from chatgw.demo import create_acme_app
from chatgw.demo.data import PLANS, PROJECTS
from chatgw.demo.state import AcmeState
from tests.demo.conftest import NOW, FixedClock

ACTIONS = Path(__file__).resolve().parents[2] / "actions"


def _answer(action: str) -> str:
    return " ".join(yaml.safe_load((ACTIONS / f"{action}.yaml").read_text())["answer"].split())


def test_plans_match_the_plans_and_pricing_answer():
    answer = _answer("plans_and_pricing")
    assert f"Starter is free with {PLANS['starter'].monthly_call_cap:,} calls a month" in answer
    for name in ("pro", "enterprise"):
        plan = PLANS[name]
        assert f"{name.title()} is ${plan.monthly_price} a month with {plan.monthly_call_cap:,} calls" in answer
    assert PLANS["starter"].monthly_price == 0


def test_plan_rate_limits_match_the_explain_rate_limits_answer():
    answer = _answer("explain_rate_limits")
    limits = ", ".join(f"{name} {PLANS[name].requests_per_minute:,}" for name in ("starter", "pro"))
    assert f"{limits} and enterprise {PLANS['enterprise'].requests_per_minute:,} requests a minute" in answer


def test_seed_projects_use_ids_the_spec_accepts():
    assert all(re.fullmatch(r"proj_[a-z0-9]{5}", project.id) for project in PROJECTS)


def _ids(seed: int | None) -> list[str]:
    state = AcmeState(seed=seed, clock=FixedClock(NOW))
    return [
        state.rotate_key("cus_demo", "proj_8f2k1", "x")["key_id"],
        state.rotate_key("cus_demo", "proj_8f2k1", "x")["key_suffix"],
        state.apply_credit("cus_demo", "proj_8f2k1", 5, "outage", None)["credit_id"],
        state.payment_method_link("cus_demo", "proj_8f2k1")["url"],
    ]


def test_same_seed_replays_the_same_ids():
    assert _ids(7) == _ids(7)


def test_other_seed_draws_other_ids():
    assert _ids(7) != _ids(8)


def test_acme_app_needs_a_token():
    with pytest.raises(ValueError, match="token"):
        create_acme_app("")
