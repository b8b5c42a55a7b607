"""The pages live, in a real Chromium against real `chatgw serve` processes on loopback (two
of them on one SQLite store where a test says replicas): a customer's follow-up appears in
the inbox pane that is open on the other replica, a human's reply and a resolution reach the
chat without a reload, a reload mid-confirmation keeps its buttons, and the three pages fit
390 px with AA contrast."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.gateway import identity_token, write_project
from tests.server.served import serving
from tests.upstream import Reply

DANA = {"sub": "u7", "name": "Dana Demo", "customer_id": "cus_7"}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

# Every visible element's box inside the viewport, and the page no wider than it.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const node of document.querySelectorAll("body *")) {
    const box = node.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(node).visibility === "hidden") continue;
    if (box.right > width + 0.5 || box.left < -0.5) out.push(`${node.tagName.toLowerCase()}.${node.className.baseVal ?? node.className} ${Math.round(box.left)}..${Math.round(box.right)}`);
  }
  if (document.documentElement.scrollWidth > width) out.push("page scrollWidth " + document.documentElement.scrollWidth);
  return {width, out};
}"""

# WCAG AA: every piece of text against the first opaque background behind it, 4.5:1 (3:1 for
# large text); disabled controls are exempt, as WCAG says.
CONTRAST = """() => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (node) => {
    for (; node; node = node.parentElement) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const low = [];
  for (const node of document.querySelectorAll("body *")) {
    const own = [...node.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim());
    if (!own || !node.getClientRects().length || node.closest("svg") || node.closest(":disabled")) continue;
    const style = getComputedStyle(node);
    const alpha = Number(style.opacity);
    const [a, b] = [lum(rgb(style.color)), lum(background(node))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (alpha === 1 && ratio < need) low.push(`${node.tagName.toLowerCase()}.${node.className} "${node.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
  }
  return low;
}"""


@pytest.fixture
def project(tmp_path: Path, upstream) -> Path:
    upstream.default = Reply(200, {"requests": 812345, "key_suffix": "x9Qz"})
    return write_project(tmp_path, upstream.url)


def watch(page: Any) -> dict[str, list[str]]:
    """Collect what must not happen on a page: browser dialogs (alert) and failed requests."""
    seen: dict[str, list[str]] = {"dialogs": [], "failed": []}
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    page.on("response", lambda response: response.status >= 400 and seen["failed"].append(f"{response.status} {response.url}"))
    return seen


def open_chat(context: Any, url: str) -> tuple[Any, dict[str, list[str]]]:
    """The chat page signed in as Dana, ready, and what it must not do."""
    chat = context.new_page()
    problems = watch(chat)
    chat.goto(f"{url}/#identity={identity_token(DANA, expires_in=3600)}")
    chat.wait_for_selector("body[data-ready=true]")
    return chat, problems


def say(page: Any, text: str) -> None:
    page.fill("input[name=message]", text)
    page.press("input[name=message]", "Enter")


def ask_for_approval(chat: Any) -> None:
    """Confirm a 48 hour trial extension, which waits for a teammate's approval."""
    say(chat, "extend my trial by 48 hours")
    chat.click("button[data-choice=Yes]")
    chat.wait_for_selector("#handoff >> text=A teammate is reviewing your request")


def test_reload_mid_confirmation_keeps_the_buttons_and_who_is_signed_in(project: Path, browser, upstream) -> None:
    token = identity_token(DANA, expires_in=3600)
    with serving(project) as served:
        context = browser.new_context(viewport=DESKTOP)
        chat = context.new_page()
        problems = watch(chat)
        chat.goto(f"{served.url}/#identity={token}")
        chat.wait_for_selector("text=Signed in as Dana Demo (cus_7)")
        say(chat, "reset my api key")
        chat.wait_for_selector(".bubble.bot >> text=Which project is it?")
        say(chat, "proj_ab12c")
        chat.wait_for_selector("button[data-choice=Yes]")
        chat.reload()
        chat.wait_for_selector("body[data-ready=true]")
        assert chat.is_visible("button[data-choice=Yes]") and chat.is_visible("button[data-choice=No]")
        assert "revoke the current key of proj_ab12c" in chat.inner_text(".thread")
        assert "Signed in as Dana Demo (cus_7)" in chat.inner_text("#status")
        chat.click("button[data-choice=Yes]")
        chat.wait_for_selector(".bubble.bot >> text=Your new key ends in x9Qz")
        chat.reload()
        chat.wait_for_selector("body[data-ready=true]")
        after = chat.inner_text(".thread")
        buttons = chat.locator("button[data-choice]").count()
        context.close()
    assert buttons == 0 and after.count("Your new key ends in x9Qz") == 1
    assert len([r for r in upstream.received if r.method == "POST"]) == 1
    assert problems == {"dialogs": [], "failed": []}


