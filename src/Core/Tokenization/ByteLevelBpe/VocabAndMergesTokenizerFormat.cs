namespace TuningService.Core.Tokenization.ByteLevelBpe;

/// <summary>GPT-2's slow-tokenizer files: vocab.json and merges.txt, both needed.</summary>
internal sealed class VocabAndMergesTokenizerFormat : ITokenizerFormat
{
    private const string VocabFile = "vocab.json";
    private const string MergesFile = "merges.txt";

    public IReadOnlyList<string> FileNames { get; } = [$"{VocabFile} + {MergesFile}"];

    public ITextTokenizer? TryLoad(string dir, HuggingFaceTokenizerConfig config)
    {
        var vocabPath = Path.Combine(dir, VocabFile);
        var mergesPath = Path.Combine(dir, MergesFile);
        if (!File.Exists(vocabPath) || !File.Exists(mergesPath))
        {
            return null;
        }

        return ByteLevelBpeFolder.Load(ByteLevelBpeDefinition.FromVocabAndMerges(vocabPath, mergesPath), vocabPath, config, dir);
    }
}
