// The Berth dashboard: polls /ui/api/summary every 2 s and draws it with the DOM and SVG only
// (no library, nothing fetched from elsewhere). The session cookie goes with every request by
// itself; the page never sees it (HttpOnly).
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const POLL_MS = 2000;
const LOG_POLL_MS = 5000;
const COLORS = { ready: "#1a7f37", desired: "#8250df", rate: "#0b63c5", failures: "#cf222e",
  p50: "#1a7f37", p95: "#bf8700", p99: "#cf222e" };
const SPLIT_COLORS = ["#0b63c5", "#8250df", "#bf5b00", "#1a7f37", "#cf222e", "#57606a"];
// The server keeps 30 minutes of points; the page asks only for newer ones (?since=), and for
// all of them every FULL_EVERY polls (a restarted server starts a new history).
const HISTORY_MS = 30 * 60 * 1000;
const FULL_EVERY = 30;

let logService = null;
let histories = new Map();
let newestPoint = null;
let polls = 0;

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value !== undefined && value !== null) node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function svg(tag, attributes, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function number(value, digits) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  if (digits !== undefined) return value.toFixed(digits);
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function clock(date) {
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
}

function lastPoint(service) {
  const history = service.history;
  return history.length ? history[history.length - 1] : null;
}

// A line chart: series of [time ms, value|null] points; nulls break the line. `step` draws each
// value flat until the next point (replica counts).
function chart(options) {
  const width = 440, height = 130, left = 42, right = 8, top = 20, bottom = 18;
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img",
    "aria-label": options.title, "data-chart": options.kind, "data-service": options.service });
  root.append(svg("text", { x: left, y: 13, class: "title" }, options.title));
  const [t0, t1] = options.span;
  let max = options.minMax || 0;
  for (const series of options.series) for (const [, value] of series.points) if (value !== null) max = Math.max(max, value);
  max = max <= 0 ? 1 : (options.integer ? Math.ceil(max * 1.15) : max * 1.15);
  const x = (t) => left + (t1 === t0 ? 0 : (t - t0) / (t1 - t0)) * (width - left - right);
  const y = (v) => top + (1 - v / max) * (height - top - bottom);
  for (const fraction of [0, 0.5, 1]) {
    const value = max * fraction;
    root.append(svg("line", { x1: left, x2: width - right, y1: y(value), y2: y(value), class: "grid" }));
    root.append(svg("text", { x: left - 4, y: y(value) + 3, "text-anchor": "end" },
      options.integer ? String(Math.round(value)) : number(value)));
  }
  root.append(svg("text", { x: left, y: height - 4 }, clock(new Date(t0))));
  root.append(svg("text", { x: width - right, y: height - 4, "text-anchor": "end" }, clock(new Date(t1))));
  let legendX = width - right;
  for (const series of [...options.series].reverse()) {
    const last = [...series.points].reverse().find(([, value]) => value !== null);
    const label = `${series.label} ${last ? (options.integer ? last[1] : number(last[1])) : "–"}${options.unit || ""}`;
    const text = svg("text", { x: legendX, y: 13, "text-anchor": "end", fill: series.color }, label);
    text.style.fill = series.color;
    root.append(text);
    legendX -= label.length * 6.2 + 10;
  }
  for (const series of options.series) {
    let segment = [];
    const flush = () => {
      if (segment.length) {
        root.append(svg("polyline", { points: segment.join(" "), stroke: series.color,
          class: series.dashed ? "dashed" : "", "data-series": series.key, "data-points": String(segment.length) }));
      }
      segment = [];
    };
    let previous = null;
    for (const [time, value] of series.points) {
      if (value === null) { flush(); previous = null; continue; }
      if (options.step && previous !== null) segment.push(`${x(time).toFixed(1)},${y(previous).toFixed(1)}`);
      segment.push(`${x(time).toFixed(1)},${y(value).toFixed(1)}`);
      previous = value;
    }
    flush();
  }
  return root;
}

function renderServices(summary) {
  const body = document.querySelector("#services tbody");
  body.replaceChildren();
  for (const service of summary.services) {
    const last = lastPoint(service);
    const state = el("span", { class: "state", "data-state": service.state }, service.state);
    const stateCell = el("td", { class: "state-cell" }, state);
    if (service.error) stateCell.append(el("div", { class: "error" }, service.error));
    const runsOn = service.endpoint ? `endpoint ${service.endpoint} / ${service.version}` : service.computeName;
    body.append(el("tr", { "data-service": service.name },
      el("td", {}, el("strong", {}, service.name)), stateCell,
      el("td", { class: "num replicas" }, `${service.ready} / ${service.desired}`),
      el("td", { class: "num" }, number(last && last.requestsPerSecond, 1)),
      el("td", { class: "num" }, number(last && last.p50Ms)),
      el("td", { class: "num" }, number(last && last.p95Ms)),
      el("td", { class: "num" }, number(last && last.p99Ms)),
      el("td", { class: "num" }, service.autoscaled
        ? `${number(service.utilizationPercent, 0)} % (${service.minReplicas}–${service.maxReplicas})` : "fixed"),
      el("td", {}, runsOn)));
  }
  document.getElementById("no-services").hidden = summary.services.length > 0;
}

