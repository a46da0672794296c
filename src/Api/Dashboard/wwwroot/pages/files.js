// Files: every uploaded or derived file; a file's token statistics (in a chosen model's tokens) and, for files made
// by cleaning or splitting, the report of what was done.
import { get } from "../api.js";
import { el, fmt, table, showError, color } from "../ui.js";

export async function filesPage(main, scope) {
  const [files, models] = await Promise.all([get("/v1/files"), get("/v1/models")]);
  const detail = el("div", { "aria-live": "polite" });
  const statsFor = async (f) => {
    try {
      const s = await get(`/v1/files/${encodeURIComponent(f.id)}/stats?model=${encodeURIComponent(models.data[0]?.id ?? "")}`);
      showError(null);
      const summary = (t) => t ? `mean ${fmt.num(t.mean, 1)}, p50 ${fmt.num(t.p50 ?? t.median, 0)}, p95 ${fmt.num(t.p95, 0)}, max ${fmt.int(t.max)}` : "—";
      const rows = [["Model", s.model], ["Records", fmt.int(s.record_count)], ["Max sequence length", fmt.int(s.max_seq_length)],
        ["Prompt tokens", summary(s.prompt_tokens)], ["Completion tokens", summary(s.completion_tokens)], ["Sequence tokens", summary(s.sequence_tokens)],
        ["Truncated examples", fmt.int(s.truncated_examples)], ["Training tokens per epoch", fmt.int(s.training_tokens)], ["Loss tokens per epoch", fmt.int(s.loss_tokens)],
        ["Tasks", s.tasks.map((t) => `${t.task}: ${t.records} records`).join(", ") || "—"],
        ["Labels", s.labels ? s.labels.map((l) => `${l.label}: ${l.count} (${(100 * l.share).toFixed(0)} %)`).join(", ") : "—"]];
      const canvas = el("canvas", { role: "img", "aria-label": `Sequence length histogram of ${f.filename}` });
      detail.replaceChildren(el("div", { class: "card" }, el("h2", {}, `Statistics of ${f.filename}`),
        el("div", { class: "grid2" }, el("dl", { class: "kv" }, rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
          el("div", { class: "chart-box" }, canvas))));
      const buckets = s.sequence_tokens?.histogram ?? [];
      scope.chart(canvas, {
        type: "bar",
        data: { labels: buckets.map((b) => `${b.from}–${b.to - 1}`), datasets: [{ label: "records", data: buckets.map((b) => b.count), backgroundColor: color(0) }] },
        options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: { title: { display: true, text: "Records by sequence length (tokens)" } } },
      });
    } catch (err) { showError(err); }
  };
  const reportFor = async (f) => {
    try {
      const r = await get(`/v1/files/${encodeURIComponent(f.id)}/report`);
      showError(null);
      detail.replaceChildren(el("div", { class: "card" }, el("h2", {}, `${f.derivation ?? "Derivation"} report of ${f.filename}`),
        el("pre", { class: "tokens" }, JSON.stringify(r, null, 2))));
    } catch (err) { showError(err); }
  };
  const rows = files.data.map((f) => el("tr", { "data-file": f.id },
    el("td", {}, f.filename, el("div", { class: "muted" }, f.id)),
    el("td", {}, f.purpose), el("td", {}, f.format ?? "—", f.container ? ` (${f.container})` : ""),
    el("td", { class: "num" }, f.purpose === "fine-tune" ? fmt.int(f.record_count) : "—"), el("td", { class: "num" }, fmt.bytes(f.bytes)),
    el("td", {}, f.parent_file_id ? `${f.derivation ?? "derived"}${f.split ? ` (${f.split})` : ""} of ${f.parent_file_id}` : "uploaded"),
    el("td", {}, fmt.time(f.created_at)),
    el("td", {}, el("div", { class: "row" },
      f.purpose === "fine-tune" ? el("button", { type: "button", class: "secondary", onclick: () => statsFor(f), "aria-label": `Statistics of ${f.filename}` }, "Stats") : null,
      f.parent_file_id ? el("button", { type: "button", class: "secondary", onclick: () => reportFor(f), "aria-label": `Report of ${f.filename}` }, "Report") : null))));
  main.append(el("div", { class: "row" }, el("h1", {}, "Files"), el("a", { href: "#/new", class: "button" }, "Upload on the New job page")),
    el("div", { class: "card" }, files.data.length
      ? table(["File", "Purpose", "Format", { text: "Records", class: "num" }, { text: "Size", class: "num" }, "Origin", "Created", "Details"], rows, { "aria-label": "Files" })
      : el("p", { class: "muted" }, "No files yet.")),
    detail);
}
