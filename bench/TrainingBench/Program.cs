using System.Diagnostics;
using TorchSharp;
using TuningService.Core.Files;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;
using TuningService.Core.Training.Preference;

// Full fine-tuning of the built-in model on the SST-2 sample, as a job runs it, reporting speed and memory.
// Usage: dotnet run -c Release --project bench/TrainingBench -- [epochs] [batch size] [supervised|dpo]
// dpo: the same records as preference pairs (the right label preferred over the other), batch size in pairs, the
// reference log-probs precomputed (as a full fine-tuning DPO job does; that scoring is timed apart). Tokens/s counts
// every sequence a step computes: both answers of a pair.
var epochs = args.Length > 0 ? int.Parse(args[0]) : 20;
var batchSize = args.Length > 1 ? int.Parse(args[1]) : 16;
var dpo = args.Length > 2 && args[2] == "dpo";
var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
var modelDir = Path.Combine(root, "models", "babyllama-tinystories");

using var loaded = PretrainedModelLoader.Load(modelDir, torch.CPU);
var model = loaded.AsCausalLanguageModel();
var exampleTokenizer = new ExampleTokenizer(TokenizerLoader.FromModelFolder(modelDir), model.MaxPositions);
var records = TrainingExampleReader.Read(Path.Combine(root, "samples", "sst2-sentiment-train.jsonl"));
var examples = dpo
    ? PreferencePairs.Tokenize(exampleTokenizer, records.Select(e => (e.Prompt, e.Completion, e.Completion.Trim() == "positive" ? " negative" : " positive")))
    : exampleTokenizer.TokenizeAll(records.Select(e => (e.Prompt, e.Completion)));
ITrainingObjective objective = dpo
    ? new PreferenceObjective(model, new PreferenceLossOptions(), PreferenceReference.Precomputed)
    : new CausalObjective(model);
var train = examples.Examples;
if (dpo)
{
    var scoring = Stopwatch.StartNew();
    train = ReferenceLogProbs.Score((PreferenceObjective)objective, train, 16, 0, torch.CPU, CancellationToken.None)!;
    Console.WriteLine($"reference log-probs of {train.Count} pairs scored once in {scoring.Elapsed.TotalSeconds:F1} s");
}
long epochTokens = train.Sum(e => (long)e.InputIds.Length + (e.Rejected?.InputIds.Length ?? 0));
var observer = new BenchObserver();
var options = new TrainingOptions { Epochs = epochs, BatchSize = batchSize, LearningRate = 5e-4, Seed = 1, MetricsInterval = 10 };
Console.WriteLine($"babyllama-tinystories ({loaded.ParameterCount:N0} params), {(dpo ? "DPO" : "supervised")}, {train.Count} {(dpo ? "pairs" : "examples")}, " +
                  $"{epochTokens:N0} tokens/epoch, {epochs} epochs, batch {batchSize}, {torch.get_num_threads()} threads");
var clock = Stopwatch.StartNew();
new SupervisedTrainer(objective, options, observer).Train(train, null, 0, CancellationToken.None);
clock.Stop();
var tokens = epochs * epochTokens;
Console.WriteLine($"wall {clock.Elapsed.TotalSeconds:F1} s, {tokens / clock.Elapsed.TotalSeconds:N0} tokens/s overall (incl. metric reads)");
// For bench/run's summary: `SUITE key value unit`, tab-separated, invariant culture.
Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"SUITE\ttrain.builtin{(dpo ? ".dpo" : "")}.tokens_per_s\t{tokens / clock.Elapsed.TotalSeconds:0}\ttokens/s"));
Console.WriteLine($"steps {observer.Steps}; RSS MB after step 10: {observer.RssAt10:F0}, max: {observer.MaxRss:F0}, last: {observer.LastRss:F0}");
Console.WriteLine($"RSS MB by step: {string.Join(" ", observer.Samples)}");
Console.WriteLine($"train loss first {observer.FirstLoss:F4}, last {observer.LastLoss:F4}");

sealed class BenchObserver : ITrainingObserver
{
    public int Steps;
    public double RssAt10, MaxRss, LastRss, FirstLoss = double.NaN, LastLoss;
    public readonly List<string> Samples = [];

    public void OnMetrics(IReadOnlyList<StepMetrics> steps)
    {
        var rss = Process.GetCurrentProcess().WorkingSet64 / 1e6;
        Steps = steps[^1].Step;
        if (double.IsNaN(FirstLoss)) FirstLoss = steps[0].TrainLoss;
        LastLoss = steps[^1].TrainLoss;
        if (Steps == 10) RssAt10 = rss;
        if (Steps % 100 == 0) Samples.Add($"{Steps}:{rss:F0}");
        MaxRss = Math.Max(MaxRss, rss);
        LastRss = rss;
    }

    public void OnEpochEnd(EpochSummary summary) { }
}
