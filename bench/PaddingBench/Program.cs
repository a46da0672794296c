using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using TuningService.Bench;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;

// Share of padded positions per epoch with length-grouped and with random batches, on a dataset tokenized as a job
// tokenizes it (default: the SST-2 subset in bench/data for the built-in model). Padding needs no model: only the
// batches are formed.
// Usage: dotnet run -c Release --project bench/PaddingBench -- [records=20000] [epochs=3] [data=bench/data/sst2-train-20000.tsv.gz]
//          [tokenizer folder=models/babyllama-tinystories] [context=auto: the folder's max_position_embeddings] [name for SUITE lines]
// data: SST-2's train.tsv, a JSONL file of {"prompt", "completion"} records (either may be gzipped), or a folder of JSONL files (a mix).
var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
var records = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
var epochs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var dataPath = args.Length > 2 ? args[2] : Path.Combine(root, "bench", "data", "sst2-train-20000.tsv.gz");
var tokenizerDir = args.Length > 3 ? args[3] : Path.Combine(root, "models", "babyllama-tinystories");
var contextLength = args.Length > 4 && args[4] != "auto" ? int.Parse(args[4], CultureInfo.InvariantCulture) : ContextOf(tokenizerDir);
var suiteName = args.Length > 5 ? args[5] : null;

var exampleTokenizer = new ExampleTokenizer(TokenizerLoader.FromModelFolder(tokenizerDir), contextLength);
var pairs = PaddingData.Read(dataPath, records);
// Tokenisation speed on the way (issue 7, item 6): the whole set as a job tokenizes it, after a small untimed warm-up (JIT).
exampleTokenizer.TokenizeAll(pairs.Take(100));
var clock = Stopwatch.StartNew();
var dataset = exampleTokenizer.TokenizeAll(pairs);
clock.Stop();
var examples = dataset.Examples;

var lengths = examples.Select(e => e.Length).Order().ToArray();
Console.WriteLine($"{examples.Count} examples from {Path.GetFileName(Path.TrimEndingDirectorySeparator(dataPath))}, tokenizer of " +
                  $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(tokenizerDir))}, {lengths.Sum():N0} tokens; length min {lengths[0]}, " +
                  $"median {lengths[lengths.Length / 2]}, p95 {lengths[lengths.Length * 95 / 100]}, max {lengths[^1]} " +
                  $"({dataset.TruncatedCount} truncated to the context of {contextLength}); seed 42");
var tokensPerSecond = lengths.Sum() / clock.Elapsed.TotalSeconds;
Console.WriteLine($"tokenized in {clock.Elapsed.TotalSeconds:F2} s: {tokensPerSecond:N0} tokens/s (prompt and completion encoded, BOS/EOS added, labels masked; one thread)");
Console.WriteLine($"{"batch",5} {"batching",-16} {string.Join(" ", Enumerable.Range(1, epochs).Select(e => $"{"epoch " + e,8}"))}");
double worstGrouped = 0, worstRandom = 0;
foreach (var batchSize in new[] { 8, 16, 32 })
{
    var batcher = new Batcher(batchSize, exampleTokenizer.PaddingId);
    worstRandom = Math.Max(worstRandom, Print(batchSize, "random", e => batcher.ShuffledBatches(examples, 42, e)));
    worstGrouped = Math.Max(worstGrouped, Print(batchSize, "length-grouped", e => batcher.LengthGroupedBatches(examples, 42, e)));
    // The floor: all examples sorted, the same batches every epoch (not a training order).
    Print(batchSize, "sorted (floor)", _ => batcher.LengthSortedBatches(examples));
}
// The randomness kept: how much of each epoch's length-grouped batching the next epoch repeats (mean over epochs).
if (epochs > 1)
{
    Console.WriteLine($"length-grouped, repeated from the epoch before (mean of epochs 2-{epochs}):");
    Console.WriteLine($"{"batch",5} {"batches",8} {"pairs",8}  (pairs: of the example pairs sharing a batch, those that shared one the epoch before)");
    foreach (var batchSize in new[] { 8, 16, 32 })
    {
        var grouped = Enumerable.Range(1, epochs).Select(e => LengthGroupedOrder.Batches(examples, batchSize, 42, e)).ToList();
        var batches = Enumerable.Range(1, epochs - 1).Average(e => BatchRepeats.Batches(grouped[e - 1], grouped[e]));
        var pairsRepeated = Enumerable.Range(1, epochs - 1).Average(e => BatchRepeats.Pairs(grouped[e - 1], grouped[e]));
        Console.WriteLine($"{batchSize,5} {batches,8:P1} {pairsRepeated,8:P1}");
    }
}
if (suiteName is not null)
{
    // The worst epoch and batch size of each: what the summary holds against the target.
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SUITE\tpadding.{suiteName}.grouped\t{100 * worstGrouped:0.###}\t%"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SUITE\tpadding.{suiteName}.random\t{100 * worstRandom:0.###}\t%"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SUITE\ttokenize.{suiteName}.tokens_per_s\t{tokensPerSecond:0}\ttokens/s"));
}

// Prints one row and returns its largest share.
double Print(int batchSize, string name, Func<int, IReadOnlyList<PaddedBatch>> batchesOfEpoch)
{
    var shares = Enumerable.Range(1, epochs).Select(e => PaddedBatch.PaddingShare(batchesOfEpoch(e))).ToList();
    Console.WriteLine($"{batchSize,5} {name,-16} " + string.Join(" ", shares.Select(s => $"{s,8:P1}")));
    return shares.Max();
}

static int ContextOf(string modelDir)
{
    var config = Path.Combine(modelDir, "config.json");
    if (!File.Exists(config))
        throw new ArgumentException($"{modelDir} has no config.json to read the context from: give the context length as the fifth argument.");
    return (int)JsonNode.Parse(File.ReadAllText(config))!["max_position_embeddings"]!;
}