function renderCharts(summary) {
  const container = document.getElementById("charts");
  container.replaceChildren();
  const now = Date.parse(summary.generatedAt);
  for (const service of summary.services) {
    const points = service.history.map((point) => ({ ...point, t: Date.parse(point.time) }));
    // From the first point (at least the last 20 s), so that a new service's plots fill the width.
    const t0 = points.length ? Math.min(points[0].t, now - 20000) : now - 20000;
    const span = [t0, Math.max(now, t0 + 1000)];
    const series = (key, label, field, extra) => ({ key, label, color: COLORS[key],
      points: points.map((point) => [point.t, point[field] === undefined ? null : point[field]]), ...extra });
    const card = el("div", { class: "card", "data-service": service.name },
      el("h3", {}, service.name, " ", el("span", { class: "tag" }, service.endpoint ? `(${service.endpoint} / ${service.version})` : "")));
    const plots = el("div", { class: "plots" });
    plots.append(chart({ kind: "replicas", service: service.name, title: "Replicas", span, integer: true, step: true,
      minMax: Math.max(2, ...points.map((point) => Math.max(point.desired, point.ready) + 1)),
      // Desired is drawn last, dashed over ready, so both show where they agree.
      series: [series("ready", "ready", "ready"), series("desired", "desired", "desired", { dashed: true })] }));
    plots.append(chart({ kind: "rate", service: service.name, title: "Requests / s", span,
      series: [series("rate", "req/s", "requestsPerSecond"), series("failures", "5xx/s", "failuresPerSecond")] }));
    plots.append(chart({ kind: "latency", service: service.name, title: "Latency (ms)", span, unit: "",
      series: [series("p50", "p50", "p50Ms"), series("p95", "p95", "p95Ms"), series("p99", "p99", "p99Ms")] }));
    card.append(plots);
    container.append(card);
  }
}

function splitBar(endpoint) {
  const root = svg("svg", { class: "split", viewBox: "0 0 1000 30", preserveAspectRatio: "none",
    "data-endpoint": endpoint.name, role: "img", "aria-label": `Traffic split of ${endpoint.name}` });
  let x = 0;
  endpoint.versions.forEach((version, index) => {
    const width = version.trafficPercent * 10;
    if (width <= 0) return;
    root.append(svg("rect", { x, y: 0, width, height: 30, fill: SPLIT_COLORS[index % SPLIT_COLORS.length] }));
    if (width > 60) {
      root.append(svg("text", { x: x + 8, y: 20 }, `${version.name} ${number(version.trafficPercent, 0)}%`));
    }
    x += width;
  });
  return root;
}

function renderEndpoints(summary) {
  const container = document.getElementById("endpoints");
  container.replaceChildren();
  for (const endpoint of summary.endpoints) {
    const rows = endpoint.versions.map((version) => el("tr", { "data-version": version.name },
      el("td", {}, el("strong", {}, version.name)),
      el("td", { class: "num share" }, `${number(version.trafficPercent, 0)}%`),
      el("td", {}, `${version.type}${version.isDefault ? ", default" : ""}`),
      el("td", {}, version.state ? el("span", { class: "state", "data-state": version.state }, version.state) : "–"),
      el("td", { class: "num" }, `${version.ready} / ${version.desired}`),
      el("td", { class: "num" }, String(version.requests)),
      el("td", { class: "num" }, String(version.errors)),
      el("td", { class: "num" }, number(version.p50Ms)),
      el("td", { class: "num" }, number(version.p95Ms)),
      el("td", { class: "num" }, number(version.p99Ms))));
    const table = el("table", { class: "grid" },
      el("thead", {}, el("tr", {}, ...["Version", "Share", "Role", "State", "Replicas", "Requests", "5xx", "p50 ms",
        "p95 ms", "p99 ms"].map((name) => el("th", {}, name)))),
      el("tbody", {}, ...rows));
    container.append(el("div", { class: "endpoint", "data-endpoint": endpoint.name },
      el("h3", {}, endpoint.name, " ", el("span", { class: "uri" }, endpoint.scoringUri || "")),
      splitBar(endpoint), table));
  }
  document.getElementById("no-endpoints").hidden = summary.endpoints.length > 0;
}