def test_inbox_and_chat_update_live_across_two_replicas(project: Path, browser, shots: Path) -> None:
    with serving(project) as one, serving(project) as two:
        context = browser.new_context(viewport={"width": 1100, "height": 800})
        chat, chat_problems = open_chat(context, one.url)
        say(chat, "show me the usage of proj_8f2k1")
        chat.wait_for_selector(".bubble.bot >> text=made 812345 requests")
        say(chat, "I want to talk to a human")
        chat.wait_for_selector("#handoff >> text=A person from our team will reply here.")

        inbox = context.new_page()
        inbox_problems = watch(inbox)
        inbox.goto(two.url + "/inbox")  # the other replica
        inbox.wait_for_selector(".item.unread .dot")
        card = inbox.inner_text(".item")
        assert "Dana Demo" in card and "handoff" in card and "show_usage · ok" in card
        assert "customer: I want to talk to a human" in card  # the customer's last message
        inbox.fill("#agent", "sam")
        inbox.dispatch_event("#agent", "change")
        inbox.click(".item")
        inbox.wait_for_selector("#detail .run >> text=show_usage")
        inbox.wait_for_selector(".item.unread", state="detached")  # read once opened

        # The customer writes again on replica one: the open pane on replica two shows it.
        say(chat, "it is urgent, are you there?")
        inbox.wait_for_selector("#detail .bubble.customer >> text=it is urgent, are you there?")
        inbox.wait_for_selector(".item .last >> text=are you there")
        inbox.fill("textarea[name=reply]", "Hi, Sam here. Looking at proj_8f2k1 now.")
        inbox.click("button:has-text('Send reply')")
        inbox.wait_for_selector(".status-line >> text=Sent to the customer.")
        chat.wait_for_selector(".bubble.agent >> text=Sam here")  # no reload, no new message
        inbox.screenshot(path=str(shots / "inbox.png"), full_page=True)
        chat.screenshot(path=str(shots / "chat.png"))

        inbox.click("button:has-text('Resolve')")
        inbox.wait_for_selector(".status-line >> text=Resolved")
        chat.wait_for_selector("#handoff", state="hidden")
        send_disabled = inbox.is_disabled("button:has-text('Send reply')")
        resolve_disabled = inbox.is_disabled("button:has-text('Resolve')")
        context.close()
    assert send_disabled and resolve_disabled
    assert chat_problems == inbox_problems == {"dialogs": [], "failed": []}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "desktop"])
def test_the_three_pages_fit_the_screen_with_aa_contrast(project: Path, browser, viewport: dict) -> None:
    token = identity_token(DANA, expires_in=3600)
    with serving(project) as served:
        with httpx.Client(base_url=served.url, timeout=30) as client:  # something on every page
            cid = client.post("/v1/chat", json={"message": "reset my api key for proj_ab12c", "identity_token": token}).json()["conversation_id"]
            client.post("/v1/chat", json={"message": "yes", "conversation_id": cid, "identity_token": token})
            client.post("/v1/chat", json={"message": "show me the usage of proj_8f2k1", "conversation_id": cid, "identity_token": token})
            client.post("/v1/chat", json={"message": "I want to talk to a human", "conversation_id": cid, "identity_token": token})
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        problems = watch(page)
        found = {}
        page.goto(f"{served.url}/#identity={token}")
        page.wait_for_selector("body[data-ready=true]")
        say(page, "reset my api key")
        page.wait_for_selector(".bubble.bot >> text=Which project")
        found["chat"] = page.evaluate(OVERFLOW), page.evaluate(CONTRAST)
        page.goto(served.url + "/inbox")
        page.wait_for_selector(".item")
        found["inbox list"] = page.evaluate(OVERFLOW), page.evaluate(CONTRAST)
        page.click(".item")
        page.wait_for_selector("#detail .run")
        found["inbox detail"] = page.evaluate(OVERFLOW), page.evaluate(CONTRAST)
        page.goto(served.url + "/insights")
        page.wait_for_selector("svg[data-chart=trend]")
        found["insights"] = page.evaluate(OVERFLOW), page.evaluate(CONTRAST)
        context.close()
    for name, (overflow, contrast) in found.items():
        assert overflow["width"] == viewport["width"]
        assert overflow["out"] == [], (name, overflow["out"][:10])
        assert contrast == [], (name, contrast[:10])
    assert problems == {"dialogs": [], "failed": []}  # /favicon.ico included


