using System.Text.Encodings.Web;
using System.Text.Json;

namespace TuningService.Samples.ForgettingExperiment.Data;

/// <summary>
/// Builds the SST-2 input files from GLUE's TSVs (<c>sentence\tlabel</c>): training examples from GLUE train (phrases
/// of at least six words), validation and test examples from GLUE dev (whole sentences). GLUE train and dev come from
/// different sentences, and any training phrase that is contained in a held-out sentence (or contains one) is dropped
/// all the same, so no test sentence was seen in training. Every draw is seeded, and each file is balanced 50/50, so
/// the majority-class accuracy is exactly 0.5.
/// </summary>
public static class Sst2Preparation
{
    public const int TrainCount = 1500, ValidationCount = 100, TestCount = 200;

    // The context of the shipped model is 256 characters; the prompt wrapper and label add about 30.
    const int MaxSentenceLength = 140, MinTrainingWords = 6, Seed = 7;

    public static void Prepare(string sst2Folder, string inputsFolder)
    {
        var heldOut = Read(Path.Combine(sst2Folder, "test.tsv")).ToList();
        var random = new Random(Seed);
        var heldOutDrawn = Balanced(heldOut, ValidationCount + TestCount, random);
        var validation = Balanced(heldOutDrawn, ValidationCount, random);
        var test = heldOutDrawn.Except(validation).ToList();

        var heldOutSentences = heldOut.Select(s => s.Sentence).ToList();
        var candidates = Read(Path.Combine(sst2Folder, "train.tsv"))
            .Where(s => s.Sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length >= MinTrainingWords)
            .ToList();
        var overlapping = candidates.Where(c => heldOutSentences.Any(h => h.Contains(c.Sentence, StringComparison.Ordinal)
                                                                          || c.Sentence.Contains(h, StringComparison.Ordinal))).ToHashSet();
        var train = Balanced(candidates.Where(c => !overlapping.Contains(c)).ToList(), TrainCount, random);

        Directory.CreateDirectory(inputsFolder);
        Write(Path.Combine(inputsFolder, "sst2-train.jsonl"), train);
        Write(Path.Combine(inputsFolder, "sst2-validation.jsonl"), validation);
        Write(Path.Combine(inputsFolder, "sst2-test.jsonl"), test);
        Console.WriteLine($"GLUE dev (test.tsv): {heldOut.Count} sentences of <= {MaxSentenceLength} characters -> " +
                          $"{validation.Count} validation + {test.Count} test, disjoint.");
        Console.WriteLine($"GLUE train (train.tsv): {candidates.Count} distinct phrases of >= {MinTrainingWords} words; " +
                          $"{overlapping.Count} contained in or containing a GLUE dev sentence, dropped; {train.Count} drawn.");
    }

    /// <summary>Distinct sentences of at most <see cref="MaxSentenceLength"/> characters, in file order.</summary>
    static IEnumerable<LabelledSentence> Read(string tsv) =>
        File.ReadLines(tsv).Skip(1)
            .Select(line => line.Split('\t'))
            .Where(cells => cells.Length == 2)
            .Select(cells => new LabelledSentence(cells[0].Trim(), cells[1].Trim() == "1"))
            .Where(s => s.Sentence.Length is > 0 and <= MaxSentenceLength)
            .DistinctBy(s => s.Sentence);

    /// <summary>count/2 positive and count/2 negative, drawn at random, in random order.</summary>
    static List<LabelledSentence> Balanced(IReadOnlyList<LabelledSentence> from, int count, Random random)
    {
        List<LabelledSentence> Draw(bool positive)
        {
            var pool = from.Where(s => s.Positive == positive).ToArray();
            if (pool.Length < count / 2) throw new InvalidOperationException($"Only {pool.Length} {(positive ? "positive" : "negative")} sentences; {count / 2} needed.");
            random.Shuffle(pool);
            return [.. pool.Take(count / 2)];
        }
        var drawn = Draw(true).Concat(Draw(false)).ToArray();
        random.Shuffle(drawn);
        return [.. drawn];
    }

    static void Write(string path, IEnumerable<LabelledSentence> sentences) =>
        File.WriteAllLines(path, sentences.Select(s => JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["prompt"] = $"Review: {s.Sentence} Sentiment:",
            ["completion"] = s.Positive ? " positive" : " negative",
        }, Json)));

    // Readable lines: apostrophes and accents as themselves rather than \u escapes.
    static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
