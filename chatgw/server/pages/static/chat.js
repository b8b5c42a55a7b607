// The web chat: talks to POST /v1/chat; the turn's choices become buttons; a human's replies
// arrive through GET /v1/conversations/{id} while the conversation is handed off.
"use strict";
(() => {
  const { api, element } = chatgw;
  const thread = document.getElementById("thread");
  const form = document.getElementById("composer");
  const status = document.getElementById("status");
  let conversationId = sessionStorage.getItem("chatgw.conversation");
  let identity = sessionStorage.getItem("chatgw.identity");
  let shown = 0; // transcript messages already on screen
  let polling = null;

  function bubble(role, text, who) {
    const node = element("div", { class: "bubble " + role, "data-role": role });
    if (who) node.append(element("span", { class: "who" }, who));
    node.append(text);
    thread.append(node);
    thread.scrollTop = thread.scrollHeight;
  }

  function choices(options) {
    const row = element("div", { class: "choices" });
    for (const [label, message, primary] of options) {
      row.append(element("button", {
        class: primary ? "primary" : "", "data-choice": message,
        onclick: () => { row.remove(); send(message); },
      }, label));
    }
    thread.append(row);
    thread.scrollTop = thread.scrollHeight;
  }

  async function send(message) {
    bubble("customer", message);
    form.message.disabled = true;
    try {
      const turn = await api("POST", "/v1/chat",
        { message, conversation_id: conversationId, identity_token: identity || undefined }, null);
      conversationId = turn.conversation_id;
      sessionStorage.setItem("chatgw.conversation", conversationId);
      // A human's replies come from the transcript, once, under their name (the poll may
      // have shown some already); then the bot's replies to this message.
      await showAgentMessages();
      for (const reply of turn.replies) bubble("bot", reply);
      // Buttons the bot offered (Yes/No, "Did you mean ...?"): a click sends the label's text.
      if (turn.choices && turn.choices.length) choices(turn.choices.map((label, index) => [label, label, index === 0]));
      if (turn.handoff) startPolling();
    } catch (error) {
      bubble("bot", "Sorry, something went wrong: " + error.message);
    } finally {
      form.message.disabled = false;
      form.message.focus();
    }
  }

  async function conversation() {
    return api("GET", "/v1/conversations/" + encodeURIComponent(conversationId), undefined, identity || null);
  }

  async function showAgentMessages() {
    try {
      const found = await conversation();
      for (const message of found.transcript.slice(shown)) {
        if (message.role === "agent") bubble("agent", message.text, message.author || "Support team");
      }
      shown = found.transcript.length;
    } catch { /* shown again by the next turn or poll */ }
  }

  function startPolling() {
    status.textContent = "A person from our team will reply here.";
    if (polling) return;
    polling = setInterval(showAgentMessages, 2000);
  }

  async function signIn() {
    if (identity) return;
    try {
      const demo = await api("GET", "/demo/identity", undefined, null);
      identity = demo.identity_token;
      sessionStorage.setItem("chatgw.identity", identity);
      status.textContent = "Signed in as " + demo.name + " (" + demo.customer_id + ")";
    } catch {
      status.textContent = "Not signed in: account actions will ask the host product to sign you in.";
    }
  }

  async function restore() {
    if (!conversationId) return;
    try {
      const found = await conversation();
      for (const message of found.transcript) {
        bubble(message.role, message.text, message.role === "agent" ? (message.author || "Support team") : undefined);
      }
      shown = found.transcript.length;
      if (found.handed_off && found.state === "handoff") startPolling();
    } catch {
      conversationId = null;
      sessionStorage.removeItem("chatgw.conversation");
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

  signIn().then(restore).then(() => {
    if (!thread.children.length) bubble("bot", "Hi! I can reset API keys, show usage, lift rate limits, change plans, apply credits and more. What can I do for you?");
  });
})();
