// Evaluation: GET .../evaluation — base vs in-context vs fine-tuned on the test data with the change, the forgetting
// on retention data as a chart, and the generated samples side by side with their differences from the reference marked.
import { get } from "../api.js";
import { el, fmt, table, color, lineChart, setSeries } from "../ui.js";

export async function evaluationPage(main, scope, jobId) {
  const base = `/v1/fine_tuning/jobs/${encodeURIComponent(jobId)}`;
  const status = el("p", { "aria-live": "polite" });
  const body = el("div");
  main.append(el("div", { class: "row" }, el("h1", {}, `Evaluation of ${jobId}`), el("a", { href: `#/jobs/${encodeURIComponent(jobId)}` }, "← back to the job")),
    el("div", { class: "card" }, status), body);

  let drawn = "";
  scope.every(3000, async () => {
    const report = await get(`${base}/evaluation`);
    status.replaceChildren(el("strong", {}, report.status.replaceAll("_", " ")), ": ", report.message);
    const key = JSON.stringify([report.status, report.test?.fine_tuned !== null, report.retention?.length, report.checkpoints?.length]);
    if (key === drawn) return;
    drawn = key;
    body.replaceChildren();
    if (report.test) drawTest(report.test);
    if (report.retention?.length) drawForgetting(report.retention, report.checkpoints ?? []);
  });

  function drawTest(test) {
    const icl = new Map((test.icl_change ?? []).map((c) => [c.metric, c]));
    const metrics = test.change?.length ? test.change : (test.icl_change ?? []);
    const rows = metrics.map((c) => {
      const i = icl.get(c.metric);
      const better = c.worsening < 0, worse = c.worsening > 0;
      return el("tr", {},
        el("th", { scope: "row" }, c.metric, el("span", { class: "muted" }, c.higher_is_better ? " (higher is better)" : " (lower is better)")),
        el("td", { class: "num" }, fmt.num(c.before)),
        el("td", { class: "num" }, i ? fmt.num(i.after) : "—"),
        el("td", { class: "num" }, test.change?.length ? fmt.num(c.after) : "—"),
        el("td", { class: `num ${better ? "better" : worse ? "worse" : ""}` }, test.change?.length ? `${c.change > 0 ? "+" : ""}${fmt.num(c.change)} ${better ? "▲ better" : worse ? "▼ worse" : ""}` : "—"));
    });
    body.append(el("div", { class: "card" },
      el("h2", {}, `Test data: ${test.dataset_name} (${test.records} records)`),
      rows.length ? table(["Metric", { text: "Base", class: "num" }, { text: "In-context", class: "num" }, { text: "Fine-tuned", class: "num" }, { text: "Change (base → fine-tuned)", class: "num" }], rows, { "aria-label": "Metrics before and after" })
        : el("p", { class: "muted" }, "No metrics yet."),
      test.icl_prompting ? el("p", { class: "help" }, `In-context baseline: ${test.icl_prompting.shots} shots, ${test.icl_prompting.mean_shots_used?.toFixed?.(1) ?? "?"} used on average.`) : null));
    if (test.samples?.length) drawSamples(test.samples);
  }

  function drawSamples(samples) {
    const output = (text, expected) => {
      if (text === null || text === undefined) return el("td", { class: "muted" }, "—");
      const match = text.trim() === expected.trim();
      return el("td", { class: match ? "match" : "miss" }, el("span", { class: "sr-only" }, match ? "matches: " : "differs: "), ...wordDiff(expected, text));
    };
    const hasIcl = samples.some((s) => s.icl !== null && s.icl !== undefined);
    const rows = samples.map((s) => el("tr", {},
      el("td", {}, s.prompt), el("td", {}, s.expected), output(s.base, s.expected), hasIcl ? output(s.icl, s.expected) : null, output(s.fine_tuned, s.expected)));
    body.append(el("div", { class: "card" }, el("h2", {}, "Samples side by side"),
      el("p", { class: "help" }, "Green cell: the output equals the expected answer. Within an output, ", el("ins", {}, "added"), " words are not in the expected answer and ", el("del", {}, "struck"), " words are missing from it."),
      table(["Prompt", "Expected", "Base", ...(hasIcl ? ["In-context"] : []), "Fine-tuned"], rows, { class: "samples", "aria-label": "Samples" })));
  }

  function drawForgetting(retention, checkpoints) {
    const canvas = el("canvas", { role: "img", "aria-label": "Forgetting per retention set and metric (positive: got worse)" });
    const curve = el("canvas", { role: "img", "aria-label": "Validation and retention loss at each checkpoint" });
    const rows = retention.flatMap((r) => r.forgetting.map((f) => el("tr", {},
      el("td", {}, r.dataset_name), el("td", {}, f.metric), el("td", { class: "num" }, fmt.num(f.before)), el("td", { class: "num" }, fmt.num(f.after)),
      el("td", { class: `num ${f.worsening > 0 ? "worse" : "better"}` }, fmt.num(f.worsening)))));
    body.append(el("div", { class: "card" }, el("h2", {}, "Forgetting on retention data"),
      el("div", { class: "grid2" }, el("div", { class: "chart-box" }, curve), el("div", { class: "chart-box" }, canvas)),
      retention.map((r) => r.summary ? el("p", {}, r.summary) : null),
      table(["Retention set", "Metric", { text: "Before", class: "num" }, { text: "After", class: "num" }, { text: "Forgetting", class: "num" }], rows)));
    // The trade-off over training: the target task's validation loss against each retention set's loss, from the
    // base model (step 0) through every checkpoint — where to stop before the model forgets too much.
    const losses = lineChart(scope, curve, "Loss at each checkpoint: target task vs retention data", "loss");
    const steps = [...checkpoints].sort((a, b) => a.step - b.step);
    const series = [{ label: "validation loss", points: steps.filter((c) => c.validation?.teacher_forced).map((c) => ({ x: c.step, y: c.validation.teacher_forced.loss })) }];
    for (const r of retention) {
      const before = r.before?.teacher_forced ? [{ x: 0, y: r.before.teacher_forced.loss }] : [];
      series.push({ label: `retention loss: ${r.dataset_name}`, dashed: true, points: [...before,
        ...steps.flatMap((c) => c.retention.filter((x) => x.dataset_id === r.dataset_id && x.teacher_forced).map((x) => ({ x: c.step, y: x.teacher_forced.loss })))] });
    }
    setSeries(losses, series.filter((x) => x.points.length));
    // Perplexity is left out of the bars: exp(loss) turns a loss change into thousands of percent and flattens the rest.
    const metrics = [...new Set(retention.flatMap((r) => r.forgetting.map((f) => f.metric)))].filter((m) => m !== "perplexity");
    scope.chart(canvas, {
      type: "bar",
      data: {
        labels: metrics,
        // Relative to the value before: loss, perplexity and accuracy live on scales too far apart for one axis.
        datasets: retention.map((r, i) => ({
          label: r.dataset_name, backgroundColor: color(i),
          data: metrics.map((m) => { const f = r.forgetting.find((x) => x.metric === m); return f && f.before ? (100 * f.worsening) / Math.abs(f.before) : null; }),
        })),
      },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        scales: { y: { title: { display: true, text: "worse after training, % of before" } } },
        plugins: { title: { display: true, text: "Forgetting per metric (above 0: worse after training)" } },
      },
    });
  }
}

/**
 * Word-level differences of an output from the expected text, as ins/del nodes. A longest-common-subsequence over
 * words: 25 lines for sample texts of a few dozen words did not justify vendoring a diff library.
 */
export function wordDiff(expected, actual) {
  const a = expected.split(/(\s+)/).filter(Boolean), b = actual.split(/(\s+)/).filter(Boolean);
  if (a.length * b.length > 250_000) return [actual];
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--)
    lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out = [];
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) { out.push(b[j]); i++; j++; }
    else if (j < b.length && (i >= a.length || lcs[i][j + 1] >= lcs[i + 1][j])) { out.push(/^\s+$/.test(b[j]) ? b[j] : el("ins", {}, b[j])); j++; }
    else { if (!/^\s+$/.test(a[i])) out.push(el("del", {}, a[i])); i++; }
  }
  return out;
}
