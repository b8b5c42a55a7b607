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

  const BARS = [["successes", "#2f9e44"], ["failures", "#c92a2a"], ["handoffs", "#e8590c"]];

  function barChart(actions) {
    // One stacked bar per action: successes, failures, handoffs.
    const width = 520, row = 26, left = 170, height = Math.max(row * actions.length + 30, 60);
    const chart = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "requests per action" });
    const most = Math.max(1, ...actions.map((a) => a.requests));
    const scale = (width - left - 40) / most;
    actions.forEach((action, index) => {
      const y = index * row + 4;
      chart.append(svg("text", { x: left - 8, y: y + 15, "text-anchor": "end" }, action.action));
      let x = left;
      for (const [key, color] of BARS) {
        const w = action[key] * scale;
        if (w > 0) chart.append(svg("rect", { x, y, width: w, height: row - 8, fill: color, rx: 3 }));
        x += w;
      }
      chart.append(svg("text", { x: x + 6, y: y + 15 }, String(action.requests)));
    });
    const legend = height - 8;
    BARS.forEach(([label, color], i) => {
      chart.append(svg("rect", { x: left + i * 110, y: legend - 10, width: 10, height: 10, fill: color }));
      chart.append(svg("text", { x: left + i * 110 + 14, y: legend }, label));
    });
    return chart;
  }

  // The daily trend: one line per series over the window's days (inline SVG, no library).
  const TREND = [["conversations", "Conversations", "#3b5bdb"], ["resolved_without_human", "Resolved without a human", "#237032"],
                 ["handoffs", "Handed to a human", "#a8410a"], ["approvals", "Approvals", "#6b21a8"]];

  function trendChart(days) {
    const width = 640, height = 220, left = 34, right = 24, top = 12, bottom = 28;
    const most = Math.max(1, ...days.flatMap((day) => TREND.map(([key]) => day[key] || 0)));
    const x = (i) => left + (days.length === 1 ? (width - left - right) / 2 : i * (width - left - right) / (days.length - 1));
    const y = (v) => top + (height - top - bottom) * (1 - v / most);
    const chart = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "daily trend", "data-chart": "trend" });
    for (const tick of [0, Math.ceil(most / 2), most]) {
      chart.append(svg("line", { x1: left, x2: width - right, y1: y(tick), y2: y(tick), stroke: "#d0d5dd" }));
      chart.append(svg("text", { x: left - 6, y: y(tick) + 4, "text-anchor": "end" }, String(tick)));
    }
    const every = Math.max(1, Math.ceil(days.length / 8)); // at most 8 date labels
    days.forEach((day, i) => {
      if (i % every === 0 || i === days.length - 1) chart.append(svg("text", { x: x(i), y: height - 8, "text-anchor": "middle" }, day.date.slice(5)));
    });
    for (const [key, label, color] of TREND) {
      const points = days.map((day, i) => `${x(i)},${y(day[key] || 0)}`).join(" ");
      chart.append(svg("polyline", { points, fill: "none", stroke: color, "stroke-width": 2, "data-series": key }));
      days.forEach((day, i) => {
        const dot = svg("circle", { cx: x(i), cy: y(day[key] || 0), r: 3, fill: color });
        dot.append(svg("title", {}, `${day.date}: ${day[key] || 0} ${label.toLowerCase()}`));
        chart.append(dot);
      });
    }
    const legend = element("ul", { class: "legend" }, ...TREND.map(([, label, color]) =>
      element("li", {}, element("i", { style: "background:" + color }), label)));
    return element("div", { class: "chart" }, chart, legend);
  }

  function seconds(value) {
    if (value === null || value === undefined) return "–";
    return value < 90 ? Math.round(value) + " s" : value < 5400 ? Math.round(value / 60) + " min" : Math.round(value / 3600) + " h";
  }

  function approvalTable(rows) {
    // Per action: asked, decided how (or withdrawn by the customer), and how long a customer waited for the decision.
    const columns = ["requested", "approved", "rejected", "withdrawn", "pending", "p50 wait", "p95 wait"];
    const table = element("table", { class: "stack" }, element("tr", {}, element("th", {}, "action"), ...columns.map((h) => element("th", { class: "n" }, h))));
    for (const a of [...rows].sort((x, y) => y.requested - x.requested || x.action.localeCompare(y.action))) {
      table.append(element("tr", { "data-approvals": a.action }, element("td", {}, a.action),
        ...[a.requested, a.approved, a.rejected, a.withdrawn, a.pending, seconds(a.p50_decision_s), seconds(a.p95_decision_s)]
          .map((v, i) => element("td", { class: "n", "data-label": columns[i] }, v))));
    }
    return table;
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
    // Most requested first (the API's order), numbers right-aligned under right-aligned headers.
    const actions = [...data.actions].sort((a, b) => b.requests - a.requests || a.action.localeCompare(b.action));
    const columns = ["requests", "ok", "failed", "handoff", "success", "p50", "p95"];
    const table = element("table", { class: "stack" }, element("tr", {}, element("th", {}, "action"), ...columns.map((h) => element("th", { class: "n" }, h))));
    for (const a of actions) {
      table.append(element("tr", { "data-action": a.action }, element("td", {}, a.action),
        ...[a.requests, a.successes, a.failures, a.handoffs, percent(a.requests ? a.successes / a.requests : null), ms(a.p50_ms), ms(a.p95_ms)]
          .map((v, i) => element("td", { class: "n", "data-label": columns[i] }, v))));
    }
    const tags = element("table", {}, element("tr", {}, element("th", {}, "tag"), element("th", { class: "n" }, "conversations")));
    for (const t of data.top_tags) tags.append(element("tr", {}, element("td", {}, t.tag), element("td", { class: "n" }, t.conversations)));
    const unmet = element("table", {}, element("tr", {}, element("th", {}, "what customers asked that no action covers"), element("th", { class: "n" }, "times")));
    for (const o of data.out_of_scope) unmet.append(element("tr", {}, element("td", {}, o.message), element("td", { class: "n" }, o.count)));
    const approvals = data.approvals && data.approvals.length ? approvalTable(data.approvals) : null;
    const trend = data.daily && data.daily.length ? trendChart(data.daily) : element("p", { class: "muted" }, "No days in this period.");
    document.getElementById("body").replaceChildren(figures,
      element("div", { class: "card" }, element("h3", {}, "Day by day"), trend),
      element("div", { class: "card", style: "margin-top:1rem" }, element("h3", {}, "Most requested actions"), actions.length ? barChart(actions) : element("p", { class: "muted" }, "No actions yet."), table),
      approvals ? element("div", { class: "card", style: "margin-top:1rem" }, element("h3", {}, "Approvals"), approvals) : "",
      element("div", { class: "grid2" }, element("div", { class: "card" }, element("h3", {}, "Top tags"), tags),
        element("div", { class: "card" }, element("h3", {}, "Top unmet requests"), unmet)));
    document.body.dataset.ready = "true";
  }

  since.addEventListener("change", load);
  load();
})();
