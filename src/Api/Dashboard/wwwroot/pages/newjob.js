// New job: pick a model and files (or drop a file to upload it, with progress and the validation errors by line),
// preview the first records through a template, set hyperparameters, see the dry-run plan, then start it.
import { get, post, upload } from "../api.js";
import { el, fmt, field, showError, table } from "../ui.js";

// Defaults as the service documents them (CreateFineTuningJobRequest); "auto" lets the service choose from the data.
const hyperparameters = [
  ["n_epochs", "Epochs", "auto", "Passes over the training data; auto picks from the data size."],
  ["batch_size", "Batch size", "auto", "Examples per step; auto picks from the data size."],
  ["learning_rate_multiplier", "Learning rate multiplier", "auto", "Scales the model's base learning rate."],
  ["learning_rate", "Learning rate", "", "Absolute peak learning rate; overrides the multiplier when set."],
  ["lr_scheduler", "LR schedule", "linear", "After warmup: linear, cosine or constant.", ["linear", "cosine", "constant"]],
  ["warmup_ratio", "Warmup ratio", "0.1", "Share of steps spent warming up (0..1)."],
  ["weight_decay", "Weight decay", "0", "AdamW decoupled weight decay (≥ 0)."],
  ["max_grad_norm", "Max gradient norm", "1", "Clip gradients to this global norm; 0 turns clipping off."],
  ["max_seq_length", "Max sequence length", "", "Longest training sequence in tokens (empty: the model's context)."],
  ["training_type", "Training type", "full", "Full fine-tuning, or LoRA adapters (much less memory).", ["full", "lora"]],
  ["lora_r", "LoRA rank", "", "LoRA only: the adapters' rank (default 8)."],
  ["eval_every_steps", "Validate every N steps", "0", "Besides epoch ends; 0: epoch ends only."],
  ["checkpoint_every_steps", "Checkpoint every N steps", "0", "Besides epoch ends; 0: epoch ends only."],
  ["gradient_accumulation_steps", "Gradient accumulation", "1", "Batches per optimizer step."],
];

