// A job: live charts from GET .../metrics (loss: train, validation, per task; DPO rewards; learning rate; tokens/s),
// the events as a following log, the checkpoints with downloads, and the actions its status allows.
import { get, post, download } from "../api.js";
import { el, fmt, statusBadge, table, lineChart, setSeries, showError } from "../ui.js";

const terminal = ["succeeded", "failed", "cancelled"];
const preferenceCurves = ["rewards/margins", "rewards/accuracies", "valid_rewards/margins", "valid_rewards/accuracies", "rewards/chosen", "rewards/rejected"];

export async function jobPage(main, scope, jobId) {
  const base = `/v1/fine_tuning/jobs/${encodeURIComponent(jobId)}`;
  const heading = el("h1", {}, `Job ${jobId}`);
  const summary = el("dl", { class: "kv" });
  const actions = el("div", { class: "row" });
  const canvas = (label) => el("canvas", { role: "img", "aria-label": label });
  const lossCanvas = canvas("Loss curves: training, validation and per task");
  const prefCanvas = canvas("DPO rewards and accuracy");
  const lrCanvas = canvas("Learning rate per step");
  const tpsCanvas = canvas("Tokens per second per step");
  const prefCard = el("div", { class: "card", hidden: true }, el("div", { class: "chart-box" }, prefCanvas));
  const log = el("div", { class: "log", role: "log", "aria-label": "Job events", tabindex: 0 });
  const checkpoints = el("div");
  const pointCount = el("span", { class: "muted", "data-testid": "metric-points" });

  main.append(heading,
    el("div", { class: "card" }, el("div", { class: "row" }, actions), summary),
    el("div", { class: "grid2" },
      el("div", { class: "card" }, el("div", { class: "chart-box" }, lossCanvas), pointCount),
      prefCard,
      el("div", { class: "card" }, el("div", { class: "chart-box" }, lrCanvas)),
      el("div", { class: "card" }, el("div", { class: "chart-box" }, tpsCanvas))),
    el("div", { class: "grid2" },
      el("div", { class: "card" }, el("h2", {}, "Events"), log),
      el("div", { class: "card" }, el("h2", {}, "Checkpoints"), checkpoints)));

  const lossChart = lineChart(scope, lossCanvas, "Loss", "loss");
  const prefChart = lineChart(scope, prefCanvas, "DPO rewards and accuracy", "value");
  const lrChart = lineChart(scope, lrCanvas, "Learning rate", "learning rate");
  const tpsChart = lineChart(scope, tpsCanvas, "Tokens per second", "tokens/s");

  let finished = false;
  let shownEvents = 0;
  let checkpointKey = "";
  const refresh = async () => {
    if (finished) return;
    const [job, metrics, events] = await Promise.all([get(base), get(`${base}/metrics`), get(`${base}/events?limit=500`)]);
    drawSummary(job);
    drawCharts(metrics.data);
    drawEvents(events.data);
    const cps = await get(`${base}/checkpoints?limit=100`);
    const key = cps.data.map((c) => c.id).join() + job.best_checkpoint + job.status;
    if (key !== checkpointKey) { checkpointKey = key; drawCheckpoints(job, cps.data); }
    if (terminal.includes(job.status)) finished = true;
  };

  const action = (label, verb, enabled, help) => el("button", {
    type: "button", class: "secondary", disabled: !enabled, title: help,
    onclick: async (e) => {
      e.target.disabled = true;
      try { await post(`${base}/${verb}`); showError(null); finished = false; await refresh(); } catch (err) { showError(err); e.target.disabled = false; }
    },
  }, label);

  function drawSummary(job) {
    const p = job.progress ?? {};
    const hp = job.hyperparameters ?? {};
    const isLora = hp.training_type === "lora";
    actions.replaceChildren(
      statusBadge(job.status),
      action("Pause", "pause", ["queued", "running"].includes(job.status), "Only a queued or running job can be paused"),
      action("Resume", "resume", job.status === "paused", "Only a paused job can be resumed"),
      action("Cancel", "cancel", !terminal.includes(job.status), "A finished job cannot be cancelled"),
      el("a", { href: `#/jobs/${encodeURIComponent(job.id)}/evaluation`, class: "button" }, "Evaluation"),
      job.fine_tuned_model ? el("a", { href: `#/playground?model=${encodeURIComponent(job.fine_tuned_model)}&base=${encodeURIComponent(job.model)}`, class: "button" }, "Chat with it") : null);
    const rows = [
      ["Model", job.model], ["Fine-tuned model", job.fine_tuned_model ?? "—"], ["Method", `${job.method?.type ?? "supervised"}${isLora ? " (LoRA)" : ""}`],
      ["Phase", p.phase ?? "—"], ["Progress", `step ${p.step ?? 0} of ${p.total_steps || "?"}, epoch ${p.epoch ?? 0}`],
      ["Tokens/s", fmt.num(p.tokens_per_second, 0)], ["Estimated finish", fmt.time(job.estimated_finish)],
      ["Trained tokens", fmt.int(job.trained_tokens)], ["Hyperparameters", `epochs ${hp.n_epochs}, batch ${hp.batch_size}, lr multiplier ${hp.learning_rate_multiplier}, lr ${fmt.num(hp.learning_rate, 8)}, ${hp.lr_scheduler}`],
      ["Training file", job.training_file], ["Validation file", job.validation_file ?? "—"], ["Device", job.device ?? "—"],
      ["Created", fmt.time(job.created_at)], ["Finished", fmt.time(job.finished_at)],
    ];
    if (job.error) rows.push(["Error", job.error.message]);
    summary.replaceChildren(...rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
  }

  function drawCharts(points) {
    const series = [{ label: "train loss", points: points.map((p) => ({ x: p.step, y: p.train_loss })) }];
    const valid = points.filter((p) => p.valid_loss !== null && p.valid_loss !== undefined);
    if (valid.length) series.push({ label: "validation loss", points: valid.map((p) => ({ x: p.step, y: p.valid_loss })) });
    const tasks = new Map();
    for (const p of points) for (const [task, m] of Object.entries(p.per_task ?? {})) {
      if (m?.valid_loss === null || m?.valid_loss === undefined) continue;
      if (!tasks.has(task)) tasks.set(task, []);
      tasks.get(task).push({ x: p.step, y: m.valid_loss });
    }
    for (const [task, pts] of tasks) series.push({ label: `validation loss: ${task}`, points: pts, dashed: true });
    setSeries(lossChart, series);
    pointCount.textContent = `${points.length} steps recorded`;
    pointCount.dataset.points = String(points.length);

    const pref = points.filter((p) => p.preference);
    prefCard.hidden = pref.length === 0;
    if (pref.length) setSeries(prefChart, preferenceCurves
      .map((name) => ({ label: name, points: pref.filter((p) => name in p.preference).map((p) => ({ x: p.step, y: p.preference[name] })) }))
      .filter((s) => s.points.length));
    setSeries(lrChart, [{ label: "learning rate", points: points.map((p) => ({ x: p.step, y: p.learning_rate })) }]);
    setSeries(tpsChart, [{ label: "tokens/s", points: points.map((p) => ({ x: p.step, y: p.tokens_per_second })) }]);
  }

  function drawEvents(newestFirst) {
    if (newestFirst.length === shownEvents) return;
    // Follows the end like `tail -f` unless the reader scrolled up to read something.
    const atEnd = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
    const events = [...newestFirst].reverse();
    log.replaceChildren(...events.map((e) => el("div", { class: e.level === "error" ? "error" : e.level === "warn" ? "warn" : "" },
      `${new Date(e.created_at * 1000).toLocaleTimeString()}  ${e.message}${metricsText(e)}`)));
    shownEvents = newestFirst.length;
    if (atEnd) log.scrollTop = log.scrollHeight;
  }

  function drawCheckpoints(job, list) {
    if (!list.length) { checkpoints.replaceChildren(el("p", { class: "muted" }, "No checkpoints yet (saved at epoch ends).")); return; }
    // The figures that tell checkpoints apart, in short column names; others stay in the API's answer.
    const shortNames = { train_loss: "train loss", valid_loss: "valid loss", valid_mean_token_accuracy: "valid accuracy", full_valid_loss: "full valid loss" };
    const present = new Set(list.flatMap((c) => Object.keys(c.metrics ?? {})));
    const metricNames = Object.keys(shortNames).filter((n) => present.has(n));
    const isLora = job.hyperparameters?.training_type === "lora";
    const rows = list.map((c) => {
      const best = c.id === job.best_checkpoint;
      const save = (variant) => async () => {
        try { await download(`${base}/checkpoints/${encodeURIComponent(c.id)}/content${variant ? "?variant=" + variant : ""}`, `${job.id}-step-${c.step_number}.tar`); }
        catch (err) { showError(err); }
      };
      return el("tr", { "data-checkpoint": c.id },
        el("td", { class: "num" }, String(c.step_number)),
        ...metricNames.map((n) => el("td", { class: "num" }, fmt.num(c.metrics?.[n]))),
        el("td", {}, best ? el("span", { class: "best" }, "★ best") : ""),
        el("td", {}, el("div", { class: "row" },
          el("button", { type: "button", class: "secondary", onclick: save(null), "aria-label": `Download merged model at step ${c.step_number}` }, "Merged"),
          isLora ? el("button", { type: "button", class: "secondary", onclick: save("adapter"), "aria-label": `Download adapter at step ${c.step_number}` }, "Adapter") : null,
          el("a", { class: "button", href: `#/new?model=${encodeURIComponent(c.fine_tuned_model_checkpoint)}`, "aria-label": `Fork a new job from step ${c.step_number}` }, "Fork"))));
    });
    checkpoints.replaceChildren(table(["Step", ...metricNames.map((n) => shortNames[n]), "Best", "Download / fork"].map((h, i) => i === 0 || (i <= metricNames.length) ? { text: h, class: "num" } : h), rows, { "aria-label": "Checkpoints" }));
  }

  scope.every(2000, refresh);
}

/** A metrics event's figures after its "Step N" message, so the log reads on its own. */
function metricsText(e) {
  if (e.type !== "metrics" || !e.data) return "";
  const d = e.data;
  const parts = [["train loss", d.train_loss], ["valid loss", d.valid_loss], ["lr", d.learning_rate]]
    .filter(([, v]) => typeof v === "number").map(([k, v]) => `${k} ${k === "lr" ? v.toExponential(2) : fmt.num(v, 4)}`);
  return parts.length ? `: ${parts.join(", ")}` : "";
}
