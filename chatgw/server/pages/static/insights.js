// Insights for support leads: what customers ask, what the bot resolves, what it cannot do.
"use strict";
(() => {
  const { api, element, askToken } = chatgw;
  const SVG = "http://www.w3.org/2000/svg";
  const since = document.getElementById("since");

  function svg(tag, attributes, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function percent(value) { return value === null || value === undefined ? "–" : Math.round(value * 100) + "%"; }
  function ms(value) { return value === null || value === undefined ? "–" : Math.round(value) + " ms"; }

  function barChart(actions) {
    // One stacked bar per action: successes, failures, handoffs.
    const width = 520, row = 26, left = 170, height = Math.max(row * actions.length + 30, 60);
    const chart = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, style: "max-width:100%", role: "img", "aria-label": "requests per action" });
    const most = Math.max(1, ...actions.map((a) => a.requests));
    const scale = (width - left - 40) / most;
    actions.forEach((action, index) => {
      const y = index * row + 4;
      chart.append(svg("text", { x: left - 8, y: y + 15, "text-anchor": "end" }, action.action));
      let x = left;
      for (const [key, color] of [["successes", "#2f9e44"], ["failures", "#c92a2a"], ["handoffs", "#e8590c"]]) {
        const w = action[key] * scale;
        if (w > 0) chart.append(svg("rect", { x, y, width: w, height: row - 8, fill: color, rx: 3 }));
        x += w;
      }
      chart.append(svg("text", { x: x + 6, y: y + 15 }, String(action.requests)));
    });
    const legend = height - 8;
    [["successes", "#2f9e44"], ["failures", "#c92a2a"], ["handoffs", "#e8590c"]].forEach(([label, color], i) => {
      chart.append(svg("rect", { x: left + i * 110, y: legend - 10, width: 10, height: 10, fill: color }));
      chart.append(svg("text", { x: left + i * 110 + 14, y: legend }, label));
    });
    return chart;
  }

  async function load() {
    let data;
    try {
      data = await api("GET", "/v1/insights?since=" + encodeURIComponent(since.value));
    } catch (error) {
      if (error.status === 401) { askToken(load); return; }
      document.getElementById("body").replaceChildren(element("p", { class: "error" }, error.message));
      return;
    }
    const runs = data.actions.reduce((sum, a) => sum + a.requests, 0);
    const figures = element("div", { class: "figures" },
      ...[["Conversations", data.conversations], ["Resolved without a human", percent(data.deflection_rate)],
          ["Handed to a human", data.handed_off], ["Actions run", runs]]
        .map(([label, value]) => element("div", { class: "card figure", "data-figure": label }, element("b", {}, value), element("span", { class: "muted" }, label))));
    const table = element("table", {}, element("tr", {}, ...["action", "requests", "ok", "failed", "handoff", "success", "p50", "p95"].map((h) => element("th", {}, h))));
    for (const a of data.actions) {
      table.append(element("tr", { "data-action": a.action }, element("td", {}, a.action),
        ...[a.requests, a.successes, a.failures, a.handoffs, percent(a.requests ? a.successes / a.requests : null), ms(a.p50_ms), ms(a.p95_ms)]
          .map((v) => element("td", { class: "n" }, v))));
    }
    const tags = element("table", {}, element("tr", {}, element("th", {}, "tag"), element("th", {}, "conversations")));
    for (const t of data.top_tags) tags.append(element("tr", {}, element("td", {}, t.tag), element("td", { class: "n" }, t.conversations)));
    const unmet = element("table", {}, element("tr", {}, element("th", {}, "what customers asked that no action covers"), element("th", {}, "times")));
    for (const o of data.out_of_scope) unmet.append(element("tr", {}, element("td", {}, o.message), element("td", { class: "n" }, o.count)));
    document.getElementById("body").replaceChildren(figures,
      element("div", { class: "card" }, element("h3", {}, "Most requested actions"), data.actions.length ? barChart(data.actions) : element("p", { class: "muted" }, "No actions yet."), table),
      element("div", { class: "grid2" }, element("div", { class: "card" }, element("h3", {}, "Top tags"), tags),
        element("div", { class: "card" }, element("h3", {}, "Top unmet requests"), unmet)));
  }

  since.addEventListener("change", load);
  load();
})();