export async function newJobPage(main, scope, params) {
  const [models, files, templates] = await Promise.all([get("/v1/models"), get("/v1/files"), get("/v1/templates").catch(() => ({ data: [] }))]);
  const model = el("select", {}, models.data.map((m) => el("option", { value: m.id }, m.id)));
  if (params.get("model")) {
    if (![...model.options].some((o) => o.value === params.get("model"))) model.append(el("option", { value: params.get("model") }, params.get("model")));
    model.value = params.get("model");
  }
  const fileOptions = (select, optional) => {
    const chosen = select.value;
    select.replaceChildren(...(optional ? [el("option", { value: "" }, "none")] : []),
      ...files.data.map((f) => el("option", { value: f.id }, `${f.filename} (${f.id}, ${f.record_count} records)`)));
    if (chosen) select.value = chosen;
  };
  const training = el("select"); const validation = el("select");
  fileOptions(training, false); fileOptions(validation, true);
  const method = el("select", {}, el("option", { value: "supervised" }, "supervised"), el("option", { value: "dpo" }, "dpo (preference pairs)"));
  const template = el("select", {}, el("option", { value: "" }, "the format's default rendering"), templates.data.map((t) => el("option", { value: t.name }, t.name)));
  const suffix = el("input", { type: "text", maxlength: 64 });
  const testSplit = el("input", { type: "number", min: 0, max: 0.9, step: 0.05, value: "" });
  const iclShots = el("input", { type: "number", min: 0, step: 1, value: "" });

  // Upload: drop a file (or choose one) — XMLHttpRequest reports progress; a bad file's errors come back by line.
  const progress = el("progress", { max: 1, value: 0, hidden: true, "aria-label": "Upload progress" });
  const uploadStatus = el("div", { "aria-live": "polite" });
  const chooser = el("input", { type: "file", accept: ".jsonl,.json,.csv,.tsv", "aria-label": "Choose a dataset file" });
  const drop = el("div", { class: "drop", "data-testid": "drop-zone" }, el("p", {}, "Drop a dataset here (JSONL, JSON, CSV, TSV) or "), chooser, progress, uploadStatus);
  const send = async (file) => {
    progress.hidden = false; progress.value = 0;
    uploadStatus.replaceChildren(`Uploading ${file.name}…`);
    try {
      const stored = await upload(file, (share) => { progress.value = share; });
      progress.value = 1;
      files.data.unshift(stored);
      fileOptions(training, false); fileOptions(validation, true);
      training.value = stored.id;
      uploadStatus.replaceChildren(el("p", { class: "better" }, `Uploaded ${stored.filename} as ${stored.id}: ${stored.record_count} records (${stored.format}).`));
    } catch (err) {
      progress.hidden = true;
      // "Invalid file: N problem(s) found, nothing was stored. line 2: …; line 5: …" — one list item per problem.
      const [head, ...problems] = err.message.split(/(?<=nothing was stored\.) /);
      uploadStatus.replaceChildren(el("div", { role: "alert", class: "upload-error" }, el("p", { class: "worse" }, head),
        problems.length ? el("ul", { class: "errors-list" }, problems.join(" ").split("; ").map((p) => el("li", {}, p))) : null));
    }
  };
  chooser.addEventListener("change", () => chooser.files[0] && send(chooser.files[0]));
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); if (e.dataTransfer.files[0]) send(e.dataTransfer.files[0]); });

  const hyperInputs = new Map(hyperparameters.map(([name, , value, , choices]) => [name, choices
    ? el("select", {}, choices.map((c) => el("option", { value: c, selected: c === value }, c)))
    : el("input", { type: "text", value, inputmode: "decimal" })]));

  const preview = el("div");
  const previewButton = el("button", { type: "button", class: "secondary" }, "Preview the first records");
  previewButton.addEventListener("click", async () => {
    if (!training.value) { showError(new Error("Choose or upload a training file first.")); return; }
    try {
      const answer = await post(`/v1/files/${encodeURIComponent(training.value)}/preview`, { model: model.value, template: template.value || undefined, limit: 3 });
      showError(null);
      preview.replaceChildren(el("p", { class: "help" }, "Green tokens carry the loss; grey ones are context only."),
        ...answer.warnings.map((w) => el("p", { class: "worse" }, w)),
        ...answer.data.map((r) => el("div", { class: "card" }, el("h3", {}, `Record ${r.position}${r.truncated ? " (truncated)" : ""}`),
          el("pre", { class: "tokens" }, r.tokens.map((t) => el("span", { class: t.loss ? "tok-loss" : "tok-noloss" }, t.text ?? t.token ?? ""))))));
    } catch (err) { showError(err); }
  });

  const plan = el("div", { "aria-live": "polite" });
  const planButton = el("button", { type: "button", class: "secondary" }, "Plan (dry run)");
  const startButton = el("button", { type: "button", disabled: true }, "Start job");

  const requestBody = () => {
    const hp = {};
    for (const [name, input] of hyperInputs) {
      const raw = input.value.trim();
      if (raw === "") continue;
      hp[name] = raw === "auto" || Number.isNaN(Number(raw)) ? raw : Number(raw);
    }
    if (hp.training_type !== "lora") delete hp.lora_r;
    const body = { model: model.value, training_file: training.value, method: { type: method.value, [method.value]: { hyperparameters: hp } } };
    if (validation.value) body.validation_file = validation.value;
    if (suffix.value.trim()) body.suffix = suffix.value.trim();
    if (template.value) body.template = template.value;
    if (testSplit.value) body.test_split = Number(testSplit.value);
    if (iclShots.value) body.icl_shots = Number(iclShots.value);
    return body;
  };
  // Any change invalidates the plan shown: the job started must be the one planned.
  main.addEventListener("input", () => { startButton.disabled = true; });
  main.addEventListener("change", () => { startButton.disabled = true; });

  planButton.addEventListener("click", async () => {
    try {
      const p = await post("/v1/fine_tuning/jobs", { ...requestBody(), dry_run: true });
      showError(null);
      plan.replaceChildren(drawPlan(p));
      startButton.disabled = false;
    } catch (err) { plan.replaceChildren(); showError(err); }
  });
  startButton.addEventListener("click", async () => {
    startButton.disabled = true;
    try { const job = await post("/v1/fine_tuning/jobs", requestBody()); location.hash = `#/jobs/${encodeURIComponent(job.id)}`; }
    catch (err) { showError(err); startButton.disabled = false; }
  });

  main.append(el("h1", {}, "New fine-tuning job"),
    el("div", { class: "grid2" },
      el("div", { class: "card" }, el("h2", {}, "Model and data"),
        field("job-model", "Model", model, "A base model, a fine-tuned one, or a checkpoint (ft:…:ckpt-step-N) to continue from."),
        field("job-method", "Method", method),
        field("job-training", "Training file", training),
        field("job-validation", "Validation file", validation, "Optional: the validation loss is measured at epoch ends."),
        field("job-template", "Template", template, "How records become prompt and completion (GET /v1/templates)."),
        field("job-suffix", "Suffix", suffix, "Up to 64 characters added to the fine-tuned model's name."),
        el("div", { class: "row" },
          field("job-test-split", "Test split", testSplit, "Hold out this share for the before/after evaluation."),
          field("job-icl", "In-context shots", iclShots, "Also evaluate the base model prompted with this many examples."))),
      el("div", { class: "card" }, el("h2", {}, "Upload a file"), drop)),
    el("div", { class: "card" }, el("h2", {}, "Hyperparameters"),
      el("div", { class: "hyper" }, hyperparameters.map(([name, label, , help]) => field(`hp-${name}`, label, hyperInputs.get(name), help)))),
    el("div", { class: "card" }, el("div", { class: "row" }, previewButton, planButton, startButton), plan, preview));
}

