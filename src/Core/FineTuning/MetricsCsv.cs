using System.Globalization;
using System.Text;
using TuningService.Core.Persistence;

namespace TuningService.Core.FineTuning;

/// <summary>The per-step metrics as CSV, with Azure's results.csv column names (plus learning rate and speed).</summary>
public static class MetricsCsv
{
    public static string Write(IEnumerable<MetricPoint> points)
    {
        var csv = new StringBuilder("step,epoch,train_loss,train_mean_token_accuracy,valid_loss,valid_mean_token_accuracy,learning_rate,tokens_per_second\n");
        foreach (var p in points)
            csv.Append(string.Join(',', p.Step, p.Epoch, F(p.TrainLoss), F(p.TrainMeanTokenAccuracy), F(p.ValidLoss),
                F(p.ValidMeanTokenAccuracy), F(p.LearningRate), F(p.TokensPerSecond))).Append('\n');
        return csv.ToString();
    }

    static string F(double? x) => x is null ? "" : x.Value.ToString("G9", CultureInfo.InvariantCulture);
}
