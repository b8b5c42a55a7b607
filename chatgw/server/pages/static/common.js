// Shared by the pages: the operator token (from the URL fragment, kept for the tab), fetch,
// and live updates.
"use strict";
const chatgw = (() => {
  const fragment = new URLSearchParams(location.hash.slice(1));
  for (const key of ["token", "identity"]) {
    if (fragment.get(key)) sessionStorage.setItem("chatgw." + key, fragment.get(key));
  }
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);

  function authorization(token) {
    const bearer = token === undefined ? sessionStorage.getItem("chatgw.token") : token;
    return bearer ? { Authorization: "Bearer " + bearer } : {};
  }

  async function api(method, path, body, token) {
    const headers = { "Content-Type": "application/json", ...authorization(token) };
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error((data.error && data.error.message) || response.statusText);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  function element(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (key === "onclick") node.addEventListener("click", value);
      else node.setAttribute(key, value);
    }
    for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  }

  function askToken(onReady) {
    // Pages for people behind the operator token: ask once, keep it for this tab only.
    const box = element("form", { class: "card" },
      element("p", {}, "This page needs the operator token (server.operator_token)."),
      element("input", { type: "password", name: "token", placeholder: "operator token" }),
      element("p", {}, element("button", { class: "primary", type: "submit" }, "Open")));
    box.addEventListener("submit", (event) => {
      event.preventDefault();
      sessionStorage.setItem("chatgw.token", box.token.value);
      box.remove();
      onReady();
    });
    document.querySelector("main").prepend(box);
  }

  // Live updates (GET .../events, docs/serve.md): server-sent events read with fetch (so the
  // token goes in a header, never in the URL), and a long poll with the same cursor when the
  // stream stays silent (a proxy that buffers it). `onEvents` gets each batch of changes.
  const STREAM_SILENCE_MS = 5000, RETRY_MS = 1500;

  function live(path, token, onEvents) {
    let cursor = null, polling = false;
    const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

    async function streamOnce() {
      const aborter = new AbortController();
      let heard = false;
      const watchdog = setTimeout(() => { if (!heard) { polling = true; aborter.abort(); } }, STREAM_SILENCE_MS);
      try {
        const query = cursor ? "?cursor=" + encodeURIComponent(cursor) : "";
        const response = await fetch(path + query, { headers: { Accept: "text/event-stream", ...authorization(token) }, signal: aborter.signal });
        if (!response.ok || !response.body) throw new Error(response.statusText);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "", batch = [];
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          heard = true;
          buffer += value.replace(/\r\n?/g, "\n");
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const fields = {};
            for (const line of block.split("\n")) {
              if (!line || line.startsWith(":")) continue;
              const at = line.indexOf(":");
              fields[line.slice(0, at)] = line.slice(at + 1).replace(/^ /, "");
            }
            if (!fields.data) continue;
            if (fields.event !== "cursor") batch.push(JSON.parse(fields.data));
            if (fields.id) {  // the end of a batch: the cursor after it
              cursor = fields.id;
              if (batch.length) onEvents(batch);
              batch = [];
            }
          }
        }
      } catch { /* reconnect below, or poll when the stream was silent */ }
      clearTimeout(watchdog);
    }

    async function pollOnce(wait = 25) {
      try {
        const query = "?wait=" + wait + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
        const data = await api("GET", path + query, undefined, token);
        cursor = data.cursor;
        if (data.events.length) onEvents(data.events);
      } catch (error) {
        if (error.status === 400) cursor = null;  // a cursor from before a store change: start again
        await pause(RETRY_MS);
      }
    }

    (async () => {
      // The cursor first, so that whatever happens while a stream stays silent is still read
      // by the poll after it; and one catch-up for what happened before the cursor was taken.
      while (cursor === null) await pollOnce(0);
      onEvents([]);
      for (;;) {
        if (polling) await pollOnce();
        else { await streamOnce(); if (!polling) await pause(RETRY_MS); }
      }
    })();
  }

  return { api, element, askToken, live };
})();
