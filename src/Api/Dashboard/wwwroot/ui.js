// Small DOM and formatting helpers shared by the pages.

/** el("td", {class: "num"}, "3") — attributes starting with "on" become listeners; children may be strings or nodes. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, "");
    else node.setAttribute(name, value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  return node;
}

export function table(headers, rows, attrs = {}) {
  return el("div", { class: "table-wrap" }, el("table", attrs,
    el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col", class: typeof h === "object" ? h.class : null }, typeof h === "object" ? h.text : h)))),
    el("tbody", {}, rows)));
}

export const fmt = {
  num: (v, digits = 4) => v === null || v === undefined || Number.isNaN(v) ? "—" : Number(v).toLocaleString("en", { maximumFractionDigits: digits }),
  int: (v) => v === null || v === undefined ? "—" : Number(v).toLocaleString("en"),
  time: (unix) => unix ? new Date(unix * 1000).toLocaleString() : "—",
  duration: (seconds) => {
    if (seconds === null || seconds === undefined) return "—";
    const s = Math.round(seconds);
    if (s < 60) return `${s} s`;
    if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
    return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  },
  bytes: (b) => {
    if (b === null || b === undefined) return "—";
    const units = ["B", "KB", "MB", "GB", "TB"];
    let i = 0; let v = b;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return `${v.toLocaleString("en", { maximumFractionDigits: 1 })} ${units[i]}`;
  },
  params: (p) => p === null || p === undefined ? "—" : p >= 1e9 ? `${(p / 1e9).toFixed(2)} B` : p >= 1e6 ? `${(p / 1e6).toFixed(1)} M` : fmt.int(p),
};

export const statusBadge = (status) => el("span", { class: `status ${status}` }, status);

/** Shows an error (the API's message) in the page's alert region; null hides it. */
export function showError(error) {
  const box = document.getElementById("error");
  if (!error) { box.hidden = true; box.textContent = ""; return; }
  box.textContent = error.message ?? String(error);
  box.hidden = false;
}

/** A page's cleanup: timers and charts registered here are stopped when the route changes. */
export class PageScope {
  constructor() { this.timers = []; this.charts = []; this.aborts = []; this.closed = false; }
  every(ms, fn) { const tick = async () => { if (this.closed) return; try { await fn(); } catch (e) { showError(e); } if (!this.closed) this.timers.push(setTimeout(tick, ms)); }; tick(); }
  chart(canvas, config) { const c = new window.Chart(canvas, config); this.charts.push(c); return c; }
  abortable() { const a = new AbortController(); this.aborts.push(a); return a; }
  close() { this.closed = true; this.timers.forEach(clearTimeout); this.charts.forEach((c) => c.destroy()); this.aborts.forEach((a) => a.abort()); }
}

const palette = ["#0b57d0", "#c5221f", "#188038", "#e37400", "#8430ce", "#007b83", "#b06000", "#5f6368"];
export const color = (i) => palette[i % palette.length];

/** A line chart over steps; each series is {label, points: [{x, y}]}. */
export function lineChart(scope, canvas, title, yTitle) {
  return scope.chart(canvas, {
    type: "line",
    data: { datasets: [] },
    options: {
      animation: false, parsing: false, responsive: true, maintainAspectRatio: false,
      interaction: { mode: "nearest", intersect: false },
      scales: { x: { type: "linear", title: { display: true, text: "step" } }, y: { title: { display: true, text: yTitle } } },
      plugins: { title: { display: true, text: title }, legend: { position: "bottom" } },
    },
  });
}

export function setSeries(chart, series) {
  chart.data.datasets = series.map((s, i) => ({
    label: s.label, data: s.points, borderColor: color(i), backgroundColor: color(i),
    pointRadius: s.points.length > 60 ? 0 : 2, borderWidth: 2, spanGaps: true, borderDash: s.dashed ? [6, 4] : undefined,
  }));
  chart.update();
}

/** A labelled form field with help text (the label names the input for screen readers). */
export function field(id, label, input, help) {
  input.id = id;
  const nodes = [el("label", { for: id }, label), input];
  if (help) { const helpId = `${id}-help`; input.setAttribute("aria-describedby", helpId); nodes.push(el("p", { class: "help", id: helpId }, help)); }
  return el("div", { class: "field" }, nodes);
}