function drawPlan(p) {
  // The memory estimate is reported by newer services only; shown when the dry run has one.
  const memory = Object.entries(p).filter(([k]) => k.includes("memory"));
  const rows = [
    ["Training examples", fmt.int(p.training_examples)], ["Validation examples", fmt.int(p.validation_examples)],
    ["Tokens per epoch", fmt.int(p.trained_tokens_per_epoch)], ["Tokens in all", fmt.int(p.trained_tokens)],
    ["Steps", `${fmt.int(p.total_steps)} (${fmt.int(p.steps_per_epoch)} per epoch)`],
    ["Estimated duration", `${fmt.duration(p.estimated_duration_seconds)} at ${fmt.num(p.estimate_tokens_per_second, 0)} tokens/s (${p.estimate_source})`],
    ["Resolved", `epochs ${p.hyperparameters.n_epochs}, batch ${p.hyperparameters.batch_size}, lr ${fmt.num(p.hyperparameters.learning_rate, 8)}`],
    ["Truncated examples", fmt.int(p.truncated_examples)],
    ...memory.flatMap(([k, v]) => memoryRows(k, v)),
  ];
  return el("div", { class: "card", "data-testid": "dry-run-plan" }, el("h2", {}, "Plan"),
    el("dl", { class: "kv" }, rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
    ...[...p.hyperparameter_notes, ...p.warnings, ...p.notes].map((n) => el("p", { class: "help" }, n)));
}

/** A memory estimate as rows: numbers named *bytes shown as sizes, an object's fields one row each. */
function memoryRows(name, value, depth = 0) {
  const label = name.replaceAll("_", " ");
  if (typeof value === "number") return [[label, /bytes$/.test(name) ? fmt.bytes(value) : fmt.num(value, 2)]];
  if (value && typeof value === "object" && depth < 2) return Object.entries(value).flatMap(([k, v]) => memoryRows(`${name}.${k}`, v, depth + 1));
  return [[label, value === null ? "—" : typeof value === "object" ? JSON.stringify(value) : String(value)]];
}