function renderEvents(summary) {
  const body = document.querySelector("#events tbody");
  body.replaceChildren(...summary.events.map((event) => el("tr", {},
    el("td", {}, clock(new Date(event.time))), el("td", {}, event.service),
    el("td", {}, `${event.kind} ${event.fromReplicas} → ${event.toReplicas}`),
    el("td", { class: "reason" }, event.reason))));
  document.getElementById("no-events").hidden = summary.events.length > 0;
}

function failureText(failure) {
  if (failure.source !== "router") return failure.detail;
  if (failure.detail === "replica_5xx") return "5xx from the replica (run() raised, or the worker failed)";
  return `router: ${failure.detail}`;
}

function renderFailures(summary) {
  const body = document.querySelector("#failures tbody");
  body.replaceChildren(...summary.failures.map((failure) => el("tr", {},
    el("td", {}, clock(new Date(failure.time))), el("td", {}, failure.service), el("td", {}, failure.status),
    el("td", { class: "reason" }, failureText(failure),
      failure.requestId ? el("div", {}, `request ${failure.requestId}`) : null),
    el("td", { class: "num" }, String(failure.count)))));
  document.getElementById("no-failures").hidden = summary.failures.length > 0;
}

function renderLogChoices(summary) {
  const select = document.getElementById("log-service");
  const names = summary.services.map((service) => service.name);
  if (logService === null || !names.includes(logService)) logService = names.length ? names[0] : null;
  const current = [...select.options].map((option) => option.value).join("\n");
  if (current !== names.join("\n")) {
    select.replaceChildren(...names.map((name) => el("option", { value: name }, name)));
  }
  if (logService !== null) select.value = logService;
}

async function refreshLogs() {
  if (logService === null) return;
  const service = logService;
  try {
    const response = await fetch(`/ui/api/logs?service=${encodeURIComponent(service)}&lines=80`,
      { credentials: "same-origin", cache: "no-store" });
    if (!response.ok || service !== logService) return;
    const logs = document.getElementById("logs");
    const atBottom = logs.scrollTop + logs.clientHeight >= logs.scrollHeight - 4;
    logs.textContent = (await response.json()).content || "(no log lines yet)";
    if (atBottom) logs.scrollTop = logs.scrollHeight;
  } catch (error) {
    // The next round tries again; the status line already says when the server is unreachable.
  }
}

function setStatus(text, live) {
  const status = document.getElementById("status");
  status.textContent = text;
  status.dataset.live = live ? "true" : "false";
}

// Adds the points of `summary` to what the page holds (or replaces it, for a full answer), and
// drops points older than the server keeps; each service's `history` becomes the merged list.
function mergeHistories(summary, full) {
  const cutoff = Date.parse(summary.generatedAt) - HISTORY_MS;
  const next = new Map();
  newestPoint = null;
  for (const service of summary.services) {
    const known = full ? [] : (histories.get(service.name) || []);
    const last = known.length ? Date.parse(known[known.length - 1].time) : -Infinity;
    const merged = known.concat(service.history.filter((point) => Date.parse(point.time) > last))
      .filter((point) => Date.parse(point.time) >= cutoff);
    service.history = merged;
    next.set(service.name, merged);
    if (merged.length) newestPoint = Math.max(newestPoint || 0, Date.parse(merged[merged.length - 1].time));
  }
  histories = next;
}

async function poll() {
  if (document.hidden) {
    setTimeout(poll, POLL_MS);
    return;
  }
  try {
    const full = newestPoint === null || polls % FULL_EVERY === 0;
    const query = full ? "" : `?since=${newestPoint}`;
    const response = await fetch(`/ui/api/summary${query}`, { credentials: "same-origin", cache: "no-store" });
    if (response.status === 401) {
      setStatus("signed out: run 'berth ui' for a new login link", false);
      return;
    }
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const summary = await response.json();
    polls += 1;
    mergeHistories(summary, full);
    document.getElementById("interval").textContent = String(summary.sampleIntervalSeconds);
    renderServices(summary);
    renderCharts(summary);
    renderEndpoints(summary);
    renderEvents(summary);
    renderFailures(summary);
    const hadLogs = logService !== null;
    renderLogChoices(summary);
    if (!hadLogs) refreshLogs();
    setStatus(`live · updated ${clock(new Date(summary.generatedAt))}`, true);
    document.body.dataset.loaded = "true";
  } catch (error) {
    setStatus(`cannot reach the server (${error.message}); retrying`, false);
  }
  setTimeout(poll, POLL_MS);
}

document.getElementById("log-service").addEventListener("change", (event) => {
  logService = event.target.value;
  refreshLogs();
});
setInterval(refreshLogs, LOG_POLL_MS);
poll();
