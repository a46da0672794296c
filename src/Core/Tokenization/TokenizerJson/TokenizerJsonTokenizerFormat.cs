using TuningService.Core.Tokenization.TokenizerJson.AddedTokens;

namespace TuningService.Core.Tokenization.TokenizerJson;

/// <summary>
/// A Hugging Face fast-tokenizer file (tokenizer.json), any pipeline <see cref="TokenizerJsonFileReader"/> supports.
/// Tokens the configs make special (bos/eos/unk/pad, additional_special_tokens, added_tokens_decoder) that the file
/// has only in its vocabulary are added as special tokens, as transformers does when it loads the folder.
/// </summary>
internal sealed class TokenizerJsonTokenizerFormat : ITokenizerFormat
{
    private const string FileName = "tokenizer.json";

    public IReadOnlyList<string> FileNames { get; } = [FileName];

    public ITextTokenizer? TryLoad(string dir, HuggingFaceTokenizerConfig config)
    {
        var path = Path.Combine(dir, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var pipeline = TokenizerJsonFileReader.Read(path);
        var plain = new TokenizerJsonTextTokenizer(pipeline);
        var added = pipeline.AddedTokens.ToList();
        var contents = added.Select(token => token.Content).ToHashSet(StringComparer.Ordinal);
        foreach (var token in config.SpecialAddedTokens(plain.TokenToId))
        {
            if (plain.TokenToId(token.Content) == token.Id && contents.Add(token.Content))
            {
                added.Add(new AddedTokenRule(token.Id, token.Content, Special: true, SingleWord: false, LStrip: false, RStrip: false, Normalized: false));
            }
        }

        var tokenizer = added.Count == pipeline.AddedTokens.Count ? plain : new TokenizerJsonTextTokenizer(pipeline with { AddedTokens = added });
        var fromModel = new SpecialTokenIds(tokenizer.BosId, tokenizer.EosId, tokenizer.PadId, tokenizer.AddBos);
        return tokenizer.WithConfig(config.Resolve(fromModel, tokenizer.TokenToId, dir), config.CleanUpTokenizationSpaces ?? false);
    }
}
