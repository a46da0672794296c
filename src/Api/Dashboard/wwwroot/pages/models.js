// Models: base and fine-tuned models with their parameters, size on disk and the job that made them.
import { get } from "../api.js";
import { el, fmt, table } from "../ui.js";

export async function modelsPage(main) {
  const models = await get("/v1/models");
  const rows = models.data.map((m) => el("tr", { "data-model": m.id },
    el("td", {}, m.id), el("td", {}, m.owned_by), el("td", {}, m.base_model ?? "—"),
    el("td", { class: "num" }, fmt.params(m.parameters)), el("td", { class: "num" }, fmt.bytes(m.bytes)),
    el("td", {}, m.fine_tuning_job ? el("a", { href: `#/jobs/${encodeURIComponent(m.fine_tuning_job)}` }, m.fine_tuning_job) : "—"),
    el("td", {}, fmt.time(m.created)),
    el("td", {}, el("a", { href: `#/playground?model=${encodeURIComponent(m.id)}`, "aria-label": `Chat with ${m.id}` }, "Chat"))));
  main.append(el("h1", {}, "Models"), el("div", { class: "card" },
    table(["Model", "Owner", "Base model", { text: "Parameters", class: "num" }, { text: "Size", class: "num" }, "Job", "Created", ""], rows, { "aria-label": "Models" })));
}
