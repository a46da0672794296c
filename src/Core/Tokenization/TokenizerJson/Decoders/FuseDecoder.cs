namespace TuningService.Core.Tokenization.TokenizerJson.Decoders;

/// <summary>tokenizers' Fuse: all tokens into one string.</summary>
internal sealed class FuseDecoder : ITokenDecoder
{
    public void DecodeChain(List<string> tokens)
    {
        var fused = string.Concat(tokens);
        tokens.Clear();
        tokens.Add(fused);
    }
}
