// The shared inbox: open handoffs, the whole thread with the actions already taken,
// claim, reply (the customer sees it in the chat) and resolve.
"use strict";
(() => {
  const { api, element, askToken } = chatgw;
  const list = document.getElementById("list");
  const detail = document.getElementById("detail");
  const filter = document.getElementById("filter");
  const agentInput = document.getElementById("agent");
  agentInput.value = localStorage.getItem("chatgw.agent") || "agent";
  agentInput.addEventListener("change", () => localStorage.setItem("chatgw.agent", agentInput.value));
  let selected = null;

  function when(seconds) { return new Date(seconds * 1000).toLocaleString(); }

  async function refresh() {
    let data;
    try {
      const query = filter.value ? "?status=" + filter.value : "";
      data = await api("GET", "/v1/handoffs" + query);
    } catch (error) {
      if (error.status === 401) { askToken(refresh); return; }
      list.replaceChildren(element("p", { class: "error" }, error.message));
      return;
    }
    list.replaceChildren();
    if (!data.handoffs.length) list.append(element("p", { class: "muted" }, "No handoffs here. Nice."));
    for (const handoff of data.handoffs) {
      const card = element("div", { class: "card item" + (handoff.id === selected ? " selected" : ""), "data-handoff": handoff.id,
        onclick: () => { selected = handoff.id; refresh(); show(handoff.id); } },
        element("span", { class: "pill " + handoff.status }, handoff.status), " ",
        element("strong", {}, handoff.reason),
        element("div", { class: "muted" }, when(handoff.created_at) + (handoff.assignee ? " · " + handoff.assignee : "")));
      list.append(card);
    }
  }

  async function show(id) {
    const handoff = await api("GET", "/v1/handoffs/" + encodeURIComponent(id));
    const conversation = handoff.conversation;
    const packet = handoff.packet || {};
    const thread = element("div", { class: "thread", style: "padding:0" });
    for (const message of conversation.transcript) {
      const who = message.role === "agent" ? (message.author || "agent") : message.role;
      thread.append(element("div", { class: "bubble " + message.role }, element("span", { class: "who" }, who), message.text));
    }
    const runs = element("div", {});
    for (const run of conversation.action_runs) {
      const request = run.request ? `${run.request.method} ${run.request.url}` + (run.request.body ? "\n" + JSON.stringify(run.request.body) : "") : "(no request)";
      runs.append(element("div", { class: "run" }, `${run.action} → ${run.outcome}${run.status ? " (" + run.status + ")" : ""}\n${request}`));
    }
    if (!conversation.action_runs.length) runs.append(element("p", { class: "muted" }, "No actions were run."));
    const slots = JSON.stringify(packet.slots || conversation.slots || {}, null, 1);
    const claims = JSON.stringify(packet.identity || {}, null, 1);
    const reply = element("textarea", { rows: "3", placeholder: "Reply to the customer", name: "reply" });
    const claim = element("button", { onclick: () => act("claim", { agent: agentInput.value }) }, "Claim");
    claim.disabled = handoff.status !== "open";
    const buttons = element("p", {}, claim, " ",
      element("button", { class: "primary", onclick: () => reply.value.trim() && act("messages", { agent: agentInput.value, text: reply.value.trim() }) }, "Send reply"), " ",
      element("button", { onclick: () => act("resolve", {}) }, "Resolve"));
    detail.replaceChildren(element("div", { class: "card" },
      element("h3", {}, handoff.reason), element("p", { class: "muted" }, `status ${handoff.status}` + (handoff.assignee ? `, claimed by ${handoff.assignee}` : "")),
      element("h4", {}, "Conversation"), thread,
      element("h4", {}, "Actions already taken"), runs,
      element("h4", {}, "Slots and identity"), element("div", { class: "run" }, "slots " + slots + "\nidentity " + claims),
      reply, buttons));

    async function act(verb, body) {
      try {
        await api("POST", `/v1/handoffs/${encodeURIComponent(id)}/${verb}`, body);
      } catch (error) {
        alert(error.message);
      }
      await refresh();
      await show(id);
    }
  }

  filter.addEventListener("change", refresh);
  refresh();
  setInterval(refresh, 5000);
})();
