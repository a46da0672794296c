using TuningService.Core.Tokenization.TokenizerJson.PreTokenizers;

namespace TuningService.Core.Tokenization.TokenizerJson.Decoders;

/// <summary>tokenizers' Metaspace decoder: the replacement back to spaces; the first token loses its leading space unless prepend_scheme is never.</summary>
internal sealed class MetaspaceDecoder(char replacement, PrependScheme prependScheme) : ITokenDecoder
{
    public void DecodeChain(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i].Replace(replacement, ' ');
            if (i == 0 && prependScheme != PrependScheme.Never && token.StartsWith(' '))
            {
                token = token[1..];
            }

            tokens[i] = token;
        }
    }
}
