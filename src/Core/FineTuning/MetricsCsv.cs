using System.Globalization;
using System.Text;
using System.Text.Json;
using TuningService.Core.Persistence;

namespace TuningService.Core.FineTuning;

/// <summary>The per-step metrics as CSV, with Azure's results.csv column names (plus learning rate and speed); a DPO
/// job's also have TRL's DPO metrics (rewards/chosen, …, then valid_rewards/chosen, …) as further columns.</summary>
public static class MetricsCsv
{
    public static string Write(IEnumerable<MetricPoint> points)
    {
        var list = points.ToList();
        var preference = list.Any(p => p.PreferenceJson is not null) ? PreferenceMetricNames.All.ToList() : [];
        var csv = new StringBuilder("step,epoch,train_loss,train_mean_token_accuracy,valid_loss,valid_mean_token_accuracy,learning_rate,tokens_per_second");
        foreach (var name in preference) csv.Append(',').Append(name);
        csv.Append('\n');
        foreach (var p in list)
        {
            csv.Append(string.Join(',', p.Step, p.Epoch, F(p.TrainLoss), F(p.TrainMeanTokenAccuracy), F(p.ValidLoss),
                F(p.ValidMeanTokenAccuracy), F(p.LearningRate), F(p.TokensPerSecond)));
            var values = p.PreferenceJson is null ? [] : JsonSerializer.Deserialize<Dictionary<string, double>>(p.PreferenceJson)!;
            foreach (var name in preference) csv.Append(',').Append(F(values.TryGetValue(name, out var v) ? v : null));
            csv.Append('\n');
        }
        return csv.ToString();
    }

    static string F(double? x) => x is null ? "" : x.Value.ToString("G9", CultureInfo.InvariantCulture);
}
