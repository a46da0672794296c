using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using TuningService.Core.Configuration;
using TuningService.Core.Evaluation;
using TuningService.Core.Files;
using TuningService.Core.FineTuning;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.MultiTask;
using TuningService.Core.Persistence;
using TuningService.Core.Tests.Models;
using TuningService.Core.Tests.Training;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.FineTuning;

/// <summary>
/// Evaluation rows in a job's life, on a real (SQLite) database: a re-run job method evaluates nothing twice, a
/// second job on the same base model and data reuses the base results, checkpoint rows are replaced, and a restart
/// clears what will be measured again.
/// </summary>
public sealed class JobEvaluatorTests : IDisposable
{
    static readonly CharacterTokenizer Tokenizer = new();

    readonly TempFolder folder = new();
    readonly ServiceProvider services;
    readonly LoadedModel llama = PretrainedModelLoader.Load(TestPaths.LlamaTiny, CPU);
    readonly TrainingSetup setup;
    readonly List<JobDatabase> databases = [];
    int loads;

    public JobEvaluatorTests()
    {
        services = new ServiceCollection().AddTuningPersistence(null, new DataPaths(folder.Path)).BuildServiceProvider();
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<TuningDbContext>().Database.Migrate();
        setup = TrainingSetup.For(llama, Tokenizer);
    }

    static JobEvaluationPlan Plan()
    {
        var test = new EvaluationDataset("file-test", "test.jsonl", "sha-test", EvaluationDataKind.Instruction,
            [new("2+2=", "4"), new("3+3=", "6"), new("say hi:", " hi")], "test");
        var text = new EvaluationDataset("builtin/stories", "stories.jsonl", "sha-text", EvaluationDataKind.Text, [new("", "Once upon a time.")], "stories");
        var validation = new ExampleTokenizer(Tokenizer, 64).TokenizeAll([("1+1=", "2")]).Examples;
        return new JobEvaluationPlan("llama-tiny", "framing", EvaluationSettings.Default, test, [text], [new("5+5=", "10"), new("1+2=", "3")], 1, 7,
            "icl", [new TaskExamples<TokenizedExample>("train", validation)], []);
    }

    static FineTuningJob Job(string id) => new() { Id = id, Owner = "o", Model = "llama-tiny", TrainingFileId = "file-train", RequestedHyperparametersJson = "{}" };

    /// <summary>An evaluator writing through the job's fenced database, as in a worker: the job's row exists and is claimed.</summary>
    JobEvaluator Evaluator(string jobId)
    {
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        using (var scope = scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
            if (!db.Jobs.Any(j => j.Id == jobId))
            {
                db.Jobs.Add(Job(jobId));
                db.SaveChanges();
            }
            db.Jobs.Where(j => j.Id == jobId).ExecuteUpdate(s => s.SetProperty(j => j.LeaseOwner, (string?)null));
        }
        var retry = new DatabaseRetry(TimeSpan.FromSeconds(5), NullLogger.Instance);
        var lease = new JobLease(scopes, retry, jobId, "test-worker", TimeSpan.FromMinutes(1));
        Assert.NotNull(lease.TryClaimAsync(default).GetAwaiter().GetResult());
        var database = new JobDatabase(scopes, retry, lease, NullLogger.Instance);
        databases.Add(database);
        return new JobEvaluator(database, Job(jobId), Plan(), Tokenizer);
    }

    (TrainingSetup, IDisposable) LoadBase()
    {
        loads++;
        var loaded = PretrainedModelLoader.Load(TestPaths.LlamaTiny, CPU);
        return (TrainingSetup.For(loaded, Tokenizer), loaded);
    }

    List<Core.Persistence.EvaluationResult> Rows()
    {
        using var scope = services.CreateScope();
        return [.. scope.ServiceProvider.GetRequiredService<TuningDbContext>().Evaluations.AsNoTracking().OrderBy(e => e.Id)];
    }

