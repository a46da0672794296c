// Jobs: every job of the caller with status, progress, tokens/s and estimated finish; filtered by status and model.
import { get } from "../api.js";
import { el, fmt, statusBadge, table, field } from "../ui.js";

const statuses = ["", "validating_files", "queued", "running", "paused", "succeeded", "failed", "cancelled"];

export async function jobsPage(main, scope) {
  const status = el("select", {}, statuses.map((s) => el("option", { value: s }, s || "any status")));
  const model = el("select", {}, el("option", { value: "" }, "any model"));
  const body = el("tbody");
  const count = el("p", { class: "muted", "aria-live": "polite" });
  main.append(
    el("div", { class: "row" }, el("h1", {}, "Fine-tuning jobs"), el("a", { href: "#/new", class: "button" }, "New job")),
    el("div", { class: "card" },
      el("div", { class: "row" }, field("filter-status", "Status", status), field("filter-model", "Model", model)),
      count,
      el("div", { class: "table-wrap" }, el("table", { "aria-label": "Jobs" },
        el("thead", {}, el("tr", {}, ["Job", "Model", "Status", "Progress", { text: "Tokens/s", class: "num" }, "Estimated finish", "Created"]
          .map((h) => el("th", { scope: "col", class: h.class }, h.text ?? h)))),
        body))));

  let jobs = [];
  const draw = () => {
    const shown = jobs.filter((j) => (!status.value || j.status === status.value) && (!model.value || j.model === model.value));
    count.textContent = `${shown.length} of ${jobs.length} jobs`;
    body.replaceChildren(...shown.map((j) => {
      const p = j.progress ?? {};
      const share = p.total_steps ? p.step / p.total_steps : 0;
      return el("tr", { "data-job": j.id },
        el("td", {}, el("a", { href: `#/jobs/${encodeURIComponent(j.id)}` }, j.id), j.fine_tuned_model ? el("div", { class: "muted" }, j.fine_tuned_model) : null),
        el("td", {}, j.model),
        el("td", {}, statusBadge(j.status), p.phase ? el("div", { class: "muted" }, p.phase) : null),
        el("td", {}, el("progress", { max: 1, value: share, "aria-label": `progress of ${j.id}` }), ` ${p.step ?? 0} / ${p.total_steps || "?"}`),
        el("td", { class: "num" }, fmt.num(p.tokens_per_second, 0)),
        el("td", {}, fmt.time(j.estimated_finish)),
        el("td", {}, fmt.time(j.created_at)));
    }));
    if (!shown.length) body.append(el("tr", {}, el("td", { colspan: 7, class: "muted" }, jobs.length ? "No job matches the filters." : "No jobs yet.")));
  };
  status.addEventListener("change", draw);
  model.addEventListener("change", draw);

  scope.every(2000, async () => {
    jobs = (await get("/v1/fine_tuning/jobs?limit=100")).data;
    const models = [...new Set(jobs.map((j) => j.model))].sort();
    const chosen = model.value;
    model.replaceChildren(el("option", { value: "" }, "any model"), ...models.map((m) => el("option", { value: m }, m)));
    model.value = models.includes(chosen) ? chosen : "";
    draw();
  });
}
