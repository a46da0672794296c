using System.Globalization;
using System.Text;
using TuningService.Samples.ForgettingExperiment.Data;
using TuningService.Samples.ForgettingExperiment.Runs;

namespace TuningService.Samples.ForgettingExperiment.Report;

/// <summary>
/// The experiment's Markdown report: the command that made it, the setup, the table (target-task gain and forgetting
/// per run, the ICL baseline, training time, trainable parameters), the chart, and side-by-side generations. Every
/// number comes from the runs; the prose around them states only what the numbers say.
/// </summary>
public static class ExperimentReport
{
    public static string Write(ReportContext context)
    {
        var md = new StringBuilder();
        var runs = context.Runs;
        md.AppendLine("# Catastrophic forgetting on the shipped model: full fine-tuning, a multi-task mix, LoRA");
        md.AppendLine();
        md.AppendLine("Made by this command, from the repository root (it builds and starts the service, and overwrites this file and the chart):");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(context.Command);
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine(Invariant($"Run {context.Started:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores ({context.Machine}); code at commit {context.Commit}. The whole experiment took {context.TotalSeconds / 60:F1} minutes."));
        md.AppendLine();
        AppendSetup(md, context);
        AppendResults(md, context);
        AppendSamples(md, runs);
        AppendStories(md, context.Stories);
        AppendCaveats(md, context);
        return md.ToString();
    }

    static void AppendSetup(StringBuilder md, ReportContext context)
    {
        var options = context.Options;
        md.AppendLine("## Setup");
        md.AppendLine();
        md.AppendLine(Invariant($"- **Base model**: `babyllama-tinystories`, the service's built-in model: {context.BaseParameters:N0} parameters, a character-level Llama trained only on TinyStories. It has never seen a film review or a sentiment label."));
        md.AppendLine(Invariant($"- **Target tasks** (N = {options.TrainExamples} training examples each):"));
        foreach (var task in context.Tasks) md.AppendLine($"  - **{task.Short}**: {task.Description}");
        md.AppendLine("- **Gain**: test accuracy of the fine-tuned model minus the base model's (greedy generation; the service scores completions from a small label set as classification), as the service's evaluation reports it (`GET /v1/fine_tuning/jobs/{id}/evaluation`, `test`).");
        md.AppendLine(Invariant($"- **Forgetting**: perplexity per character on the retention set, fine-tuned minus base (positive = worse). The set is the service's default for this model, `{context.RetentionSet ?? "heldout_stories"}`: 50 held-out TinyStories-style stories that no run trains on."));
        md.AppendLine(Invariant($"- **Runs**, three per task, created one after another through `POST /v1/fine_tuning/jobs`, all with seed {options.Seed}, {options.Epochs} epochs, batch size {options.BatchSize}, the task's files, test file and `icl_shots: {options.IclShots}`; the learning rate is the service's `auto` for each method:"));
        foreach (var (run, i) in context.Runs.DistinctBy(r => r.Name).Select((r, i) => (r, i)))
            md.AppendLine(Invariant($"  {i + 1}. **{run.Name}**: {run.Description} (learning rate {Format(run.LearningRate, "G3")})."));
        md.AppendLine(Invariant($"- **ICL baseline**: the base model with {options.IclShots} training example(s) before each test prompt (`icl_shots`), no training; measured by the service in each job (the same figure in a task's three jobs)."));
        md.AppendLine();
        md.AppendLine("**Why pseudo-rehearsal for the story text.** The mix needs text of the kind the model knew, but TinyStories itself is not in this repository " +
                      "(and a real user of a fine-tuning service rarely has a model's pre-training data), and the held-out stories must stay unseen because they measure the forgetting. " +
                      Invariant($"So the {context.Stories.Count} stories of the `stories` task were sampled from the base model itself, before any fine-tuning, through `POST /v1/completions` ") +
                      Invariant($"(from BOS, temperature {PseudoRehearsal.Temperature:0.0}, top-k {PseudoRehearsal.TopK}, seeded; cut at the last full sentence): pseudo-rehearsal (Robins, 1995, *Catastrophic forgetting, rehearsal and pseudorehearsal*, Connection Science 7(2)), ") +
                      "in the form LAMOL uses for language models (Sun, Ho & Lee, 2020, *LAMOL: LAnguage MOdeling for Lifelong Language Learning*, ICLR): the model's own samples stand in for its old data. " +
                      "They are uploaded as `{\"text\": ...}` records, so the loss covers every character.");
        md.AppendLine();
    }

