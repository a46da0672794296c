using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TuningService.Samples.ForgettingExperiment.Runs;

namespace TuningService.Samples.ForgettingExperiment.Report;

/// <summary>
/// Reads one run's figures from GET /v1/fine_tuning/jobs/{id} (hyperparameters, trained tokens), .../evaluation (test
/// metrics base → fine-tuned, ICL baseline, forgetting on the retention set), .../metrics (when training ended) and
/// .../events (when it started; LoRA's trainable parameter count).
/// </summary>
public static partial class EvaluationReading
{
    public static RunMeasurement Read(RunRecord record, long? baseParameters)
    {
        var job = record.Job;
        var evaluation = record.Evaluation;
        var test = evaluation?["test"];
        var retention = JsonRead.Items(evaluation?["retention"]).FirstOrDefault();
        var hyper = job["hyperparameters"];
        var lora = JsonRead.Text(hyper?["training_type"]) == "lora";
        return new RunMeasurement(
            record.Task.Short, record.Task.Chance, record.Run.Name, record.Run.Description, JsonRead.Text(job["id"]) ?? "?", JsonRead.Text(job["status"]) ?? "?",
            JsonRead.Text(job["error"]?["message"]),
            lora ? LoraTrainableParameters(record.Events) : baseParameters, baseParameters,
            (int?)JsonRead.Integer(hyper?["n_epochs"]), (int?)JsonRead.Integer(job["progress"]?["total_steps"]),
            JsonRead.Number(hyper?["learning_rate"]), JsonRead.Integer(job["trained_tokens"]),
            TrainingSeconds(record), record.WallSeconds,
            (int?)JsonRead.Integer(test?["records"]), Change(test?["change"], "accuracy") ?? Change(test?["change"], "exact_match"), Change(test?["change"], "macro_f1"),
            Change(retention?["forgetting"], "perplexity"), JsonRead.Text(retention?["dataset_name"]),
            (Change(test?["icl_change"], "accuracy") ?? Change(test?["icl_change"], "exact_match"))?.After, Icl(test?["icl_prompting"]),
            [.. JsonRead.Items(test?["samples"]).Select(Sample)]);
    }

    /// <summary>A metric's before and after from a list of {metric, before, after, ...} (the report's change lists).</summary>
    static BeforeAfter? Change(JsonNode? changes, string metric)
    {
        var item = JsonRead.Items(changes).FirstOrDefault(c => JsonRead.Text(c["metric"]) == metric);
        return JsonRead.Number(item?["before"]) is { } before && JsonRead.Number(item?["after"]) is { } after ? new BeforeAfter(before, after) : null;
    }

    static IclPrompting? Icl(JsonNode? node) => node is null ? null : new IclPrompting(
        (int)(JsonRead.Integer(node["shots"]) ?? 0), (int)(JsonRead.Integer(node["prompts"]) ?? 0),
        (int)(JsonRead.Integer(node["prompts_with_fewer_shots"]) ?? 0), (int)(JsonRead.Integer(node["prompts_without_shots"]) ?? 0),
        JsonRead.Number(node["mean_shots_used"]) ?? 0);

    static SampleGeneration Sample(JsonNode node) => new(
        JsonRead.Text(node["prompt"]) ?? "", JsonRead.Text(node["expected"]) ?? "",
        JsonRead.Text(node["base"]), JsonRead.Text(node["icl"]), JsonRead.Text(node["fine_tuned"]));

    /// <summary>
    /// From the event that starts training ("Training on ...") to the last step's metrics: training alone, without
    /// loading, tokenizing, evaluating or saving. The service stamps both in whole seconds.
    /// </summary>
    static double? TrainingSeconds(RunRecord record)
    {
        var start = JsonRead.Items(record.Events["data"])
            .Where(e => JsonRead.Text(e["message"])?.StartsWith("Training on", StringComparison.Ordinal) == true)
            .Select(e => JsonRead.Number(e["created_at"])).LastOrDefault();
        var end = JsonRead.Items(record.Metrics["data"]).Select(p => JsonRead.Number(p["created_at"])).LastOrDefault();
        return start is { } s && end is { } e2 ? e2 - s : null;
    }

    /// <summary>The count the job logs when it wraps the model ("17,920 trainable parameters").</summary>
    static long? LoraTrainableParameters(JsonObject events)
    {
        foreach (var e in JsonRead.Items(events["data"]))
        {
            if (JsonRead.Text(e["message"]) is { } message && TrainableCount().Match(message) is { Success: true } match)
                return long.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        }
        return null;
    }

    [GeneratedRegex(@"([\d,]+) trainable parameters")]
    private static partial Regex TrainableCount();
}
