using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TuningService.Samples.ForgettingExperiment.Report;

namespace TuningService.Samples.ForgettingExperiment.Dpo;

/// <summary>
/// One DPO run's figures, read from the job, its evaluation (held-out preference accuracy and mean log-prob margin,
/// base → tuned; retention perplexity), its step metrics (loss and rewards at the start and the end) and its events.
/// "Start" and "end" are the means of the first and last three steps: one step of 8 pairs is noisy.
/// </summary>
public sealed partial record DpoMeasurement(
    string Name, string JobId, string Status, string? Error, long? TrainableParameters, int? Steps, double? LearningRate, double? TrainingSeconds, double WallSeconds,
    int? TestPairs, BeforeAfter? PreferenceAccuracy, BeforeAfter? MeanLogProbMargin, BeforeAfter? RetentionPerplexity,
    BeforeAfter? Loss, BeforeAfter? RewardsAccuracies, BeforeAfter? RewardsMargins, double? LastValidRewardsAccuracies,
    IReadOnlyList<(int Step, double Loss, double? RewardsAccuracies)> Curve)
{
    const int Averaged = 3;

    public static DpoMeasurement Read(DpoRunRecord record)
    {
        var job = record.Job;
        var test = record.Evaluation?["test"];
        var retention = JsonRead.Items(record.Evaluation?["retention"]).FirstOrDefault();
        var points = JsonRead.Items(record.Metrics["data"]).ToList();
        var curve = points
            .Where(p => JsonRead.Integer(p["step"]) is not null && JsonRead.Number(p["train_loss"]) is not null)
            .Select(p => ((int)JsonRead.Integer(p["step"])!.Value, JsonRead.Number(p["train_loss"])!.Value, JsonRead.Number(p["preference"]?["rewards/accuracies"])))
            .ToList();
        return new DpoMeasurement(
            record.Name, JsonRead.Text(job["id"]) ?? "?", JsonRead.Text(job["status"]) ?? "?", JsonRead.Text(job["error"]?["message"]),
            TrainableCountIn(record.Events), (int?)JsonRead.Integer(job["progress"]?["total_steps"]), JsonRead.Number(job["hyperparameters"]?["learning_rate"]),
            TrainingTime(record), record.WallSeconds,
            (int?)JsonRead.Integer(test?["records"]), Change(test?["change"], "preference_accuracy"), Change(test?["change"], "mean_logprob_margin"),
            Change(retention?["forgetting"], "perplexity"),
            StartAndEnd(points, p => JsonRead.Number(p["train_loss"])),
            StartAndEnd(points, p => JsonRead.Number(p["preference"]?["rewards/accuracies"])),
            StartAndEnd(points, p => JsonRead.Number(p["preference"]?["rewards/margins"])),
            points.Select(p => JsonRead.Number(p["preference"]?["valid_rewards/accuracies"])).LastOrDefault(v => v is not null),
            curve);
    }

    static BeforeAfter? StartAndEnd(IReadOnlyList<JsonNode> points, Func<JsonNode, double?> value)
    {
        var values = points.Select(value).Where(v => v is not null).Select(v => v!.Value).ToList();
        return values.Count == 0 ? null : new BeforeAfter(values.Take(Averaged).Average(), values.TakeLast(Averaged).Average());
    }

    static BeforeAfter? Change(JsonNode? changes, string metric)
    {
        var item = JsonRead.Items(changes).FirstOrDefault(c => JsonRead.Text(c["metric"]) == metric);
        return JsonRead.Number(item?["before"]) is { } before && JsonRead.Number(item?["after"]) is { } after ? new BeforeAfter(before, after) : null;
    }

    /// <summary>From the event that starts training ("Training on ...") to the last step's metrics, as the forgetting page counts it.</summary>
    static double? TrainingTime(DpoRunRecord record)
    {
        var start = JsonRead.Items(record.Events["data"])
            .Where(e => JsonRead.Text(e["message"])?.StartsWith("Training on", StringComparison.Ordinal) == true)
            .Select(e => JsonRead.Number(e["created_at"])).LastOrDefault();
        var end = JsonRead.Items(record.Metrics["data"]).Select(p => JsonRead.Number(p["created_at"])).LastOrDefault();
        return start is { } s && end is { } e2 ? e2 - s : null;
    }

    /// <summary>The count the job logs when it sets the model up: "all 936,448 parameters are trained" or "17,920 trainable parameters".</summary>
    static long? TrainableCountIn(JsonObject events)
    {
        foreach (var e in JsonRead.Items(events["data"]))
        {
            if (JsonRead.Text(e["message"]) is { } message && TrainableCount().Match(message) is { Success: true } match)
                return long.Parse(match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        }
        return null;
    }

    [GeneratedRegex(@"all ([\d,]+) parameters are trained|([\d,]+) trainable parameters")]
    private static partial Regex TrainableCount();
}
