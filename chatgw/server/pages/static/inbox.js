// The shared inbox: handoffs as cards (who, the last message, the actions taken, how old,
// unread; an approval's parked request with Approve / Reject), the whole thread with the actions already taken, claim, reply (the customer sees it
// in the chat) and resolve. Live: the inbox's event stream refreshes the list and the open
// thread as customers write and teammates act, on any replica.
"use strict";
(() => {
  const { api, element, askToken, live } = chatgw;
  const list = document.getElementById("list");
  const detail = document.getElementById("detail");
  const filter = document.getElementById("filter");
  const agentInput = document.getElementById("agent");
  agentInput.value = localStorage.getItem("chatgw.agent") || "agent";
  agentInput.addEventListener("change", () => localStorage.setItem("chatgw.agent", agentInput.value));
  // What this agent has read, per handoff: the time of the last message they saw (this
  // browser only; the store keeps no per-agent state).
  const READ_KEY = "chatgw.inbox.read";
  const read = JSON.parse(localStorage.getItem(READ_KEY) || "{}");
  let selected = null, handoffs = [], pane = null;
  const decided = {}; // handoff id -> what deciding it answered

  function markRead(handoff) {
    const at = (handoff.last_message && handoff.last_message.at) || handoff.created_at;
    if ((read[handoff.id] || 0) >= at) return;
    read[handoff.id] = at;
    localStorage.setItem(READ_KEY, JSON.stringify(read));
  }

  function unread(handoff) {
    const last = handoff.last_message;
    const at = last && last.role !== "agent" ? last.at : handoff.created_at;
    return handoff.status !== "resolved" && (read[handoff.id] || 0) < at;
  }

  function age(seconds) {
    const gone = Math.max(0, Date.now() / 1000 - seconds);
    if (gone < 60) return "just now";
    if (gone < 3600) return Math.floor(gone / 60) + " min ago";
    if (gone < 86400) return Math.floor(gone / 3600) + " h ago";
    return Math.floor(gone / 86400) + " d ago";
  }

  function customerName(customer) {
    return customer.name || customer.email || customer.customer_id || customer.sub || "Anonymous customer";
  }

  function preview(request) {
    if (!request) return "(no request)";
    return `${request.method} ${request.url}` + (request.body ? "\n" + JSON.stringify(request.body) : "");
  }

  function pendingApproval(handoff) {
    return handoff.kind === "approval" && handoff.approval && handoff.approval.status === "pending";
  }

  function card(handoff) {
    const kind = handoff.kind || "handoff";
    const who = handoff.customer || {};
    const last = handoff.last_message;
    const actions = (handoff.actions || []).map((run) => element("span", { class: "chip " + outcomeClass(run.outcome) }, `${run.action} · ${run.outcome}`));
    const open = element("button", {
      type: "button", class: "item-open", "aria-pressed": String(handoff.id === selected), onclick: () => select(handoff.id),
    },
      element("span", { class: "item-head" },
        element("span", { class: "pill kind-" + kind }, kind), " ",
        element("span", { class: "pill " + handoff.status }, handoff.status), " ",
        element("strong", { class: "who-name" }, customerName(who)),
        element("span", { class: "age muted", "data-at": handoff.created_at, title: new Date(handoff.created_at * 1000).toLocaleString() }, age(handoff.created_at)),
        unread(handoff) ? element("span", { class: "dot", title: "unread", "aria-label": "unread" }) : ""),
      element("span", { class: "last" }, last ? `${last.role === "agent" ? (last.author || "agent") : last.role}: ${last.text}` : handoff.reason),
      actions.length ? element("span", { class: "chips" }, ...actions) : element("span", { class: "muted small" }, "no actions run · " + handoff.reason));
    const node = element("article", {
      class: "card item" + (handoff.id === selected ? " selected" : "") + (unread(handoff) ? " unread" : ""),
      "data-handoff": handoff.id, "data-kind": kind,
    }, open);
    if (handoff.kind === "approval" && handoff.approval) node.append(approvalBox(handoff, false));
    return node;
  }

  function approvalBox(handoff, full) {
    // The parked request exactly as it will be sent (redacted), and the decision on it.
    const approval = handoff.approval;
    const box = element("div", { class: "approval" },
      element("span", { class: "small" }, element("strong", {}, approval.action), approval.reason ? " · " + approval.reason : ""),
      element("div", { class: "run", "data-parked": "" }, preview(approval.request)));
    if (full && approval.request_hash) box.append(element("p", { class: "muted small" }, "request sha256 " + approval.request_hash));
    const note = element("p", { class: "status-line", role: "status", "aria-live": "polite" });
    if (approval.status !== "pending") {
      // What this agent's decision answered, while the page lasts; else who decided, and why.
      note.textContent = decided[handoff.id] || (approval.status === "withdrawn"
        ? "Withdrawn by the customer before anyone decided: nothing was sent."
        : `${approval.status} by ${approval.decided_by || "a teammate"}` + (approval.decision_reason ? `: ${approval.decision_reason}` : ""));
      box.append(note);
      return box;
    }
    const reason = element("input", { name: "reject-reason", placeholder: "Reason, told to the customer", "aria-label": "reason for rejecting" });
    const approve = element("button", { type: "button", class: "primary", onclick: () => decide("approve", { agent: agentInput.value }) }, "Approve");
    const reject = element("button", { type: "button", onclick: () => {
      if (!reason.value.trim()) { say("Write the reason the customer will read, then Reject.", true); reason.focus(); return; }
      decide("reject", { agent: agentInput.value, reason: reason.value.trim() });
    } }, "Reject");
    box.append(element("p", { class: "buttons" }, approve, reject), reason, note);
    return box;

    function say(text, bad) {
      note.textContent = text;
      note.className = "status-line" + (bad ? " error" : "");
    }

    async function decide(verb, body) {
      approve.disabled = reject.disabled = true;
      try {
        const done = await api("POST", `/v1/handoffs/${encodeURIComponent(handoff.id)}/${verb}`, body);
        decided[handoff.id] = verb === "approve"
          ? "Approved and sent. The customer was told: " + done.replies.join(" ") : "Rejected; the customer was told why.";
        say(decided[handoff.id], false);
      } catch (error) {
        say(error.message, true);
        approve.disabled = reject.disabled = false;
        return;
      }
      await refresh();
      if (selected === handoff.id) await show(handoff.id);
    }
  }

  function outcomeClass(outcome) {
    if (outcome === "ok") return "ok";
    if (["failed", "invalid", "unreachable", "unknown"].includes(outcome)) return "bad";
    return "";
  }

  async function refresh() {
    let data;
    try {
      // "open and claimed" (the default) is every handoff not resolved: one that a teammate
      // replied to stays in view.
      const waiting = filter.value === "waiting";
      const query = filter.value && !waiting ? "?status=" + filter.value : "";
      data = await api("GET", "/v1/handoffs" + query);
      if (waiting) data.handoffs = data.handoffs.filter((h) => h.status !== "resolved");
    } catch (error) {
      if (error.status === 401) { askToken(start); return false; }
      list.replaceChildren(element("p", { class: "error", role: "alert" }, error.message));
      return true;
    }
    handoffs = data.handoffs;
    const open = handoffs.find((h) => h.id === selected);
    if (open) markRead(open);
    list.replaceChildren(...(handoffs.length ? handoffs.map(card) : [element("p", { class: "muted" }, "No handoffs here. Nice.")]));
    return true;
  }

  function select(id) {
    selected = id;
    pane = null;
    const found = handoffs.find((h) => h.id === id);
    if (found) markRead(found);
    refresh();
    show(id).then(() => { if (matchMedia("(max-width: 760px)").matches) detail.scrollIntoView(); });
  }

  function build(id) {
    // The parts that refresh live, and a reply box that keeps its draft while they do.
    const parts = {
      id,
      title: element("h3", {}),
      meta: element("p", { class: "muted" }),
      thread: element("div", { class: "thread inbox-thread" }),
      runs: element("div", {}),
      facts: element("div", { class: "run" }),
      reply: element("textarea", { rows: "3", placeholder: "Reply to the customer", name: "reply", "aria-label": "reply to the customer" }),
      note: element("p", { class: "status-line", role: "status", "aria-live": "polite" }),
      approval: element("div", {}),
    };
    parts.claim = element("button", { type: "button", onclick: () => act("claim", { agent: agentInput.value }, "Claimed.") }, "Claim");
    parts.send = element("button", { type: "button", class: "primary", onclick: () => {
      const text = parts.reply.value.trim();
      if (!text) { say("Write a reply first.", true); return; }
      act("messages", { agent: agentInput.value, text }, "Sent to the customer.").then((ok) => { if (ok) parts.reply.value = ""; });
    } }, "Send reply");
    parts.resolve = element("button", { type: "button", onclick: () => act("resolve", {}, "Resolved: the bot answers this customer again.") }, "Resolve");
    detail.replaceChildren(element("div", { class: "card" },
      parts.title, parts.meta,
      parts.approval,
      element("h4", {}, "Conversation"), parts.thread,
      element("h4", {}, "Actions already taken"), parts.runs,
      element("h4", {}, "Slots and identity"), parts.facts,
      parts.reply, element("p", { class: "buttons" }, parts.claim, parts.send, parts.resolve), parts.note));

    function say(text, bad) {
      parts.note.textContent = text;
      parts.note.className = "status-line" + (bad ? " error" : "");
    }

    async function act(verb, body, done) {
      try {
        await api("POST", `/v1/handoffs/${encodeURIComponent(id)}/${verb}`, body);
        say(done, false);
        return true;
      } catch (error) {
        say(error.message, true);
        return false;
      } finally {
        await refresh();
        await show(id);
      }
    }
    return parts;
  }

  async function show(id) {
    let handoff;
    try {
      handoff = await api("GET", "/v1/handoffs/" + encodeURIComponent(id));
    } catch (error) {
      detail.replaceChildren(element("p", { class: "error", role: "alert" }, error.message));
      return;
    }
    if (id !== selected) return;
    if (!pane || pane.id !== id) pane = build(id);
    const conversation = handoff.conversation;
    const packet = handoff.packet || {};
    pane.title.textContent = handoff.kind === "approval" && handoff.approval
      ? `approval: ${handoff.approval.action}` : `handoff: ${handoff.reason}`;
    pane.meta.textContent = `status ${handoff.status}` + (handoff.assignee ? `, claimed by ${handoff.assignee}` : "") + ` · opened ${age(handoff.created_at)}`;
    pane.thread.replaceChildren(...conversation.transcript.map((message) => {
      const who = message.role === "agent" ? (message.author || "agent") : message.role;
      return element("div", { class: "bubble " + message.role }, element("span", { class: "who" }, who), message.text);
    }));
    pane.thread.scrollTop = pane.thread.scrollHeight;
    pane.runs.replaceChildren(...(conversation.action_runs.length ? conversation.action_runs.map((run) => {
      const request = run.request ? `${run.request.method} ${run.request.url}` + (run.request.body ? "\n" + JSON.stringify(run.request.body) : "") : "(no request)";
      return element("div", { class: "run" }, `${run.action} → ${run.outcome}${run.status ? " (" + run.status + ")" : ""}\n${request}`);
    }) : [element("p", { class: "muted" }, "No actions were run.")]));
    pane.facts.textContent = "slots " + JSON.stringify(packet.slots || conversation.slots || {}, null, 1) + "\nidentity " + JSON.stringify(packet.identity || {}, null, 1);
    const resolved = handoff.status === "resolved";
    pane.approval.replaceChildren(...(handoff.kind === "approval" && handoff.approval
      ? [element("h4", {}, pendingApproval(handoff) ? "Waiting for your approval" : "Approval"), approvalBox(handoff, true)] : []));
    pane.claim.disabled = handoff.status !== "open";
    pane.send.disabled = resolved;
    pane.resolve.disabled = resolved || pendingApproval(handoff); // decide it first
    pane.resolve.title = pendingApproval(handoff) ? "Approve or reject first" : "";
    pane.reply.disabled = resolved;
    if (resolved && !pane.note.textContent) pane.note.textContent = "Resolved: nothing more to send here.";
  }

  let pending = null;
  function changed(events) {
    // One refresh for a burst of changes; the open thread only when it is about it.
    const open = handoffs.find((h) => h.id === selected);
    const touchesOpen = open && events.some((e) => e.conversation_id === open.conversation_id);
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => {
      pending = null;
      refresh();
      if (touchesOpen) show(selected);
    }, 50);
  }

  let started = false;
  async function start() {
    if (!(await refresh()) || started) return;
    started = true;
    live("/v1/events", undefined, changed);
    setInterval(() => document.querySelectorAll(".age[data-at]").forEach((node) => { node.textContent = age(Number(node.dataset.at)); }), 30000);
    document.body.dataset.ready = "true"; // for tests: the list is in and the stream is opening
  }

  filter.addEventListener("change", refresh);
  start();
})();
