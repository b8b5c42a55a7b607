// Shared by the pages: the operator token (from the URL fragment, kept for the tab) and fetch.
"use strict";
const chatgw = (() => {
  const fragment = new URLSearchParams(location.hash.slice(1));
  for (const key of ["token", "identity"]) {
    if (fragment.get(key)) sessionStorage.setItem("chatgw." + key, fragment.get(key));
  }
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);

  async function api(method, path, body, token) {
    const headers = { "Content-Type": "application/json" };
    const bearer = token === undefined ? sessionStorage.getItem("chatgw.token") : token;
    if (bearer) headers.Authorization = "Bearer " + bearer;
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

  return { api, element, askToken };
})();
