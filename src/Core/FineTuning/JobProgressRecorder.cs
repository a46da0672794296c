using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TuningService.Core.Common;
using TuningService.Core.FineTuning.Checkpoints;
using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Observability;
using TuningService.Core.Persistence;
using TuningService.Core.Storage;
using TuningService.Core.Training;
using TuningService.Core.Webhooks;
using EvaluationResult = TuningService.Core.Training.EvaluationResult;

namespace TuningService.Core.FineTuning;

/// <summary>
/// Writes what the trainer reports into the database (metric points, metrics events, the job's progress) and saves
/// the checkpoints it offers: the model (merged for LoRA, with the adapter beside it) and the training state a
/// resume needs, through the <see cref="CheckpointStore"/>. Keeps the last few checkpoints plus the best by
/// validation loss. The trainer calls it between steps, outside any tensor scope; database writes are queued on the
/// job's fenced <see cref="JobDatabase"/> in order (a checkpoint's row after the metrics of its steps), so training
/// does not wait for the database and a resume only trusts a checkpoint whose row — and so whose metrics — exist.
/// Once the worker must stop (its lease lost) nothing more is written, files included.
/// </summary>
public sealed class JobProgressRecorder(
    JobDatabase database, CheckpointStore store, ArtifactMirror mirror, FineTuningJob job, TorchSharp.torch.nn.Module model, PretrainedConfig config,
    IReadOnlyList<string> tokenizerFiles, string fineTunedModelName, int totalSteps, JobRecorderOptions options) : ITrainingObserver
{
    public const string TrainingStateFolder = "training_state";

    readonly Stopwatch sinceStart = Stopwatch.StartNew();
    readonly Stopwatch sinceLastMetrics = Stopwatch.StartNew();
    int lastMetricsStep = options.StartStep;
    Dictionary<string, object?>? perTaskAtStep;
    int perTaskStep = -1;

    public JobCheckpoint? LastCheckpoint { get; private set; }

    public string? BestCheckpointId { get; private set; } = options.BestCheckpointId;

    public void OnMetrics(IReadOnlyList<StepMetrics> steps)
    {
        if (database.Stopped.IsCancellationRequested) return;
        var now = Clock.Now();
        var last = steps[^1];
        // The rate of this attempt only: time before a pause or a restart does not count, so the ETA stays true.
        var secondsPerStep = sinceStart.Elapsed.TotalSeconds / Math.Max(1, last.Step - options.StartStep);
        var estimatedFinish = now + (long)Math.Ceiling(secondsPerStep * (totalSteps - last.Step));
        var batch = steps.ToList();
        database.Enqueue(db => WriteMetrics(db, batch, now, estimatedFinish));
        RecordThroughput(last);
    }

    /// <summary>The worker's /metrics: the group's time shared by its steps (one host time per step means nothing on an asynchronous device).</summary>
    void RecordThroughput(StepMetrics last)
    {
        var stepsInGroup = last.Step - lastMetricsStep;
        if (stepsInGroup > 0)
        {
            var secondsPerStep = sinceLastMetrics.Elapsed.TotalSeconds / stepsInGroup;
            for (var i = 0; i < stepsInGroup; i++) TuningMetrics.TrainingStepSeconds.Record(secondsPerStep);
        }
        TuningMetrics.TrainingTokensPerSecond.Record(last.TokensPerSecond);
        lastMetricsStep = last.Step;
        sinceLastMetrics.Restart();
    }

    void WriteMetrics(TuningDbContext db, IReadOnlyList<StepMetrics> steps, long now, long estimatedFinish)
    {
        // Idempotent: a write retried after an ambiguous commit does not duplicate the steps.
        var first = steps[0].Step;
        var lastStep = steps[^1].Step;
        db.Metrics.Where(m => m.JobId == job.Id && m.Step >= first && m.Step <= lastStep).ExecuteDelete();
        foreach (var s in steps)
        {
            var preference = s.Preference is { } p ? PreferenceMetricNames.Of(p) : null;
            db.Metrics.Add(new MetricPoint
            {
                JobId = job.Id, Step = s.Step, Epoch = s.Epoch, TrainLoss = s.TrainLoss, TrainMeanTokenAccuracy = s.TrainMeanTokenAccuracy,
                LearningRate = s.LearningRate, TokensPerSecond = s.TokensPerSecond, CreatedAt = now,
                PreferenceJson = preference is null ? null : JsonSerializer.Serialize(preference),
            });
            var data = new Dictionary<string, object>
            {
                ["step"] = s.Step, ["total_steps"] = totalSteps, ["epoch"] = s.Epoch, ["train_loss"] = s.TrainLoss,
                ["train_mean_token_accuracy"] = s.TrainMeanTokenAccuracy, ["learning_rate"] = s.LearningRate,
                ["tokens_per_second"] = s.TokensPerSecond,
            };
            foreach (var (name, value) in preference ?? []) data[name] = value;
            db.JobEvents.Add(JobEvents.Metrics(job.Id, s.Step, data));
        }
        var last = steps[^1];
        db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdate(u => u.SetProperty(j => j.Step, last.Step).SetProperty(j => j.Epoch, last.Epoch)
            .SetProperty(j => j.TokensPerSecond, last.TokensPerSecond).SetProperty(j => j.EstimatedFinish, estimatedFinish));
    }

    public void OnEvaluationStarting(int step) => database.EnqueuePhase(JobPhase.Evaluating);

    public void OnEvaluation(EvaluationResult evaluation)
    {
        database.EnqueuePhase(JobPhase.Training);
        database.Enqueue(db => WriteEvaluation(db, evaluation));
    }

    void WriteEvaluation(TuningDbContext db, EvaluationResult evaluation)
    {
        db.Metrics.Where(m => m.JobId == job.Id && m.Step == evaluation.Step).ExecuteUpdate(u => u
            .SetProperty(m => m.ValidLoss, evaluation.Loss).SetProperty(m => m.ValidMeanTokenAccuracy, evaluation.MeanTokenAccuracy));
        var data = new Dictionary<string, object>
        {
            ["step"] = evaluation.Step, ["epoch"] = evaluation.Epoch, ["valid_loss"] = evaluation.Loss,
            ["valid_mean_token_accuracy"] = evaluation.MeanTokenAccuracy, ["is_best"] = evaluation.IsBest,
        };
        if (evaluation.Preference is { } preference)
        {
            var valid = PreferenceMetricNames.Of(preference, PreferenceMetricNames.ValidPrefix);
            foreach (var (name, value) in valid) data[name] = value;
            // The step's row holds its training values already; the validation ones join them.
            var point = db.Metrics.FirstOrDefault(m => m.JobId == job.Id && m.Step == evaluation.Step);
            if (point is not null)
            {
                var merged = point.PreferenceJson is null ? [] : JsonSerializer.Deserialize<Dictionary<string, double>>(point.PreferenceJson)!;
                foreach (var (name, value) in valid) merged[name] = value;
                point.PreferenceJson = JsonSerializer.Serialize(merged);
            }
        }
        db.JobEvents.Add(JobEvents.Metrics(job.Id, evaluation.Step, data));
    }

    public void OnEpochEnd(EpochSummary summary)
    {
        if (database.Stopped.IsCancellationRequested) return;
        // Computed here, on the training thread, while the model holds this epoch's weights.
        var perTask = options.PerTaskMetrics?.Invoke();
        if (perTask is not null)
        {
            perTaskAtStep = perTask;
            perTaskStep = summary.Step;
        }
        database.Enqueue(db => WriteEpochEnd(db, summary, perTask));
    }

    void WriteEpochEnd(TuningDbContext db, EpochSummary summary, Dictionary<string, object?>? perTask)
    {
        var validation = summary.ValidationLoss is { } vl ? $", validation loss {vl:F4}, validation token accuracy {summary.ValidationMeanTokenAccuracy:P1}" : "";
        db.JobEvents.Add(JobEvents.Message(job.Id,
            $"Epoch {summary.Epoch} done at step {summary.Step}/{totalSteps}: training loss {summary.TrainLoss:F4}{validation}; " +
            $"padding was {summary.PaddingShare:P1} of the positions computed."));
        if (perTask is not null)
        {
            var perTaskJson = JsonSerializer.Serialize(perTask);
            db.Metrics.Where(m => m.JobId == job.Id && m.Step == summary.Step).ExecuteUpdate(u => u.SetProperty(m => m.PerTaskJson, perTaskJson));
            db.JobEvents.Add(JobEvents.Metrics(job.Id, summary.Step, new Dictionary<string, object?> { ["step"] = summary.Step, ["epoch"] = summary.Epoch, ["per_task"] = perTask }));
            db.JobEvents.Add(JobEvents.Message(job.Id, $"Epoch {summary.Epoch} per task: " + string.Join("; ", perTask.Select(t =>
                $"{t.Key} " + string.Join(", ", ((Dictionary<string, object?>)t.Value!).Select(m => $"{m.Key} {m.Value:F4}"))))));
        }
    }

    public void OnCheckpoint(CheckpointRequest request)
    {
        // A cancelled run keeps a checkpoint only when it is a pause or a graceful stop (the job continues from it).
        if (request.Reason == CheckpointReason.Cancelled && !options.KeepsStopCheckpoint()) return;
        if (database.Stopped.IsCancellationRequested) return;
        database.EnqueuePhase(JobPhase.Saving);

        // A model with LoRA adapters is written merged (a full Hugging Face folder); the adapters go beside it in
        // PEFT's format; then the optimizer and trainer state. The store makes the folder a checkpoint only once
        // all of it is on disk, with a manifest of every file's size and hash.
        var writing = Stopwatch.StartNew();
        var staging = store.BeginWrite(job.Id, request.Step);
        PretrainedModelWriter.Save(model, config, staging, tokenizerFiles, options.MergedWeightsDtype);
        options.SaveAdapter?.Invoke(staging);
        request.SaveTrainingState(Path.Combine(staging, TrainingStateFolder));
        // The fence covers database rows, not files: a worker that lost the job while it wrote (frozen, cut off)
        // must not move its folder over one the new holder wrote.
        if (!database.StillHolds(TimeSpan.FromSeconds(5)))
        {
            Directory.Delete(staging, recursive: true);
            return;
        }
        var relative = store.Commit(job.Id, request.Step, staging);
        // Before the row: a worker on another machine resumes from the artifact store, so a row exists only for a
        // checkpoint that is there. A store still failing after its retries fails the attempt here, the row unwritten.
        mirror.PushFolderAsync(relative).GetAwaiter().GetResult();
        TuningMetrics.CheckpointWriteSeconds.Record(writing.Elapsed.TotalSeconds);

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
        var checkpoint = new JobCheckpoint
        {
            Id = Ids.New("ftckpt"), JobId = job.Id, CreatedAt = Clock.Now(), StepNumber = request.Step,
            FineTunedModelCheckpoint = $"{fineTunedModelName}:ckpt-step-{request.Step}",
            MetricsJson = JsonSerializer.Serialize(metrics), RelativePath = relative,
        };
        // Best by validation loss; without validation data the latest checkpoint is the best there is.
        if (request.IsBest || request.BestValidationLoss is null) BestCheckpointId = checkpoint.Id;
        var bestId = BestCheckpointId;
        var message = $"Checkpoint {checkpoint.Id} saved at step {request.Step} ({Describe(request.Reason)})" +
                      (bestId == checkpoint.Id && request.Evaluation is not null ? "; best validation loss so far." : ".");
        database.Enqueue(db =>
        {
            // A pause may land on the step of the previous checkpoint: the new one replaces it.
            db.Checkpoints.Where(c => c.JobId == job.Id && c.StepNumber == request.Step).ExecuteDelete();
            db.Checkpoints.Add(Copy(checkpoint));
            db.JobEvents.Add(JobEvents.Message(job.Id, message));
            WebhookOutbox.Add(db, WebhookEventTypes.CheckpointCreated, job.Id, checkpoint.Id); // commits with the row
            db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdate(u => u.SetProperty(j => j.BestCheckpointId, bestId));
        });
        // A pause's checkpoint is where training continues, not a candidate to pick: it is not evaluated.
        if (options.EvaluateCheckpoint is { } evaluate && request.Reason != CheckpointReason.Cancelled)
        {
            database.EnqueuePhase(JobPhase.Evaluating);
            evaluate(checkpoint);
        }
        database.EnqueuePhase(JobPhase.Training);
        LastCheckpoint = checkpoint;
        KeepLatestAndBest();
    }

    /// <summary>
    /// Deletes checkpoints beyond the newest <see cref="JobRecorderOptions.Keep"/>, never the best one: the rows
    /// first (queued after the new checkpoint's row), then the folders, so a crash in between leaves a folder
    /// no row points to (swept later), never a row without its folder.
    /// </summary>
    void KeepLatestAndBest()
    {
        var keep = Math.Max(1, options.Keep);
        var bestId = BestCheckpointId;
        kept.Add(LastCheckpoint!);
        var old = kept.OrderByDescending(c => c.StepNumber).Skip(keep).Where(c => c.Id != bestId).ToList();
        foreach (var o in old) kept.Remove(o);
        if (old.Count == 0) return;
        var oldIds = old.Select(o => o.Id).ToList();
        var keepSteps = kept.Select(c => c.StepNumber).ToHashSet();
        database.Enqueue(db =>
        {
            db.Checkpoints.Where(c => c.JobId == job.Id && oldIds.Contains(c.Id)).ExecuteDelete();
        });
        _ = database.FlushAsync().ContinueWith(async t =>
        {
            if (!t.IsCompletedSuccessfully) return;
            foreach (var o in old.Where(o => !keepSteps.Contains(o.StepNumber)))
            {
                store.Delete(job.Id, o.StepNumber);
                await mirror.DeleteAsync(o.RelativePath); // logs, never throws
            }
        }, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Checkpoints of this job known to the recorder: those of earlier attempts (<see cref="Adopt"/>) and this one's.</summary>
    readonly List<JobCheckpoint> kept = [];

    /// <summary>Takes in the checkpoints of earlier attempts, so pruning counts them too.</summary>
    public void Adopt(IEnumerable<JobCheckpoint> earlier) => kept.AddRange(earlier);

    static JobCheckpoint Copy(JobCheckpoint c) => new()
    {
        Id = c.Id, JobId = c.JobId, CreatedAt = c.CreatedAt, StepNumber = c.StepNumber,
        FineTunedModelCheckpoint = c.FineTunedModelCheckpoint, MetricsJson = c.MetricsJson, RelativePath = c.RelativePath,
    };

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
