using TuningService.Core.Tokenization.TokenizerJson.Normalizers;
using TuningService.Core.Tokenization.TokenizerJson.PreTokenizers;

namespace TuningService.Core.Tokenization.TokenizerJson.Decoders;

/// <summary>tokenizers' Replace decoder: the pattern replaced with content in each token.</summary>
internal sealed class ReplaceDecoder(ITextPattern pattern, string content) : ITokenDecoder
{
    public void DecodeChain(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            tokens[i] = ReplaceNormalizer.Replace(pattern, content, tokens[i]);
        }
    }
}
