// The web chat: talks to POST /v1/chat. What the page shows comes from the conversation on the
// server (GET /v1/conversations/{id}): the transcript, the buttons still standing (a pending
// Yes/No), and whether a person is on it; so a reload, or another tab, shows the same. Live
// updates (a human's reply, a resolution) arrive through the conversation's event stream.
"use strict";
(() => {
  const { api, element, live } = chatgw;
  const thread = document.getElementById("thread");
  const form = document.getElementById("composer");
  const status = document.getElementById("status");
  const handoffNote = document.getElementById("handoff");
  const GREETING = "Hi! I can reset API keys, show usage, lift rate limits, change plans, apply credits and more. What can I do for you?";
  let conversationId = sessionStorage.getItem("chatgw.conversation");
  let identity = sessionStorage.getItem("chatgw.identity");
  let readable = false; // the conversation can be read back (it belongs to a signed-in customer)
  let sending = false, stale = false, listening = null;

  function bubble(role, text, who) {
    const node = element("div", { class: "bubble " + role, "data-role": role });
    if (who) node.append(element("span", { class: "who" }, who));
    node.append(text);
    thread.append(node);
    return node;
  }

  function choices(labels) {
    // Buttons the bot offered (Yes/No, "Did you mean ...?"): a click sends the label's text.
    if (!labels || !labels.length) return;
    const row = element("div", { class: "choices" });
    labels.forEach((label, index) => row.append(element("button", {
      class: index === 0 ? "primary" : "", "data-choice": label, type: "button",
      onclick: () => { row.remove(); send(label); },
    }, label)));
    thread.append(row);
  }

  function waitingForPerson(yes, kind) {
    handoffNote.hidden = !yes;
    handoffNote.textContent = !yes ? "" : kind === "approval"
      ? "A teammate is reviewing your request; their answer will appear here."
      : "A person from our team will reply here.";
  }

  function scrollDown() { thread.scrollTop = thread.scrollHeight; }

  function render(found) {
    thread.replaceChildren();
    bubble("bot", GREETING);
    for (const message of found.transcript) {
      bubble(message.role, message.text, message.role === "agent" ? (message.author || "Support team") : undefined);
    }
    const last = found.transcript[found.transcript.length - 1];
    if (last && last.role === "bot") choices(found.choices);
    waitingForPerson(Boolean(found.handoff) || found.state === "handoff", found.handoff && found.handoff.kind);
    scrollDown();
  }

  async function sync() {
    if (!conversationId || !readable) return;
    if (sending) { stale = true; return; } // the turn in flight syncs when it is answered
    try {
      render(await api("GET", "/v1/conversations/" + encodeURIComponent(conversationId), undefined, identity || null));
    } catch { /* the next event or turn shows it */ }
  }

  function listen() {
    if (listening === conversationId || !readable) return;
    listening = conversationId;
    live("/v1/conversations/" + encodeURIComponent(conversationId) + "/events", identity || null, sync);
  }

  async function send(message) {
    thread.querySelectorAll(".choices").forEach((row) => row.remove());
    bubble("customer", message);
    scrollDown();
    form.message.disabled = true;
    sending = true;
    try {
      const turn = await api("POST", "/v1/chat",
        { message, conversation_id: conversationId || undefined, identity_token: identity || undefined }, null);
      conversationId = turn.conversation_id;
      sessionStorage.setItem("chatgw.conversation", conversationId);
      readable = Boolean(identity);
      if (readable) {
        sending = false;
        await sync();
        listen();
      } else {
        // An anonymous conversation cannot be read back: show the turn as it came.
        for (const agent of turn.agent_messages || []) bubble("agent", agent.text, agent.author || "Support team");
        for (const reply of turn.replies) bubble("bot", reply);
        choices(turn.choices);
        if (turn.handoff) waitingForPerson(true);
        scrollDown();
      }
    } catch (error) {
      bubble("bot", "Sorry, something went wrong: " + error.message);
    } finally {
      sending = false;
      form.message.disabled = false;
      form.message.focus();
      if (stale) { stale = false; sync(); }
    }
  }

  function claims(token) {
    // Only to say who is signed in: the server verifies the token with every message.
    try {
      return JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    } catch { return {}; }
  }

  async function signIn() {
    if (!identity) {
      try {
        identity = (await api("GET", "/demo/identity", undefined, null)).identity_token;
        sessionStorage.setItem("chatgw.identity", identity);
      } catch {
        status.textContent = "Not signed in: account actions will ask the host product to sign you in.";
        return;
      }
    }
    const who = claims(identity);
    const name = who.name || who.email || who.sub || "a customer";
    status.textContent = "Signed in as " + name + (who.customer_id ? " (" + who.customer_id + ")" : "");
  }

  async function restore() {
    if (!conversationId || !identity) return false;
    try {
      readable = true;
      render(await api("GET", "/v1/conversations/" + encodeURIComponent(conversationId), undefined, identity));
      listen();
      return true;
    } catch {
      readable = false;
      conversationId = null;
      sessionStorage.removeItem("chatgw.conversation");
      return false;
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const message = form.message.value.trim();
    if (!message) return;
    form.message.value = "";
    send(message);
  });
  document.getElementById("restart").addEventListener("click", () => {
    sessionStorage.removeItem("chatgw.conversation");
    location.reload();
  });

  signIn().then(restore).then((restored) => {
    if (!restored) { thread.replaceChildren(); bubble("bot", GREETING); }
    document.body.dataset.ready = "true"; // for tests: the page stands where the server says
  });
})();