def test_an_approval_from_request_to_customer_reply_with_no_reload(tmp_path: Path, browser, upstream, shots: Path) -> None:
    from tests.server.approving import EXTEND, approval_project, extensions
    from tests.server.gateway import OPERATOR_TOKEN

    upstream.default = Reply(200, {})
    config = approval_project(tmp_path, upstream.url)
    with serving(config) as one, serving(config) as two:
        context = browser.new_context(viewport={"width": 1100, "height": 800})
        chat, problems = open_chat(context, one.url)
        ask_for_approval(chat)
        assert extensions(upstream) == []

        inbox = context.new_page()
        problems_inbox = watch(inbox)
        inbox.goto(f"{two.url}/inbox#token={OPERATOR_TOKEN}")  # the other replica
        inbox.fill("#agent", "ana")
        inbox.dispatch_event("#agent", "change")
        inbox.wait_for_selector(".item[data-kind=approval] [data-parked]")
        parked = inbox.inner_text(".item[data-kind=approval] [data-parked]")
        assert parked.startswith("POST ") and EXTEND in parked and '{"hours":48}' in parked
        inbox.click(".item[data-kind=approval] .item-open")
        inbox.wait_for_selector("#detail >> text=Waiting for your approval")
        assert inbox.is_disabled("#detail button:has-text('Resolve')")  # an approval is decided, not resolved
        inbox.screenshot(path=str(shots / "approval.png"), full_page=True)
        inbox.click("#detail button:has-text('Approve')")
        inbox.wait_for_selector("#detail .status-line >> text=Approved and sent")
        chat.wait_for_selector(".bubble.bot >> text=Done.")  # the action's reply, no reload
        chat.wait_for_selector("#handoff", state="hidden")

        # A second one, rejected with a reason the customer reads.
        say(chat, "extend my trial by 30 hours")
        chat.click("button[data-choice=Yes]")
        inbox.wait_for_selector(".item[data-kind=approval]:has(button:has-text('Reject'))")
        card = ".item[data-kind=approval]:has(button:has-text('Reject'))"
        inbox.click(f"{card} button:has-text('Reject')")
        inbox.wait_for_selector(f"{card} .status-line.error >> text=Write the reason")
        inbox.fill(f"{card} input[name=reject-reason]", "Trials stop at 48 hours in total.")
        inbox.click(f"{card} button:has-text('Reject')")
        chat.wait_for_selector(".bubble.bot >> text=Trials stop at 48 hours in total.")
        sent = extensions(upstream)
        insights = context.new_page()
        insights.goto(f"{two.url}/insights#token={OPERATOR_TOKEN}")
        insights.wait_for_selector("tr[data-approvals=extend_trial]")
        counted = insights.inner_text("tr[data-approvals=extend_trial]").split()
        context.close()
    assert counted[:5] == ["extend_trial", "2", "1", "1", "0"]
    assert len(sent) == 1  # approved once, rejected sent nothing
    assert problems == problems_inbox == {"dialogs": [], "failed": []}


def test_the_inbox_shows_an_approval_withdrawn_when_the_customer_cancels_with_no_reload(tmp_path: Path, browser, upstream) -> None:
    from tests.server.approving import approval_project, extensions
    from tests.server.gateway import OPERATOR_TOKEN

    config = approval_project(tmp_path, upstream.url)
    with serving(config) as one, serving(config) as two:
        context = browser.new_context(viewport={"width": 1100, "height": 800})
        chat, problems = open_chat(context, one.url)
        ask_for_approval(chat)

        inbox = context.new_page()
        problems_inbox = watch(inbox)
        inbox.goto(f"{two.url}/inbox#token={OPERATOR_TOKEN}")  # the other replica
        inbox.click(".item[data-kind=approval] .item-open")
        inbox.wait_for_selector("#detail >> text=Waiting for your approval")
        say(chat, "never mind")
        chat.wait_for_selector(".bubble.bot >> text=I've withdrawn your request")
        chat.wait_for_selector("#handoff", state="hidden")
        inbox.wait_for_selector("#detail .status-line >> text=Withdrawn by the customer")  # live, no reload
        buttons = inbox.locator("#detail button:has-text('Approve')").count()
        meta = inbox.inner_text("#detail p.muted")
        context.close()
    assert buttons == 0 and meta.startswith("status resolved")
    assert extensions(upstream) == []
    assert problems == problems_inbox == {"dialogs": [], "failed": []}


def test_inbox_falls_back_to_the_long_poll_when_a_proxy_holds_the_stream_back(project: Path, browser) -> None:
    # A buffering proxy sends nothing of a stream until it ends: here the browser's requests for
    # text/event-stream are held unanswered, and every other request goes through.
    held: list[str] = []

    def hold_streams(route: Any) -> None:
        if "text/event-stream" in route.request.headers.get("accept", ""):
            held.append(route.request.url)  # never answered, as behind such a proxy
            return
        route.continue_()

    with serving(project) as served:
        context = browser.new_context(viewport=DESKTOP)
        chat, _ = open_chat(context, served.url)
        say(chat, "I want to talk to a human")
        chat.wait_for_selector("#handoff:not([hidden])")
        inbox = context.new_page()
        inbox.route("**/v1/events*", hold_streams)
        polls: list[str] = []
        inbox.on("request", lambda request: "wait=25" in request.url and polls.append(request.url))
        inbox.goto(served.url + "/inbox")
        inbox.click(".item")
        inbox.wait_for_selector("#detail .bubble.customer")
        say(chat, "hello? anyone there?")
        inbox.wait_for_selector("#detail .bubble.customer >> text=hello? anyone there?")
        context.close()
    assert held and polls  # the stream was tried, then the long poll brought the message
