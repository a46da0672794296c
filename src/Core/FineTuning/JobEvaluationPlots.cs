using System.Text.Json;
using TuningService.Core.Evaluation;
using TuningService.Core.Evaluation.Plots;
using TuningService.Core.Persistence;

namespace TuningService.Core.FineTuning;

/// <summary>
/// A job's evaluation pictures (PNG): the loss curves from its per-step metrics and checkpoint evaluations, the test
/// metrics before and after, and the forgetting on its retention sets. Each returns null when the job has nothing
/// to draw for it yet.
/// </summary>
public static class JobEvaluationPlots
{
    public const string LossCurves = "loss_curves";
    public const string BeforeAfter = "before_after";
    public const string Forgetting = "forgetting";

    public static IReadOnlyList<string> Names { get; } = [LossCurves, BeforeAfter, Forgetting];

    /// <summary>The named plot, or null when there is nothing to draw; throws for an unknown name.</summary>
    public static byte[]? Render(string name, IReadOnlyList<MetricPoint> points, JobEvaluationReport report) => name switch
    {
        LossCurves => RenderLossCurves(report.JobId, points, report.Checkpoints),
        BeforeAfter => RenderBeforeAfter(report),
        Forgetting => RenderForgetting(report),
        _ => throw new ArgumentException($"No plot named '{name}'; the plots are {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>Training and validation loss per step, each task's validation loss at epoch ends, each retention set's loss per checkpoint.</summary>
    static byte[]? RenderLossCurves(string jobId, IReadOnlyList<MetricPoint> points, IReadOnlyList<CheckpointReport> checkpoints)
    {
        if (points.Count == 0) return null;
        var series = new List<PlotSeries>
        {
            new("train loss", [.. points.Select(p => new PlotPoint(p.Step, p.TrainLoss))]),
        };
        if (points.Any(p => p.ValidLoss is not null))
            series.Add(new("validation loss", [.. points.Where(p => p.ValidLoss is not null).Select(p => new PlotPoint(p.Step, p.ValidLoss!.Value))]));
        var perTask = points.Where(p => p.PerTaskJson is not null)
            .SelectMany(p => JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, double?>>>(p.PerTaskJson!)!
                .Select(t => (p.Step, Task: t.Key, Loss: t.Value.GetValueOrDefault("valid_loss"))))
            .Where(x => x.Loss is not null).GroupBy(x => x.Task);
        series.AddRange(perTask.Select(g => new PlotSeries($"validation loss: {g.Key}", [.. g.Select(x => new PlotPoint(x.Step, x.Loss!.Value))])));
        var retention = checkpoints.SelectMany(c => c.Retention.Where(r => r.TeacherForced is not null).Select(r => (c.Step, r.DatasetName, r.TeacherForced!.Loss)))
            .GroupBy(x => x.DatasetName);
        series.AddRange(retention.Select(g => new PlotSeries($"retention loss: {g.Key}", [.. g.Select(x => new PlotPoint(x.Step, x.Loss))])));
        series.AddRange(PreferenceSeries(points));
        return LossCurvesPlot.Render($"Loss curves of {jobId}", series);
    }

    /// <summary>DPO jobs: the reward margin and the share of pairs ranked right, on the training batches and on validation.</summary>
    static IEnumerable<PlotSeries> PreferenceSeries(IReadOnlyList<MetricPoint> points)
    {
        var values = points.Where(p => p.PreferenceJson is not null)
            .Select(p => (p.Step, Metrics: JsonSerializer.Deserialize<Dictionary<string, double>>(p.PreferenceJson!)!)).ToList();
        foreach (var name in new[] { "rewards/margins", "rewards/accuracies", PreferenceMetricNames.ValidPrefix + "rewards/margins", PreferenceMetricNames.ValidPrefix + "rewards/accuracies" })
        {
            var curve = values.Where(v => v.Metrics.ContainsKey(name)).Select(v => new PlotPoint(v.Step, v.Metrics[name])).ToList();
            if (curve.Count > 0) yield return new PlotSeries(name, curve);
        }
    }

    /// <summary>The test set's 0..1 metrics (token accuracy, exact match, ROUGE, classification) for base and fine-tuned.</summary>
    static byte[]? RenderBeforeAfter(JobEvaluationReport report)
    {
        var bars = (report.Test?.Change ?? []).Where(c => c.Metric is not ("loss" or "perplexity" or "bleu" or "mean_logprob_margin"))
            // "normalized exact match", not "normalized_exact_match": the plot wraps group labels at spaces, and the
            // report's snake_case names ran into each other under the bars.
            .Select(c => new BeforeAfterBar(c.Metric.Replace('_', ' '), c.Before, c.After, c.HigherIsBetter)).ToList();
        return bars.Count == 0 ? null : BeforeAfterPlot.Render($"Test metrics before and after fine-tuning ({report.JobId})", bars);
    }

    /// <summary>Each retention set's perplexity before and after: the forgetting.</summary>
    static byte[]? RenderForgetting(JobEvaluationReport report)
    {
        var bars = report.Retention.SelectMany(r => r.Forgetting.Where(c => c.Metric == "perplexity")
            .Select(c => new BeforeAfterBar($"{r.DatasetName}: perplexity", c.Before, c.After, HigherIsBetter: false))).ToList();
        return bars.Count == 0 ? null : BeforeAfterPlot.Render($"Retention perplexity before and after fine-tuning ({report.JobId})", bars);
    }
}
