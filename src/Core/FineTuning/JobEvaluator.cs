using TuningService.Core.Catalog;
using TuningService.Core.Common;
using TuningService.Core.Configuration;
using TuningService.Core.Evaluation;
using TuningService.Core.Files;
using TuningService.Core.Persistence;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;
using EvaluationResult = TuningService.Core.Persistence.EvaluationResult;

namespace TuningService.Core.FineTuning;

/// <summary>
/// Evaluation in a job's life: the base model (and the ICL baseline) before training, each checkpoint as it is saved,
/// the fine-tuned model after training. Results are rows of the evaluations table; each step evaluates only what the
/// job does not have yet, so a re-run job method repeats nothing, and base results are reused across jobs by their
/// <see cref="EvaluationCacheKey"/>. Its writes go through the job's fenced <see cref="JobDatabase"/>.
/// </summary>
public sealed class JobEvaluator(JobDatabase database, FineTuningJob job, JobEvaluationPlan plan, ITextTokenizer tokenizer)
{
    public JobEvaluationPlan Plan => plan;

    /// <summary>Plans the job's evaluation (<see cref="JobEvaluationPlanner"/>) and records the plan in the job's events.</summary>
    public static async Task<JobEvaluator> CreateAsync(JobDatabase database, DataPaths paths, ModelCatalog catalog, FineTuningJob job, CatalogModel baseModel,
        ITextTokenizer tokenizer, Func<StoredFile, IReadOnlyList<TrainingExample>> read, string framing, JobTrainingData data,
        EvaluationSettings settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(database);
        var plan = await database.ReadAsync((db, c) => JobEvaluationPlanner.PlanAsync(db, paths, catalog, job, baseModel, read, framing, data, settings, c), ct);
        await database.WriteAsync((db, _) =>
        {
            foreach (var note in plan.Notes) db.JobEvents.Add(JobEvents.Message(job.Id, note));
            return Task.CompletedTask;
        });
        return new JobEvaluator(database, job, plan, tokenizer);
    }

    /// <param name="inMemoryBase">The base model as loaded for training, before any step; null when training resumes
    /// (the model in memory is then no longer the base).</param>
    /// <param name="loadBase">Loads the base model when <paramref name="inMemoryBase"/> is null and something is missing.</param>
    public async Task EvaluateBaseAsync(TrainingSetup? inMemoryBase, Func<(TrainingSetup Setup, IDisposable Model)> loadBase, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(loadBase);
        var wanted = plan.BeforeAndAfter.Select(d => (Subject: EvaluationSubjects.Base, d.Role, d.Dataset, Icl: "")).ToList();
        if (plan.RunsIcl) wanted.Add((EvaluationSubjects.Icl, EvaluationRoles.Test, plan.Test!, plan.IclFingerprint));
        var missing = new List<(string Subject, string Role, EvaluationDataset Dataset, string Key)>();
        await database.WriteAsync(async (db, c) =>
        {
            missing.Clear(); // a retried write starts over
            foreach (var (subject, role, dataset, icl) in wanted)
            {
                if (await EvaluationRows.ExistsAsync(db, job.Id, subject, role, dataset.Id, c)) continue;
                var key = EvaluationCacheKey.For(plan.BaseModel, subject, role, dataset, plan.Framing, plan.Settings, icl);
                if (await EvaluationRows.FindCachedAsync(db, key, c) is { } cached)
                    db.Evaluations.Add(EvaluationRows.Create(job.Id, null, cached.Model, subject, null, role, EvaluationRows.Read(cached)));
                else
                    missing.Add((subject, role, dataset, key));
            }
        });
        if (missing.Count == 0) return;

        var (setup, owned) = inMemoryBase is null ? loadBase() : (inMemoryBase, null);
        try
        {
            var evaluator = new ModelEvaluator(setup, tokenizer, plan.Settings);
            foreach (var (subject, role, dataset, key) in missing)
            {
                var result = await OffThePool(() => subject == EvaluationSubjects.Icl
                    ? evaluator.EvaluateInContext(dataset, plan.IclPool, plan.IclShots, plan.Seed, ct)
                    : evaluator.Evaluate(dataset, generate: true, ct), ct);
                // The job's row, and a row of no job that later jobs on the same base model and data reuse.
                await SaveAsync(() => [EvaluationRows.Create(job.Id, null, plan.BaseModel, subject, null, role, result),
                    EvaluationRows.Create(null, key, plan.BaseModel, subject, null, role, result)]);
            }
        }
        finally
        {
            owned?.Dispose();
        }
    }

