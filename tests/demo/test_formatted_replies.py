"""The demo's replies through the real `chatgw try --live` against the real demo Acme API.

The Acme API runs on loopback with the tests' fixed clock (tests/demo/conftest.py), so the
dates it answers are known; the replies format them in the claims' locale and timezone.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import chatgw.cli.commands  # noqa: F401  (registers the commands)
from chatgw.cli import app
from tests.demo.conftest import TOKEN

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    for part in ("chatgw.yaml", "actions", "schemas"):  # a copy: nothing may write beside the repo's
        copy = shutil.copytree if (ROOT / part).is_dir() else shutil.copy
        copy(ROOT / part, tmp_path / part)
    return tmp_path / "chatgw.yaml"


def replies(config: Path, acme: str, claims: dict[str, str], messages: list[str]) -> list[str]:
    environment = {"ACME_API_URL": acme, "ACME_API_TOKEN": TOKEN, "CHATGW_IDENTITY_SECRET": "s", "HANDOFF_WEBHOOK_URL": ""}
    options = [option for name, value in claims.items() for option in ("--as", f"{name}={value}")]
    lines = "".join(json.dumps({"message": message, "conversation_id": "c1"}) + "\n" for message in messages)
    result = CliRunner(env=environment).invoke(
        app, ["try", "--config", str(config), "--live", "--format", "json", *options], input=lines
    )
    assert result.exit_code == 0, result.output
    return [turn["replies"][-1] for turn in map(json.loads, result.stdout.splitlines())]


def test_demo_replies_show_dates_numbers_and_money_as_a_person_writes_them(demo, acme):
    said = replies(
        demo,
        acme,
        {"customer_id": "cus_demo"},
        ["raise the rate limit on proj_8f2k1 for a day", "yes", "give proj_8f2k1 a $20 credit for the outage", "yes"],
    )

    # No timezone claim: the time is UTC, and says so.
    assert said[1] == "Done. proj_8f2k1 can now make 6,000 requests a minute until Mar 15, 2025, 9:30\u202fAM UTC."
    assert said[3] == "Done. $20.00 is credited; your account's credit balance is now $20.00."


def test_demo_replies_follow_the_customers_locale_and_timezone_claims(demo, acme):
    said = replies(
        demo,
        acme,
        {"customer_id": "cus_demo", "zoneinfo": "Europe/Paris", "locale": "fr-FR"},
        ["raise the rate limit on proj_8f2k1 for a day", "yes", "how many api calls did proj_8f2k1 make this month"],
    )

    assert said[1] == "Done. proj_8f2k1 can now make 6\u202f000 requests a minute until 15 mars 2025, 10:30."
    assert said[2] == (
        "proj_8f2k1 has made 812\u202f345 of its 1\u202f000\u202f000 calls this period (81,2\u00a0%), which runs until 31 mars 2025."
    )
