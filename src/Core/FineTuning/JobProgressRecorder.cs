using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TuningService.Core.Common;
using TuningService.Core.Configuration;
using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Persistence;
using TuningService.Core.Training;

namespace TuningService.Core.FineTuning;

/// <summary>
/// Writes what the trainer reports into the database (metric points, metrics events, the job's progress) and saves a
/// checkpoint at the end of each epoch. The trainer calls it between steps, outside any tensor scope.
/// </summary>
public sealed class JobProgressRecorder(
    IServiceScopeFactory scopes, DataPaths paths, FineTuningJob job, TorchSharp.torch.nn.Module model, PretrainedConfig config,
    IReadOnlyList<string> tokenizerFiles, string fineTunedModelName, int totalSteps, Action<string>? saveAdapter = null,
    Func<Dictionary<string, object?>>? perTaskMetrics = null) : ITrainingObserver
{
    readonly Stopwatch sinceStart = Stopwatch.StartNew();

    double bestValidationLoss = double.PositiveInfinity;

    public JobCheckpoint? LastCheckpoint { get; private set; }

    public string? BestCheckpointId { get; private set; }

    public void OnMetrics(IReadOnlyList<StepMetrics> steps)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        var now = Clock.Now();
        foreach (var s in steps)
        {
            db.Metrics.Add(new MetricPoint
            {
                JobId = job.Id, Step = s.Step, Epoch = s.Epoch, TrainLoss = s.TrainLoss, TrainMeanTokenAccuracy = s.TrainMeanTokenAccuracy,
                LearningRate = s.LearningRate, TokensPerSecond = s.TokensPerSecond, CreatedAt = now,
            });
            db.JobEvents.Add(JobEvents.Metrics(job.Id, s.Step, new Dictionary<string, object>
            {
                ["step"] = s.Step, ["total_steps"] = totalSteps, ["epoch"] = s.Epoch, ["train_loss"] = s.TrainLoss,
                ["train_mean_token_accuracy"] = s.TrainMeanTokenAccuracy, ["learning_rate"] = s.LearningRate,
                ["tokens_per_second"] = s.TokensPerSecond,
            }));
        }
        var last = steps[^1];
        var secondsPerStep = sinceStart.Elapsed.TotalSeconds / last.Step;
        var estimatedFinish = now + (long)Math.Ceiling(secondsPerStep * (totalSteps - last.Step));
        db.SaveChanges();
        db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdate(u => u.SetProperty(j => j.Step, last.Step).SetProperty(j => j.Epoch, last.Epoch)
            .SetProperty(j => j.TokensPerSecond, last.TokensPerSecond).SetProperty(j => j.EstimatedFinish, estimatedFinish));
    }

    public void OnEpochEnd(EpochSummary summary)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdate(u => u.SetProperty(j => j.Phase, JobPhase.Saving));
        var relative = DataPaths.CheckpointRelativePath(job.Id, summary.Step);
        // A model with LoRA adapters is written merged (a full Hugging Face folder); the adapters go beside it in PEFT's format.
        PretrainedModelWriter.Save(model, config, paths.EnsureParent(relative), tokenizerFiles);
        saveAdapter?.Invoke(paths.Resolve(relative));
        if (summary.ValidationLoss is not null)
            db.Metrics.Where(m => m.JobId == job.Id && m.Step == summary.Step).ExecuteUpdate(u => u
                .SetProperty(m => m.ValidLoss, summary.ValidationLoss).SetProperty(m => m.ValidMeanTokenAccuracy, summary.ValidationMeanTokenAccuracy));
        var metrics = new Dictionary<string, object?>
        {
            ["step"] = summary.Step, ["train_loss"] = summary.TrainLoss, ["train_mean_token_accuracy"] = summary.TrainMeanTokenAccuracy,
            // The whole validation set is evaluated, so the "full" figures equal the per-step ones.
            ["valid_loss"] = summary.ValidationLoss, ["valid_mean_token_accuracy"] = summary.ValidationMeanTokenAccuracy,
            ["full_valid_loss"] = summary.ValidationLoss, ["full_valid_mean_token_accuracy"] = summary.ValidationMeanTokenAccuracy,
        };
        if (perTaskMetrics?.Invoke() is { } perTask)
        {
            metrics["per_task"] = perTask;
            db.JobEvents.Add(JobEvents.Metrics(job.Id, summary.Step, new Dictionary<string, object?> { ["step"] = summary.Step, ["epoch"] = summary.Epoch, ["per_task"] = perTask }));
            db.JobEvents.Add(JobEvents.Message(job.Id, $"Epoch {summary.Epoch} per task: " + string.Join("; ", perTask.Select(t =>
                $"{t.Key} " + string.Join(", ", ((Dictionary<string, object?>)t.Value!).Select(m => $"{m.Key} {m.Value:F4}"))))));
        }
        var checkpoint = new JobCheckpoint
        {
            Id = Ids.New("ftckpt"), JobId = job.Id, CreatedAt = Clock.Now(), StepNumber = summary.Step,
            FineTunedModelCheckpoint = $"{fineTunedModelName}:ckpt-step-{summary.Step}",
            MetricsJson = JsonSerializer.Serialize(metrics), RelativePath = relative,
        };
        db.Checkpoints.Add(checkpoint);
        var validation = summary.ValidationLoss is { } vl ? $", validation loss {vl:F4}, validation token accuracy {summary.ValidationMeanTokenAccuracy:P1}" : "";
        db.JobEvents.Add(JobEvents.Message(job.Id,
            $"Epoch {summary.Epoch} done at step {summary.Step}/{totalSteps}: training loss {summary.TrainLoss:F4}{validation}; " +
            $"padding was {summary.PaddingShare:P1} of the positions computed. Checkpoint {checkpoint.Id} saved."));
        db.SaveChanges();
        // Best by validation loss; without validation data the latest checkpoint is the best there is.
        var isBest = summary.ValidationLoss is not { } loss || loss < bestValidationLoss;
        if (summary.ValidationLoss is { } l && isBest) bestValidationLoss = l;
        var bestId = isBest ? checkpoint.Id : BestCheckpointId;
        BestCheckpointId = bestId;
        db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdate(u => u.SetProperty(j => j.Phase, JobPhase.Training).SetProperty(j => j.BestCheckpointId, bestId));
        LastCheckpoint = checkpoint;
    }
}
