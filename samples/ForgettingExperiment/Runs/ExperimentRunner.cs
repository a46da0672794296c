using System.Diagnostics;
using TuningService.Samples.ForgettingExperiment.Data;
using TuningService.Samples.ForgettingExperiment.Service;

namespace TuningService.Samples.ForgettingExperiment.Runs;

/// <summary>
/// Runs the experiment against a started service: samples the pseudo-rehearsal stories from the base model, writes
/// and uploads each target task's files, then creates the jobs one after another (so each one's time is its own) and
/// collects what the service reports about each.
/// </summary>
public sealed class ExperimentRunner(TuningClient client, ExperimentOptions options, string inputsFolder, string workFolder)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(3);

    // Pseudo-rehearsal stories are as long as the model's context allows (BOS + 255 characters).
    private const int StoryMaxTokens = 255;

    // Seeds of the generated cat's-name stories: training, validation and test drawn apart.
    private const int CatTrainSeed = 1, CatValidationSeed = 2, CatTestSeed = 3;
    private const int CatValidationCount = 100, CatTestCount = 200;

    public async Task<ExperimentRecord> RunAsync(CancellationToken ct)
    {
        var baseModel = await client.GetModelAsync(RunDefinition.BaseModel, ct);

        Console.WriteLine($"Sampling {options.Stories} pseudo-rehearsal stories from {RunDefinition.BaseModel}...");
        var stories = await PseudoRehearsal.SampleAsync(client, RunDefinition.BaseModel, options.Stories, options.Seed, StoryMaxTokens, ct);
        var storiesPath = Path.Combine(workFolder, "pseudo-rehearsal-stories.jsonl");
        PseudoRehearsal.Write(storiesPath, stories);
        Console.WriteLine("Uploading files...");
        var storiesFile = await UploadAsync(storiesPath, ct);

        var runs = new List<RunRecord>();
        foreach (var task in options.Tasks.Select(TargetTask.Find))
        {
            var (train, validation, test) = await WriteTaskFilesAsync(task, ct);
            var files = new ExperimentFiles(await UploadAsync(train, ct), await UploadAsync(validation, ct), await UploadAsync(test, ct), storiesFile);
            foreach (var run in RunDefinition.All)
            {
                Console.WriteLine($"{task.Short}, {run.Name}: {run.Description}");
                var clock = Stopwatch.StartNew();
                var created = await client.CreateJobAsync(run.Request(task, files, options), ct);
                var jobId = created["id"]!.GetValue<string>();
                var job = await client.WaitForJobAsync(jobId, PollInterval, ct);
                if (job["status"]!.GetValue<string>() != "succeeded")
                    Console.WriteLine($"  the job {job["status"]}: {job["error"]?["message"]}");
                var evaluation = await client.WaitForEvaluationAsync(jobId, PollInterval, ct);
                clock.Stop();
                runs.Add(new RunRecord(task, run, job, evaluation, await client.GetMetricsAsync(jobId, ct),
                    await client.GetEventsAsync(jobId, ct), clock.Elapsed.TotalSeconds));
            }
        }
        return new ExperimentRecord(baseModel, stories, runs);
    }

    /// <summary>The task's training (first --train-examples), validation and test files, written into the work folder.</summary>
    private async Task<(string Train, string Validation, string Test)> WriteTaskFilesAsync(TargetTask task, CancellationToken ct)
    {
        var folder = Directory.CreateDirectory(Path.Combine(workFolder, task.Key)).FullName;
        var (train, validation, test) = (Path.Combine(folder, "train.jsonl"), Path.Combine(folder, "validation.jsonl"), Path.Combine(folder, "test.jsonl"));
        if (task == TargetTask.CatName)
        {
            var trained = CatNameStories.Write(train, options.TrainExamples, CatTrainSeed, new HashSet<string>());
            var validated = CatNameStories.Write(validation, CatValidationCount, CatValidationSeed, trained);
            CatNameStories.Write(test, CatTestCount, CatTestSeed, new HashSet<string>(trained.Concat(validated)));
            return (train, validation, test);
        }
        var lines = File.ReadLines(Path.Combine(inputsFolder, "sst2-train.jsonl")).Take(options.TrainExamples).ToList();
        if (lines.Count < options.TrainExamples)
            throw new InvalidOperationException($"inputs/sst2-train.jsonl has {lines.Count} examples; --train-examples asks for {options.TrainExamples}.");
        await File.WriteAllLinesAsync(train, lines, ct);
        File.Copy(Path.Combine(inputsFolder, "sst2-validation.jsonl"), validation);
        File.Copy(Path.Combine(inputsFolder, "sst2-test.jsonl"), test);
        return (train, validation, test);
    }

    private async Task<string> UploadAsync(string path, CancellationToken ct)
    {
        var file = await client.UploadAsync(path, ct);
        Console.WriteLine($"  {Path.GetRelativePath(workFolder, path)} -> {file["id"]} ({file["format"]}, {file["record_count"]} records)");
        return file["id"]!.GetValue<string>();
    }
}
