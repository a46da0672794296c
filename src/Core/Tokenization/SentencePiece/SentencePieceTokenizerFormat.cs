namespace TuningService.Core.Tokenization.SentencePiece;

/// <summary>
/// A SentencePiece model: tokenizer.model (Llama and most others) or spiece.model (T5), with T5's sentinels added
/// when the folder is a T5 one.
/// </summary>
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

        var model = SentencePieceTextTokenizer.FromFile(path);

        // AddBos true: unless the configs say otherwise, BOS is added whenever the folder has one.
        var fromModel = new SpecialTokenIds(model.BosId, model.EosId, model.PadId, AddBos: true);
        var tokenizer = model.WithSpecialTokens(config.Resolve(fromModel, model.PieceToId, dir));
        var sentinels = T5Sentinels.CountFor(config, dir);
        return sentinels == 0 ? tokenizer : new AddedTokenTextTokenizer(tokenizer, T5Sentinels.After(tokenizer.VocabSize, sentinels));
    }
}
