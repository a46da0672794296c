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
