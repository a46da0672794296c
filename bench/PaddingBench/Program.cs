using System.Text.Json.Nodes;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;

// Share of padded positions per epoch with length-grouped and with random batches, on SST-2 sentences tokenized as
// a job tokenizes them for the built-in model. Padding needs no model: only the batches are formed.
// Usage: dotnet run -c Release --project bench/PaddingBench -- [sentences] [epochs] [sst2 train.tsv]
var sentences = args.Length > 0 ? int.Parse(args[0]) : 20_000;
var epochs = args.Length > 1 ? int.Parse(args[1]) : 3;
var tsv = args.Length > 2 ? args[2] : "/work/shared/datasets/single_task/sst2/train.tsv";
var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
var modelDir = Path.Combine(root, "models", "babyllama-tinystories");
var contextLength = (int)JsonNode.Parse(File.ReadAllText(Path.Combine(modelDir, "config.json")))!["max_position_embeddings"]!;

// train.tsv: a "sentence<TAB>label" header, then one sentence per line with label 1 (positive) or 0 (negative).
var pairs = File.ReadLines(tsv).Skip(1).Take(sentences)
    .Select(line => line.Split('\t'))
    .Select(f => ($"Review: {f[0].Trim()} Sentiment:", f[1] == "1" ? " positive" : " negative"));
var exampleTokenizer = new ExampleTokenizer(TokenizerLoader.FromModelFolder(modelDir), contextLength);
var dataset = exampleTokenizer.TokenizeAll(pairs);
var examples = dataset.Examples;

var lengths = examples.Select(e => e.Length).Order().ToArray();
Console.WriteLine($"{examples.Count} examples from {Path.GetFileName(tsv)}, {lengths.Sum():N0} tokens; length min {lengths[0]}, " +
                  $"median {lengths[lengths.Length / 2]}, p95 {lengths[lengths.Length * 95 / 100]}, max {lengths[^1]} " +
                  $"({dataset.TruncatedCount} truncated to the context of {contextLength}); seed 42");
Console.WriteLine($"{"batch",5} {"batching",-16} {string.Join(" ", Enumerable.Range(1, epochs).Select(e => $"{"epoch " + e,8}"))}");
foreach (var batchSize in new[] { 8, 16, 32 })
{
    var batcher = new Batcher(batchSize, exampleTokenizer.PaddingId);
    Print(batchSize, "random", e => batcher.ShuffledBatches(examples, 42, e));
    Print(batchSize, "length-grouped", e => batcher.LengthGroupedBatches(examples, 42, e));
    // The floor: all examples sorted, the same batches every epoch (not a training order).
    Print(batchSize, "sorted (floor)", _ => batcher.LengthSortedBatches(examples));
}

void Print(int batchSize, string name, Func<int, IReadOnlyList<PaddedBatch>> batchesOfEpoch) =>
    Console.WriteLine($"{batchSize,5} {name,-16} " +
                      string.Join(" ", Enumerable.Range(1, epochs).Select(e => $"{PaddedBatch.PaddingShare(batchesOfEpoch(e)),8:P1}")));