    /// <summary>The fine-tuned model (in memory after training) on the data the base model was evaluated on.</summary>
    public async Task EvaluateFineTunedAsync(TrainingSetup setup, string fineTunedModel, CancellationToken ct)
    {
        var evaluator = new ModelEvaluator(setup, tokenizer, plan.Settings);
        foreach (var (role, dataset) in plan.BeforeAndAfter)
        {
            if (await database.ReadAsync((db, c) => EvaluationRows.ExistsAsync(db, job.Id, EvaluationSubjects.FineTuned, role, dataset.Id, c), ct))
                continue;
            var result = await OffThePool(() => evaluator.Evaluate(dataset, generate: true, ct), ct);
            await SaveAsync(() => [EvaluationRows.Create(job.Id, null, fineTunedModel, EvaluationSubjects.FineTuned, null, role, result)]);
        }
    }

    /// <summary>
    /// Teacher-forced metrics of a just-saved checkpoint on the validation and retention data, while its weights are
    /// the model in memory. Called on the training thread, between steps; the rows are queued (training does not
    /// wait for the database) and replace the step's earlier rows (a pause and a replay may save the same step again).
    /// </summary>
    public void EvaluateCheckpoint(TrainingSetup setup, JobCheckpoint checkpoint, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (plan.Validation.Count == 0 && plan.Retention.Count == 0) return;
        var rows = new List<(string Role, DatasetEvaluation Result)>();
        if (plan.Validation.Count > 0)
        {
            var (overall, tasks) = TeacherForcedEvaluator.Evaluate(setup, plan.Validation, plan.Settings.BatchSize, ct);
            var validation = new DatasetEvaluation(EvaluationRoles.Validation, EvaluationRoles.Validation, EvaluationDataKind.Instruction,
                overall.Examples, new TaskEvaluation("overall", overall, null), [.. tasks.Select(t => new TaskEvaluation(t.Task, t.Metrics, null))], []);
            rows.Add((EvaluationRoles.Validation, validation));
        }
        var evaluator = new ModelEvaluator(setup, tokenizer, plan.Settings);
        rows.AddRange(plan.Retention.Select(r => (EvaluationRoles.Retention, evaluator.Evaluate(r, generate: false, ct))));

        database.Enqueue(db =>
        {
            db.Evaluations.RemoveRange(db.Evaluations.Where(e => e.JobId == job.Id && e.Subject == EvaluationSubjects.Checkpoint && e.Step == checkpoint.StepNumber));
            db.Evaluations.AddRange(rows.Select(r => CheckpointRow(checkpoint, r.Role, r.Result)));
        });
    }

    EvaluationResult CheckpointRow(JobCheckpoint checkpoint, string role, DatasetEvaluation result) =>
        EvaluationRows.Create(job.Id, null, checkpoint.FineTunedModelCheckpoint, EvaluationSubjects.Checkpoint, checkpoint.StepNumber, role, result);

    /// <summary>Rows are made afresh for each try: a retried write runs on a new context.</summary>
    Task SaveAsync(Func<EvaluationResult[]> rows) => database.WriteAsync((db, _) =>
    {
        db.Evaluations.AddRange(rows());
        return Task.CompletedTask;
    });

    /// <summary>Evaluation keeps the CPU busy for seconds to minutes: its own thread, as training has.</summary>
    static Task<T> OffThePool<T>(Func<T> work, CancellationToken ct) => ComputeThread.Run(work, ct);
}
