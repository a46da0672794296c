namespace TuningService.Core.Tokenization.ByteLevelBpe;

/// <summary>A Hugging Face fast-tokenizer file; only its byte-level BPE kind is supported.</summary>
internal sealed class TokenizerJsonTokenizerFormat : ITokenizerFormat
{
    private const string FileName = "tokenizer.json";

    public IReadOnlyList<string> FileNames { get; } = [FileName];

    public ITextTokenizer? TryLoad(string dir, HuggingFaceTokenizerConfig config)
    {
        var path = Path.Combine(dir, FileName);
        return File.Exists(path) ? ByteLevelBpeFolder.Load(TokenizerJsonReader.Read(path), path, config, dir) : null;
    }
}
