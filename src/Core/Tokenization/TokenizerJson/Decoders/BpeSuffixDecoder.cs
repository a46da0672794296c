namespace TuningService.Core.Tokenization.TokenizerJson.Decoders;

/// <summary>tokenizers' BPEDecoder: the end-of-word suffix ("&lt;/w&gt;") becomes a space, or nothing in the last token.</summary>
internal sealed class BpeSuffixDecoder(string suffix) : ITokenDecoder
{
    public void DecodeChain(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            tokens[i] = tokens[i].Replace(suffix, i == tokens.Count - 1 ? "" : " ", StringComparison.Ordinal);
        }
    }
}