    static void AppendResults(StringBuilder md, ReportContext context)
    {
        md.AppendLine("## Results");
        md.AppendLine();
        md.AppendLine("| task | run | trainable parameters | steps | training time | test accuracy base → fine-tuned (gain) | test macro-F1 base → fine-tuned | retention perplexity base → fine-tuned (forgetting) | job id |");
        md.AppendLine("|---|---|---:|---:|---:|---|---|---|---|");
        foreach (var group in context.Runs.GroupBy(r => r.Task))
        {
            foreach (var run in group) AppendRow(md, run);
            AppendIclRow(md, group.ToList(), context.Options.IclShots);
        }
        md.AppendLine();
        foreach (var group in context.Runs.GroupBy(r => r.Task))
        {
            if (group.FirstOrDefault(r => r.Icl is not null)?.Icl is { } prompting)
                md.AppendLine(Invariant($"ICL prompting, {group.Key}: {prompting.Shots} shot(s) asked for; {prompting.PromptsWithFewerShots} of {prompting.Prompts} test prompts had room for fewer ({prompting.PromptsWithoutShots} for none), {prompting.MeanShotsUsed:F2} shots on average (the model's context is 256 characters).\n"));
        }
        md.AppendLine("![Target-task gain against forgetting per run](forgetting-experiment.png)");
        md.AppendLine();
        md.AppendLine("The chart draws forgetting as the ratio of the perplexities, fine-tuned ÷ base, on a log axis (the runs differ by orders of magnitude); 1 is no change, where the ICL baseline sits by construction.");
        md.AppendLine();
        md.AppendLine("A gain up to the task's chance level is the answer format (the base model never answers in it, so it scores 0); only accuracy above chance is the skill.");
        md.AppendLine();
        foreach (var run in context.Runs.Where(r => r.Accuracy is not null && r.RetentionPerplexity is not null))
        {
            var (accuracy, retention) = (run.Accuracy!, run.RetentionPerplexity!);
            md.AppendLine(Invariant($"- **{run.Label}**: test accuracy {accuracy.After:F3} ({Signed(run.GainPoints, "F1")} points over the base; chance {run.Chance:F3}, {Signed(run.StandardErrorsAboveChance, "F1")} standard errors from it); held-out-story perplexity {retention.Before:F3} → {retention.After:F3} (×{retention.After / retention.Before:F2})."));
        }
        md.AppendLine();
        foreach (var group in context.Runs.Where(r => r.Forgetting is not null && r.GainPoints is not null).GroupBy(r => r.Task))
        {
            md.AppendLine(Invariant($"{group.Key}, forgetting from least to most: {string.Join(", ", group.OrderBy(r => r.Forgetting).Select(r => $"{r.Name} ({Signed(r.Forgetting, "F3")})"))}; ") +
                          Invariant($"gain from most to least: {string.Join(", ", group.OrderByDescending(r => r.GainPoints).Select(r => $"{r.Name} ({Signed(r.GainPoints, "F1")})"))}."));
            md.AppendLine();
        }
    }

    static void AppendRow(StringBuilder md, RunMeasurement run)
    {
        var status = run.Status == "succeeded" ? "" : $" **{run.Status}**{(run.Error is null ? "" : ": " + run.Error)}";
        var cells = new[]
        {
            Invariant($"{run.Task} (chance {run.Chance:F3})"), run.Name + status, Format(run.TrainableParameters) + Share(run), Format(run.Steps),
            $"{Seconds(run.TrainingSeconds)} ({Seconds(run.WallSeconds)} with evaluation)",
            $"{Arrow(run.Accuracy, "F3")} ({Signed(run.GainPoints, "F1")} points)", Arrow(run.MacroF1, "F3"),
            $"{Arrow(run.RetentionPerplexity, "F3")} ({Signed(run.Forgetting, "F3")})", $"`{run.JobId}`",
        };
        md.AppendLine("| " + string.Join(" | ", cells) + " |");
    }

