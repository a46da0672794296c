using System.Globalization;
using System.Text;
using TuningService.Samples.ForgettingExperiment.Report;

namespace TuningService.Samples.ForgettingExperiment.Dpo;

/// <summary>
/// The DPO page: the command that made it, the task, the table (held-out preference accuracy and log-prob margin base
/// → tuned, loss and rewards at the start and end of training, retention perplexity) and the chart. Every number comes
/// from the runs; the prose states only what the numbers say.
/// </summary>
public static class DpoReport
{
    public const string Name = "dpo-experiment";

    public static string Write(DpoReportContext context)
    {
        var options = context.Options;
        var md = new StringBuilder();
        md.AppendLine("# DPO on the shipped model: story-name preferences, full fine-tuning and LoRA");
        md.AppendLine();
        md.AppendLine("Made by this command, from the repository root (it builds and starts the service, and overwrites this file, the chart and the runs' JSONL):");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(context.Command);
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine(Invariant($"Run {context.Started:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores ({context.Machine}); code at commit {context.Commit}. The whole experiment took {context.TotalSeconds / 60:F1} minutes."));
        md.AppendLine();
        md.AppendLine("## Setup");
        md.AppendLine();
        md.AppendLine(Invariant($"- **Base model**: `{DpoRunner.BaseModel}`, the service's built-in model: {context.BaseParameters:N0} parameters, a character-level Llama trained only on TinyStories."));
        md.AppendLine(Invariant($"- **Task** (the one the service's DPO test uses, built by `tests/Api.Tests/Support/StoryPreferences.cs`): the stories of `models/{DpoRunner.BaseModel}/heldout_stories.jsonl` that start with a character's name, cut to their first two sentences, with that name replaced by {options.NamesPerStory} others in turn; the prompt asks \"Who is this story about?\", the preferred answer is the name in the story, the non-preferred one another name from the same list that the story does not mention. The first 18 stories make {context.TrainPairs} training pairs; the other stories make {context.HeldOutPairs} held-out pairs, the jobs' validation and test file, never trained on. One training pair, as uploaded:"));
        md.AppendLine();
        md.AppendLine("  ```json");
        md.AppendLine("  " + context.ExamplePair);
        md.AppendLine("  ```");
        md.AppendLine(Invariant($"- **Runs**, created one after the other through `POST /v1/fine_tuning/jobs` with `method: {{\"type\": \"dpo\"}}`: sigmoid loss (the default), β {options.Beta}, {options.Epochs} epochs, {options.BatchSize} pairs a step, seed {options.Seed}, a constant learning rate given explicitly:"));
        md.AppendLine(Invariant($"  1. **full fine-tuning** (learning rate {options.FullLearningRate:G3}): every weight trained; the reference log-probs of every pair computed once by the starting model before training."));
        md.AppendLine(Invariant($"  2. **LoRA** (learning rate {options.LoraLearningRate:G3}): the service's default adapters (r 8, alpha 16, q_proj and v_proj), the base weights frozen; the reference is the same model with its adapters turned off."));
        md.AppendLine("- **Held-out preference accuracy**: the share of held-out pairs where the model gives the preferred answer the higher log-probability (summed over the answer's tokens, end of turn included); **mean log-prob margin**: the mean of log p(preferred) − log p(non-preferred), in nats. Both from the job's own evaluation (`GET /v1/fine_tuning/jobs/{id}/evaluation`, `test`), base model → tuned model.");
        md.AppendLine("- **Loss, rewards/accuracies, rewards/margins** at the start and the end of training: the means of the first and of the last three steps of the job's step metrics (`GET .../metrics`), as TRL's `DPOTrainer` defines them. The policy starts equal to its reference, so the loss starts at ln 2 ≈ 0.693 and no pair is ranked by a reward.");
        md.AppendLine("- **Retention perplexity**: perplexity per character on the service's default retention set for this model, `heldout_stories.jsonl` (50 stories), base → tuned. Note that the task's prompts are made from the first two sentences of those same stories (renamed); DPO's loss covers only the answers, so the stories' text is never a training target, but it is not unseen in the way the forgetting experiment's retention set is.");
        md.AppendLine();
        md.AppendLine("## Results");
        md.AppendLine();
        md.AppendLine("| run | trainable parameters | steps | training time | held-out preference accuracy base → tuned | mean log-prob margin base → tuned | loss start → end | rewards/accuracies start → end | rewards/margins start → end | retention perplexity base → tuned | job id |");
        md.AppendLine("|---|---:|---:|---:|---|---|---|---|---|---|---|");
        foreach (var run in context.Runs)
        {
            md.AppendLine(Invariant($"| {run.Name} | {run.TrainableParameters:N0} | {run.Steps} | {Seconds(run.TrainingSeconds)} ({run.WallSeconds:F0} s with evaluation) | ") +
                          $"{Points(run.PreferenceAccuracy)} | {Pair(run.MeanLogProbMargin, "F3")} | {Pair(run.Loss, "F3")} | {Pair(run.RewardsAccuracies, "F3")} | " +
                          $"{Pair(run.RewardsMargins, "F3")} | {Pair(run.RetentionPerplexity, "F3")} | `{run.JobId}` |");
        }
        md.AppendLine();
        foreach (var run in context.Runs.Where(r => r.Status != "succeeded"))
            md.AppendLine($"**{run.Name}**: the job {run.Status}: {run.Error}");
        md.AppendLine(Invariant($"The held-out accuracies are over {context.Runs.Select(r => r.TestPairs).FirstOrDefault(n => n is not null)} pairs."));
        md.AppendLine();
        md.AppendLine($"![DPO loss and rewards/accuracies per step]({Name}.png)");
        md.AppendLine();
        md.AppendLine("## What the figures say");
        md.AppendLine();
        foreach (var run in context.Runs)
        {
            if (run.PreferenceAccuracy is not { } accuracy || run.RetentionPerplexity is not { } perplexity) continue;
            md.AppendLine(Invariant($"- **{run.Name}**: held-out preference accuracy {accuracy.Before:P1} → {accuracy.After:P1} ({100 * (accuracy.After - accuracy.Before):+0.0;-0.0} points) ") +
                          Invariant($"and retention perplexity {perplexity.Before:F3} → {perplexity.After:F3} ({100 * (perplexity.After / perplexity.Before - 1):+0.0;-0.0}%)") +
                          (run.LastValidRewardsAccuracies is { } valid ? Invariant($"; the last validation rewards/accuracies {valid:F3}.") : "."));
        }
        md.AppendLine();
        md.AppendLine("The runs' jobs, metrics and evaluations as the service answered them are in [`dpo-experiment.jsonl`](dpo-experiment.jsonl), one run a line.");
        return md.ToString();
    }

    static string Seconds(double? seconds) => seconds is { } s ? Invariant($"{s:F0} s") : "?";

    static string Pair(BeforeAfter? value, string format) => value is { } v
        ? string.Create(CultureInfo.InvariantCulture, $"{v.Before.ToString(format, CultureInfo.InvariantCulture)} → {v.After.ToString(format, CultureInfo.InvariantCulture)}")
        : "n/a";

    static string Points(BeforeAfter? value) => value is { } v
        ? Invariant($"{v.Before:F3} → {v.After:F3} ({100 * (v.After - v.Before):+0.0;-0.0} points)")
        : "n/a";

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
