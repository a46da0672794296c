using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using TuningService.Core.Tokenization;

// Encoding speed of a model folder's tokenizer on real text: every prompt and completion of a JSONL file (gzipped or
// not) encoded without special tokens, one thread, several passes after an untimed warm-up pass. Prints tokens/s and
// characters/s per pass (the pre-token cache warm), then one pass of a freshly loaded tokenizer (cache empty), and the managed heap and working set after each pass (flat when the pre-token cache is bounded).
// Usage: dotnet run -c Release --project bench/TokenizerBench -- <tokenizer folder> [data=bench/data/t0-mix.jsonl.gz] [passes=5]
// A folder holding only tokenizer.json.gz (the fixtures' Llama 3, Qwen3, Gemma 3) is unpacked to a temp folder first.
var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: TokenizerBench <tokenizer folder> [data.jsonl[.gz]] [passes]");
    return 2;
}

var folder = Unpacked(Path.GetFullPath(args[0]));
var dataPath = args.Length > 1 ? args[1] : Path.Combine(root, "bench", "data", "t0-mix.jsonl.gz");
var passes = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;

var loadClock = Stopwatch.StartNew();
var tokenizer = TokenizerLoader.FromModelFolder(folder);
loadClock.Stop();
var texts = ReadTexts(dataPath);
var characters = texts.Sum(text => (long)text.Length);
Console.WriteLine($"{tokenizer.GetType().Name} from {args[0]} loaded in {loadClock.Elapsed.TotalSeconds:F1} s; " +
                  $"{texts.Count} texts, {characters:N0} characters from {Path.GetFileName(dataPath)}");

// Warm-up: JIT, and the pre-token cache filled from empty (so this pass is the cold-cache figure).
var warmClock = Stopwatch.StartNew();
var tokens = EncodeAll(tokenizer);
warmClock.Stop();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"warm-up pass (JIT, empty cache): {tokens:N0} tokens in {warmClock.Elapsed.TotalSeconds:F2} s = {tokens / warmClock.Elapsed.TotalSeconds:N0} tokens/s"));
var rates = new List<double>();
for (var pass = 1; pass <= passes; pass++)
{
    var clock = Stopwatch.StartNew();
    tokens = EncodeAll(tokenizer);
    clock.Stop();
    var rate = tokens / clock.Elapsed.TotalSeconds;
    rates.Add(rate);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"pass {pass}: {tokens:N0} tokens in {clock.Elapsed.TotalSeconds:F2} s = {rate:N0} tokens/s, {characters / clock.Elapsed.TotalSeconds / 1e6:F1} M chars/s; " +
        $"heap {GC.GetTotalMemory(forceFullCollection: true) / 1048576.0:F0} MiB, working set {Environment.WorkingSet / 1048576.0:F0} MiB"));
}

// The same tokenizer loaded again: compiled code is warm, its pre-token cache is empty (a new dataset in a running service).
var fresh = TokenizerLoader.FromModelFolder(folder);
var coldClock = Stopwatch.StartNew();
tokens = EncodeAll(fresh);
coldClock.Stop();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"fresh tokenizer (warm code, empty cache): {tokens:N0} tokens in {coldClock.Elapsed.TotalSeconds:F2} s = {tokens / coldClock.Elapsed.TotalSeconds:N0} tokens/s"));
rates.Sort();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median {rates[rates.Count / 2]:N0} tokens/s (one thread)"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SUITE\ttokenize.encode.{Path.GetFileName(Path.TrimEndingDirectorySeparator(args[0]))}.tokens_per_s\t{rates[rates.Count / 2]:0}\ttokens/s"));
return 0;

long EncodeAll(ITextTokenizer tokenizer)
{
    long count = 0;
    foreach (var text in texts)
    {
        count += tokenizer.Encode(text).Count;
    }

    return count;
}

static List<string> ReadTexts(string path)
{
    using var file = File.OpenRead(path);
    using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
    using var reader = new StreamReader(stream);
    var texts = new List<string>();
    while (reader.ReadLine() is { } line)
    {
        if (line.Length == 0)
        {
            continue;
        }

        using var record = JsonDocument.Parse(line);
        foreach (var field in new[] { "prompt", "completion" })
        {
            if (record.RootElement.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String)
            {
                texts.Add(value.GetString()!);
            }
        }
    }

    return texts;
}

static string Unpacked(string folder)
{
    if (!Directory.GetFiles(folder, "*.gz").Any())
    {
        return folder;
    }

    var target = Path.Combine(Path.GetTempPath(), "tokenizer-bench-" + Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)));
    Directory.CreateDirectory(target);
    foreach (var file in Directory.GetFiles(folder))
    {
        var name = Path.GetFileName(file);
        if (name.EndsWith(".gz", StringComparison.Ordinal))
        {
            using var input = new GZipStream(File.OpenRead(file), CompressionMode.Decompress);
            using var output = File.Create(Path.Combine(target, name[..^3]));
            input.CopyTo(output);
        }
        else
        {
            File.Copy(file, Path.Combine(target, name), overwrite: true);
        }
    }

    return target;
}
