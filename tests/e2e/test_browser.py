"""The pages for people, in a real Chromium: chat with a confirmation click, hand over to a
human, claim and reply in the inbox, see the reply in the chat, and the counts in insights.

Runs against `chatgw demo`'s two apps (the Acme API and the gateway) on loopback. Needs
Debian's chromium and Playwright (tests/e2e/conftest.py). CHATGW_SCREENSHOTS=1 writes the
insights screenshot the README shows to docs/img/ (test_live_pages.py writes the chat and
the inbox).
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
from pathlib import Path
from typing import Iterator

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo's gateway and Acme API served by uvicorn in a thread; yields the gateway URL."""
    import uvicorn

    from chatgw.demo.launcher import DemoSettings, build_demo

    saved = {key: os.environ.get(key) for key in ("ACME_API_TOKEN", "CHATGW_IDENTITY_SECRET", "ACME_API_URL")}
    settings = DemoSettings(
        config=ROOT / "chatgw.yaml",
        port=_free_port(),
        api_port=_free_port(),
        store=f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}",
    )
    running = build_demo(settings)
    servers = [
        uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False))
        for app, port in ((running.acme, settings.api_port), (running.gateway, settings.port))
    ]

    async def serve_both() -> None:
        await asyncio.gather(*(server.serve() for server in servers))

    thread = threading.Thread(target=asyncio.run, args=(serve_both(),))
    thread.start()
    try:
        for server in servers:
            _wait(lambda server=server: server.started or not thread.is_alive())
        assert thread.is_alive(), "the demo servers did not start"
        yield f"http://127.0.0.1:{settings.port}"
    finally:
        for server in servers:
            server.should_exit = True
        thread.join(timeout=30)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _wait(condition, limit: int = 3000) -> None:  # type: ignore[no-untyped-def]
    # Bounded polling on a condition, not a sleep standing in for synchronisation.
    event = threading.Event()
    for _ in range(limit):
        if condition():
            return
        event.wait(0.01)
    raise AssertionError("condition not reached")


def test_pages_run_an_action_hand_over_and_show_the_human_reply_and_the_counts(demo, browser, shots):
    context = browser.new_context(viewport={"width": 1100, "height": 760})
    chat = context.new_page()
    chat.goto(demo + "/")
    chat.wait_for_selector("text=Signed in as Dana Demo")

    # An action end to end, confirmed with a click.
    chat.fill("input[name=message]", "my key leaked, please reset the api key for proj_8f2k1")
    chat.press("input[name=message]", "Enter")
    chat.wait_for_selector("button[data-choice=Yes]")
    assert "revoke the current key of proj_8f2k1" in chat.inner_text(".thread")
    chat.click("button[data-choice=Yes]")
    chat.wait_for_selector(".bubble.bot >> text=Your new key ends in")

    # Ask for a human.
    chat.fill("input[name=message]", "I want to talk to a human")
    chat.press("input[name=message]", "Enter")
    chat.wait_for_selector("text=A person from our team will reply here.")

    # The inbox: the handoff with the whole thread and the action already taken.
    inbox = context.new_page()
    inbox.goto(demo + "/inbox")
    inbox.fill("#agent", "sam")
    inbox.dispatch_event("#agent", "change")
    inbox.click(".item")
    inbox.wait_for_selector(".run >> text=reset_api_key")
    assert "POST" in inbox.inner_text("#detail")
    inbox.click("button:has-text('Claim')")
    inbox.wait_for_selector("text=claimed by sam")
    inbox.fill("textarea[name=reply]", "Hi, Sam here. I checked: the new key is active and the old one is revoked.")
    inbox.click("button:has-text('Send reply')")
    inbox.wait_for_selector(".bubble.agent >> text=Sam here")

    # The human's reply appears in the customer's chat.
    chat.wait_for_selector(".bubble.agent >> text=Sam here", timeout=15000)

    # Two more conversations over the API: one resolved by an action, one nothing covers.
    token = httpx.get(demo + "/demo/identity").json()["identity_token"]
    usage = httpx.post(demo + "/v1/chat", json={"message": "how much of my quota has proj_ab12c used", "identity_token": token})
    assert "calls this period" in usage.json()["replies"][0]
    unmet = httpx.post(demo + "/v1/chat", json={"message": "how do I bake sourdough bread", "identity_token": token})
    assert unmet.json()["intent"]["name"] is None

    # Insights count what ran.
    insights = context.new_page()
    insights.goto(demo + "/insights")
    insights.wait_for_selector("tr[data-action=reset_api_key]")
    row = insights.inner_text("tr[data-action=reset_api_key]").split()
    assert row[:3] == ["reset_api_key", "1", "1"], row
    assert insights.inner_text("tr[data-action=check_usage]").split()[:3] == ["check_usage", "1", "1"]
    assert insights.inner_text("[data-figure='Handed to a human'] b") == "1"
    assert insights.inner_text("[data-figure='Conversations'] b") == "3"
    assert "how do i bake sourdough bread" in insights.inner_text("main").lower()
    insights.screenshot(path=str(shots / "insights.png"), full_page=True)
    context.close()