    [Fact]
    public async Task Base_results_are_computed_once_per_job_and_reused_by_the_next_job()
    {
        await Evaluator("ftjob-a").EvaluateBaseAsync(null, LoadBase, default);
        var afterFirst = Rows();
        await Evaluator("ftjob-a").EvaluateBaseAsync(null, LoadBase, default); // the job method runs again
        await Evaluator("ftjob-b").EvaluateBaseAsync(null, LoadBase, default); // another job, same base model and data

        Assert.Equal(1, loads);
        // Per job: base on test, ICL on test, base on the text; and one reusable row of no job for each.
        Assert.Equal([3, 3], afterFirst.GroupBy(r => r.JobId is null).Select(g => g.Count()));
        var rows = Rows();
        Assert.Equal(afterFirst.Select(r => r.Id), rows.Where(r => r.JobId != "ftjob-b").Select(r => r.Id));
        var a = rows.Where(r => r.JobId == "ftjob-a").OrderBy(r => (r.Subject, r.DatasetId)).ToList();
        var b = rows.Where(r => r.JobId == "ftjob-b").OrderBy(r => (r.Subject, r.DatasetId)).ToList();
        Assert.Equal(a.Select(r => (r.Subject, r.DatasetRole, r.DatasetId, r.ReportJson)), b.Select(r => (r.Subject, r.DatasetRole, r.DatasetId, r.ReportJson)));
        Assert.Equal([EvaluationSubjects.Base, EvaluationSubjects.Base, EvaluationSubjects.Icl], a.Select(r => r.Subject));
    }

    [Fact]
    public async Task The_in_memory_base_model_is_used_when_given()
    {
        await Evaluator("ftjob-a").EvaluateBaseAsync(setup, LoadBase, default);

        Assert.Equal(0, loads);
        Assert.Equal(6, Rows().Count);
    }

    [Fact]
    public async Task Fine_tuned_and_checkpoint_results_are_not_duplicated_and_a_restart_clears_what_comes_again()
    {
        var evaluator = Evaluator("ftjob-a");
        await evaluator.EvaluateBaseAsync(setup, LoadBase, default);
        await evaluator.EvaluateFineTunedAsync(setup, "ft:x", default);
        await evaluator.EvaluateFineTunedAsync(setup, "ft:x", default);
        foreach (var step in new[] { 2, 4, 4 }) // a pause and a replay may save step 4 again
            evaluator.EvaluateCheckpoint(setup, new JobCheckpoint
            {
                Id = $"ftckpt-{step}", JobId = "ftjob-a", StepNumber = step, FineTunedModelCheckpoint = $"ft:x:ckpt-step-{step}", MetricsJson = "{}", RelativePath = "x",
            }, default);
        await databases[^1].FlushAsync(); // checkpoint rows are queued on the training thread

        var rows = Rows().Where(r => r.JobId == "ftjob-a").ToList();
        Assert.Equal(2, rows.Count(r => r.Subject == EvaluationSubjects.FineTuned)); // test and the text
        Assert.Equal([(2, "retention"), (2, "validation"), (4, "retention"), (4, "validation")],
            rows.Where(r => r.Subject == EvaluationSubjects.Checkpoint).Select(r => (r.Step!.Value, r.DatasetRole)).Order());

        using (var scope = services.CreateScope())
            await EvaluationRows.ClearForRestartAsync(scope.ServiceProvider.GetRequiredService<TuningDbContext>(), "ftjob-a", 2, default);
        Assert.Equal([2, 2], Rows().Where(r => r.Subject == EvaluationSubjects.Checkpoint).Select(r => r.Step!.Value));
        using (var scope = services.CreateScope())
            await EvaluationRows.ClearForRestartAsync(scope.ServiceProvider.GetRequiredService<TuningDbContext>(), "ftjob-a", null, default);
        Assert.Equal([EvaluationSubjects.Base, EvaluationSubjects.Base, EvaluationSubjects.Icl],
            Rows().Where(r => r.JobId == "ftjob-a").Select(r => r.Subject).Order());
    }

    public void Dispose()
    {
        foreach (var database in databases) database.DisposeAsync().AsTask().GetAwaiter().GetResult();
        llama.Dispose();
        services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        folder.Dispose();
    }
}
