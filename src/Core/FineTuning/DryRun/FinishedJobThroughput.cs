using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TuningService.Core.Persistence;

namespace TuningService.Core.FineTuning.DryRun;

/// <summary>
/// The training throughput this server showed on earlier jobs: the median tokens_per_second of the latest succeeded
/// jobs on the same base model (or a model fine-tuned from it: same architecture), the same training type (full or
/// LoRA) and the same device. Jobs of every owner count: throughput is a property of the server, not of the data.
/// </summary>
internal static class FinishedJobThroughput
{
    const int RecentJobs = 20, Candidates = 200;

    public static async Task<ObservedThroughput?> FindAsync(TuningDbContext db, string rootBaseModel, string trainingType, string device, CancellationToken ct)
    {
        var sameBase = db.FineTunedModels.Where(m => m.BaseModel == rootBaseModel).Select(m => m.Id);
        var rows = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Succeeded && j.TokensPerSecond > 0 && j.Device == device
                        && (j.Model == rootBaseModel || sameBase.Contains(j.Model)))
            .OrderByDescending(j => j.FinishedAt).Take(Candidates)
            .Select(j => new { j.TokensPerSecond, j.RequestedHyperparametersJson })
            .ToListAsync(ct);
        // The training type lives in the requested-hyperparameters JSON, so it is matched here rather than in SQL.
        var rates = rows.Where(r => TrainingTypeOf(r.RequestedHyperparametersJson) == trainingType)
            .Take(RecentJobs).Select(r => r.TokensPerSecond!.Value).Order().ToList();
        if (rates.Count == 0) return null;
        var median = rates.Count % 2 == 1 ? rates[rates.Count / 2] : (rates[(rates.Count / 2) - 1] + rates[rates.Count / 2]) / 2;
        return new ObservedThroughput(median, rates.Count, rates[0], rates[^1]);
    }

    static string TrainingTypeOf(string requestedJson)
    {
        try
        {
            return (JsonSerializer.Deserialize<RequestedHyperparameters>(requestedJson) ?? RequestedHyperparameters.Auto).TrainingType;
        }
        catch (JsonException)
        {
            return "";
        }
    }
}
