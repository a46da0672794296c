namespace TuningService.Core.Tokenization.SentencePiece;

/// <summary>A SentencePiece model: tokenizer.model (Llama and most others) or spiece.model (T5).</summary>
internal sealed class SentencePieceTokenizerFormat : ITokenizerFormat
{
    public IReadOnlyList<string> FileNames { get; } = ["tokenizer.model", "spiece.model"];

    public ITextTokenizer? TryLoad(string dir, HuggingFaceTokenizerConfig config)
    {
        var path = FileNames.Select(name => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
        if (path is null)
        {
            return null;
        }

        var tokenizer = SentencePieceTextTokenizer.FromFile(path);
        var fromModel = new SpecialTokenIds(tokenizer.BosId, tokenizer.EosId, tokenizer.PadId, tokenizer.AddBos);
        return tokenizer.WithSpecialTokens(config.Resolve(fromModel, tokenizer.PieceToId, dir));
    }
}
