namespace TuningService.Core.Tokenization.ByteLevelBpe;

/// <summary>Applies a model folder's configs to a byte-level BPE, whichever file it was read from.</summary>
internal static class ByteLevelBpeFolder
{
    public static ByteLevelBpeTextTokenizer Load(ByteLevelBpeDefinition definition, string source, HuggingFaceTokenizerConfig config, string dir)
    {
        var tokenizer = ByteLevelBpeTextTokenizer.Create(definition.WithAddedTokens(config.SpecialAddedTokens(definition.TokenToId)), source);
        var fromModel = new SpecialTokenIds(tokenizer.BosId, tokenizer.EosId, tokenizer.PadId, tokenizer.AddBos);
        return tokenizer.WithSpecialTokens(config.Resolve(fromModel, tokenizer.TokenToId, dir));
    }
}
