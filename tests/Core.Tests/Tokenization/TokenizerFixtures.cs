namespace TuningService.Core.Tests.Tokenization;

/// <summary>Paths of the tokenizer models and goldens the tests use.</summary>
internal static class TokenizerFixtures
{
    public static string FixturesDir { get; } = Path.Combine(AppContext.BaseDirectory, "fixtures");

    /// <summary>The shipped base model's folder (tok105, a character-level BPE without byte fallback).</summary>
    public static string BabyLlamaDir { get; } = Path.Combine(FindRepoRoot(), "models", "babyllama-tinystories");

    public static string Tok105Model { get; } = Path.Combine(BabyLlamaDir, "tokenizer.model");

    public static string Llama2Model { get; } = Path.Combine(FixturesDir, "tokenizers-real", "llama2", "tokenizer.model");

    public static string T5Dir { get; } = Path.Combine(FixturesDir, "tokenizers-real", "t5");

    public static string T5Model { get; } = Path.Combine(T5Dir, "spiece.model");

    /// <summary>GPT-2's vocab.json + merges.txt and nothing else.</summary>
    public static string Gpt2Dir { get; } = Path.Combine(FixturesDir, "tokenizers-real", "gpt2");

    public static string Gpt2Vocab { get; } = Path.Combine(Gpt2Dir, "vocab.json");

    public static string Gpt2Merges { get; } = Path.Combine(Gpt2Dir, "merges.txt");

    /// <summary>300 SST-2 sentences, unchanged.</summary>
    public static string Sst2SampleJson { get; } = Path.Combine(FixturesDir, "texts", "sst2_dev_sample.json");

    public static string UnigramFixtureModel { get; } = Path.Combine(FixturesDir, "tokenizers", "unigram.model");

    public static string BpeFixtureModel { get; } = Path.Combine(FixturesDir, "tokenizers", "bpe.model");

    public static string RealGolden(string name) => Path.Combine(FixturesDir, "tokenizers-real-goldens", name + ".json");

    public static string FixtureTokensJson { get; } = Path.Combine(FixturesDir, "tokenizers", "tokens.json");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TuningService.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No TuningService.sln above {AppContext.BaseDirectory}.");
    }
}
