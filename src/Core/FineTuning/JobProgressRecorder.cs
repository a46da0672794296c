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
/// Writes what the trainer reports into the database (metric points, metrics events, the job's progress) and saves
/// the checkpoints it offers: the model (merged for LoRA, with the adapter beside it) and the training state a
/// resume needs. Keeps the last few checkpoints plus the best by validation loss. The trainer calls it between
/// steps, outside any tensor scope.
/// </summary>
public sealed class JobProgressRecorder(
    IServiceScopeFactory scopes, DataPaths paths, FineTuningJob job, TorchSharp.torch.nn.Module model, PretrainedConfig config,
    IReadOnlyList<string> tokenizerFiles, string fineTunedModelName, int totalSteps, JobRecorderOptions options) : ITrainingObserver
{
    public const string TrainingStateFolder = "training_state";

    readonly Stopwatch sinceStart = Stopwatch.StartNew();
    Dictionary<string, object?>? perTaskAtStep;
    int perTaskStep = -1;

    public JobCheckpoint? LastCheckpoint { get; private set; }

    public string? BestCheckpointId { get; private set; } = options.BestCheckpointId;

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
        // The rate of this attempt only: time before a pause or a restart does not count, so the ETA stays true.
        var secondsPerStep = sinceStart.Elapsed.TotalSeconds / Math.Max(1, last.Step - options.StartStep);
        var estimatedFinish = now + (long)Math.Ceiling(secondsPerStep * (totalSteps - last.Step));
        db.SaveChanges();
        db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdate(u => u.SetProperty(j => j.Step, last.Step).SetProperty(j => j.Epoch, last.Epoch)
            .SetProperty(j => j.TokensPerSecond, last.TokensPerSecond).SetProperty(j => j.EstimatedFinish, estimatedFinish));
    }

    public void OnEvaluationStarting(int step)
    {
        using var scope = scopes.CreateScope();
        scope.ServiceProvider.GetRequiredService<TuningDbContext>().Jobs.Where(j => j.Id == job.Id)
            .ExecuteUpdate(u => u.SetProperty(j => j.Phase, JobPhase.Evaluating));
    }

    public void OnEvaluation(EvaluationResult evaluation)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdate(u => u.SetProperty(j => j.Phase, JobPhase.Training));
        db.Metrics.Where(m => m.JobId == job.Id && m.Step == evaluation.Step).ExecuteUpdate(u => u
            .SetProperty(m => m.ValidLoss, evaluation.Loss).SetProperty(m => m.ValidMeanTokenAccuracy, evaluation.MeanTokenAccuracy));
        db.JobEvents.Add(JobEvents.Metrics(job.Id, evaluation.Step, new Dictionary<string, object>
        {
            ["step"] = evaluation.Step, ["epoch"] = evaluation.Epoch, ["valid_loss"] = evaluation.Loss,
            ["valid_mean_token_accuracy"] = evaluation.MeanTokenAccuracy, ["is_best"] = evaluation.IsBest,
        }));
        db.SaveChanges();
    }

    public void OnEpochEnd(EpochSummary summary)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        var validation = summary.ValidationLoss is { } vl ? $", validation loss {vl:F4}, validation token accuracy {summary.ValidationMeanTokenAccuracy:P1}" : "";
        db.JobEvents.Add(JobEvents.Message(job.Id,
            $"Epoch {summary.Epoch} done at step {summary.Step}/{totalSteps}: training loss {summary.TrainLoss:F4}{validation}; " +
            $"padding was {summary.PaddingShare:P1} of the positions computed."));
        if (options.PerTaskMetrics?.Invoke() is { } perTask)
        {
            perTaskAtStep = perTask;
            perTaskStep = summary.Step;
            var perTaskJson = JsonSerializer.Serialize(perTask);
            db.Metrics.Where(m => m.JobId == job.Id && m.Step == summary.Step).ExecuteUpdate(u => u.SetProperty(m => m.PerTaskJson, perTaskJson));
            db.JobEvents.Add(JobEvents.Metrics(job.Id, summary.Step, new Dictionary<string, object?> { ["step"] = summary.Step, ["epoch"] = summary.Epoch, ["per_task"] = perTask }));
            db.JobEvents.Add(JobEvents.Message(job.Id, $"Epoch {summary.Epoch} per task: " + string.Join("; ", perTask.Select(t =>
                $"{t.Key} " + string.Join(", ", ((Dictionary<string, object?>)t.Value!).Select(m => $"{m.Key} {m.Value:F4}"))))));
        }
        db.SaveChanges();
    }

    public void OnCheckpoint(CheckpointRequest request)
    {
        // A cancelled run keeps a checkpoint only when it is a pause (resume continues from it).
        if (request.Reason == CheckpointReason.Cancelled && !options.IsPausing()) return;
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdate(u => u.SetProperty(j => j.Phase, JobPhase.Saving));

        var relative = DataPaths.CheckpointRelativePath(job.Id, request.Step);
        var folder = paths.EnsureParent(relative);
        // A model with LoRA adapters is written merged (a full Hugging Face folder); the adapters go beside it in
        // PEFT's format; then the optimizer and trainer state. The writer replaces the whole folder, so order matters,
        // and a resume only trusts a folder whose training state is complete.
        PretrainedModelWriter.Save(model, config, folder, tokenizerFiles);
        options.SaveAdapter?.Invoke(folder);
        request.SaveTrainingState(Path.Combine(folder, TrainingStateFolder));

        var metrics = new Dictionary<string, object?>
        {
            ["step"] = request.Step,
            ["train_loss"] = request.LastStep?.TrainLoss ?? request.EpochSummary?.TrainLoss,
            ["train_mean_token_accuracy"] = request.LastStep?.TrainMeanTokenAccuracy ?? request.EpochSummary?.TrainMeanTokenAccuracy,
            // The whole validation set is evaluated, so the "full" figures equal the per-step ones.
            ["valid_loss"] = request.Evaluation?.Loss, ["valid_mean_token_accuracy"] = request.Evaluation?.MeanTokenAccuracy,
            ["full_valid_loss"] = request.Evaluation?.Loss, ["full_valid_mean_token_accuracy"] = request.Evaluation?.MeanTokenAccuracy,
        };
        if (perTaskStep == request.Step) metrics["per_task"] = perTaskAtStep;
        // A pause may land on the step of the previous checkpoint: the new one replaces it.
        db.Checkpoints.Where(c => c.JobId == job.Id && c.StepNumber == request.Step).ExecuteDelete();
        var checkpoint = new JobCheckpoint
        {
            Id = Ids.New("ftckpt"), JobId = job.Id, CreatedAt = Clock.Now(), StepNumber = request.Step,
            FineTunedModelCheckpoint = $"{fineTunedModelName}:ckpt-step-{request.Step}",
            MetricsJson = JsonSerializer.Serialize(metrics), RelativePath = relative,
        };
        db.Checkpoints.Add(checkpoint);
        // Best by validation loss; without validation data the latest checkpoint is the best there is.
        if (request.IsBest || request.BestValidationLoss is null) BestCheckpointId = checkpoint.Id;
        db.JobEvents.Add(JobEvents.Message(job.Id, $"Checkpoint {checkpoint.Id} saved at step {request.Step} ({Describe(request.Reason)})" +
            (BestCheckpointId == checkpoint.Id && request.Evaluation is not null ? "; best validation loss so far." : ".")));
        db.SaveChanges();
        // A pause's checkpoint is where training continues, not a candidate to pick: it is not evaluated.
        if (options.EvaluateCheckpoint is { } evaluate && request.Reason != CheckpointReason.Cancelled)
        {
            db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdate(u => u.SetProperty(j => j.Phase, JobPhase.Evaluating));
            evaluate(checkpoint);
        }
        var bestId = BestCheckpointId;
        db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdate(u => u.SetProperty(j => j.Phase, JobPhase.Training).SetProperty(j => j.BestCheckpointId, bestId));
        LastCheckpoint = checkpoint;
        KeepLatestAndBest(db);
    }

    /// <summary>Deletes checkpoints beyond the newest <see cref="JobRecorderOptions.Keep"/>, never the best one.</summary>
    void KeepLatestAndBest(TuningDbContext db)
    {
        var all = db.Checkpoints.AsNoTracking().Where(c => c.JobId == job.Id).OrderByDescending(c => c.StepNumber).ToList();
        foreach (var old in all.Skip(Math.Max(1, options.Keep)).Where(c => c.Id != BestCheckpointId))
        {
            db.Checkpoints.Where(c => c.Id == old.Id).ExecuteDelete();
            var dir = paths.Resolve(old.RelativePath);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    static string Describe(CheckpointReason reason) => reason switch
    {
        CheckpointReason.StepInterval => "checkpoint_every_steps",
        CheckpointReason.EpochEnd => "end of epoch",
        CheckpointReason.BestValidation => "new best validation loss",
        CheckpointReason.Final => "end of training",
        CheckpointReason.Cancelled => "paused",
        _ => reason.ToString(),
    };
}