    static void AppendIclRow(StringBuilder md, IReadOnlyList<RunMeasurement> runs, int shots)
    {
        var icl = runs.FirstOrDefault(r => r.IclAccuracy is not null && r.Accuracy is not null);
        if (icl is null) return;
        var gain = 100 * (icl.IclAccuracy!.Value - icl.Accuracy!.Before);
        md.AppendLine(Invariant($"| {icl.Task} (chance {icl.Chance:F3}) | ICL baseline ({shots}-shot, no training) | 0 | 0 | 0 s | {Format(icl.Accuracy.Before, "F3")} → {Format(icl.IclAccuracy, "F3")} ({Signed(gain, "F1")} points) | | unchanged: no weight changes | |"));
    }

    static void AppendSamples(StringBuilder md, IReadOnlyList<RunMeasurement> all)
    {
        foreach (var group in all.GroupBy(r => r.Task)) AppendTaskSamples(md, group.Key, group.ToList());
    }

    static void AppendTaskSamples(StringBuilder md, string task, IReadOnlyList<RunMeasurement> runs)
    {
        var first = runs.FirstOrDefault(r => r.Samples.Count > 0);
        if (first is null) return;
        md.AppendLine($"## {task}: test generations side by side");
        md.AppendLine();
        md.Append("| prompt | expected | base | ICL |");
        foreach (var run in runs) md.Append($" {run.Name} |");
        md.AppendLine();
        md.AppendLine("|---|---|---|---|" + string.Concat(runs.Select(_ => "---|")));
        for (var i = 0; i < first.Samples.Count; i++)
        {
            var sample = first.Samples[i];
            md.Append($"| {Cell(sample.Prompt)} | {Cell(sample.Expected)} | {Cell(sample.Base)} | {Cell(sample.Icl)} |");
            foreach (var run in runs) md.Append($" {Cell(i < run.Samples.Count ? run.Samples[i].FineTuned : null)} |");
            md.AppendLine();
        }
        md.AppendLine();
    }

    static void AppendStories(StringBuilder md, IReadOnlyList<string> stories)
    {
        md.AppendLine("## Pseudo-rehearsal stories (the first two of the mix)");
        md.AppendLine();
        foreach (var story in stories.Take(2)) md.AppendLine($"> {story}\n");
    }

    static void AppendCaveats(StringBuilder md, ReportContext context)
    {
        md.AppendLine("## How far the numbers go");
        md.AppendLine();
        md.AppendLine(Invariant($"- One seed, one split. With {Sst2Preparation.TestCount} test sentences an accuracy near 0.5–0.7 has a standard error of about {100 * Math.Sqrt(0.25 / Sst2Preparation.TestCount):F1} points, so accuracy differences of a few points between runs are within noise; the perplexity changes are over every character of 50 stories and are far less noisy."));
        md.AppendLine("- The learning rate differs by method (the service's `auto`); the runs compare each method as a user would get it, not at equal step sizes.");
        md.AppendLine("- The mix adds the stories to the task's examples rather than replacing some, so it trains for more steps (see the table) on the same target-task data.");
        md.AppendLine("- The stories are the base model's own samples, so they are only as good as the model (see above); they stand for its domain, not for TinyStories itself.");
        md.AppendLine("- A 936K-parameter character model is a toy. The point is the measurement: the same three jobs and the same report work for any base model the service serves.");
    }

    static string Share(RunMeasurement run) =>
        run.TrainableParameters is { } t && run.TotalParameters is { } all && all > 0 && t != all ? Invariant($" ({100.0 * t / all:F1}%)") : "";

    static string Arrow(BeforeAfter? value, string format) =>
        value is null ? "n/a" : $"{Format(value.Before, format)} → {Format(value.After, format)}";

    static string Seconds(double? seconds) => seconds is null ? "n/a" : Invariant($"{seconds:F0} s");

    static string Format(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "n/a";

    static string Format(long? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "n/a";

    static string Format(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "n/a";

    static string Signed(double? value, string format) =>
        value is not { } v || double.IsNaN(v) ? "n/a" : (v >= 0 ? "+" : "−") + Math.Abs(v).ToString(format, CultureInfo.InvariantCulture);

    /// <summary>A table cell: pipes escaped, whitespace shown as it is (a generated label often starts with a space).</summary>
    static string Cell(string? text) => text is null ? "n/a" : "`" + text.Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal) + "`";

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
