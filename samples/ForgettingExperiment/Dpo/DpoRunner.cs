using System.Diagnostics;
using System.Text.Json.Nodes;
using TuningService.Api.Tests.Support;
using TuningService.Samples.ForgettingExperiment.Service;

namespace TuningService.Samples.ForgettingExperiment.Dpo;

/// <summary>
/// Uploads the story-name preference pairs (training and held-out) and runs two DPO jobs on the built-in model, full
/// fine-tuning and LoRA, one after the other, each with the held-out pairs as validation and test file.
/// </summary>
public sealed class DpoRunner(TuningClient client, DpoExperimentOptions options, string workFolder)
{
    public const string BaseModel = "babyllama-tinystories";
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    public async Task<(int TrainPairs, int HeldOutPairs, IReadOnlyList<DpoRunRecord> Runs)> RunAsync(CancellationToken ct)
    {
        var (train, heldOut) = StoryPreferences.Build(namesPerStory: options.NamesPerStory);
        var trainPath = Path.Combine(workFolder, "stories-train.jsonl");
        var heldOutPath = Path.Combine(workFolder, "stories-heldout.jsonl");
        await File.WriteAllBytesAsync(trainPath, StoryPreferences.Jsonl(train), ct);
        await File.WriteAllBytesAsync(heldOutPath, StoryPreferences.Jsonl(heldOut), ct);
        var trainFile = (await client.UploadAsync(trainPath, ct))["id"]!.GetValue<string>();
        var heldOutFile = (await client.UploadAsync(heldOutPath, ct))["id"]!.GetValue<string>();

        var runs = new List<DpoRunRecord>();
        foreach (var (name, trainingType, learningRate) in new[] { ("full fine-tuning", "full", options.FullLearningRate), ("LoRA", "lora", options.LoraLearningRate) })
        {
            Console.WriteLine($"DPO, {name}:");
            var clock = Stopwatch.StartNew();
            var created = await client.CreateJobAsync(new JsonObject
            {
                ["model"] = BaseModel, ["training_file"] = trainFile, ["validation_file"] = heldOutFile, ["test_file"] = heldOutFile,
                ["seed"] = options.Seed, ["suffix"] = $"dpo-{trainingType}",
                ["method"] = new JsonObject
                {
                    ["type"] = "dpo",
                    ["dpo"] = new JsonObject
                    {
                        ["hyperparameters"] = new JsonObject
                        {
                            ["beta"] = options.Beta, ["n_epochs"] = options.Epochs, ["batch_size"] = options.BatchSize,
                            ["learning_rate"] = learningRate, ["training_type"] = trainingType,
                        },
                    },
                },
            }, ct);
            var jobId = created["id"]!.GetValue<string>();
            var job = await client.WaitForJobAsync(jobId, PollInterval, ct);
            if (job["status"]!.GetValue<string>() != "succeeded") Console.WriteLine($"  the job {job["status"]}: {job["error"]?["message"]}");
            var evaluation = await client.WaitForEvaluationAsync(jobId, PollInterval, ct);
            clock.Stop();
            runs.Add(new DpoRunRecord(name, job, evaluation, await client.GetMetricsAsync(jobId, ct), await client.GetEventsAsync(jobId, ct), clock.Elapsed.TotalSeconds));
        }
        return (train.Count, heldOut.Count, runs);
    }
}
