namespace TuningService.Core.Tokenization.TokenizerJson.Decoders;

/// <summary>tokenizers' WordPiece decoder: continuing pieces lose their prefix, the others get a space before them; optional clean-up.</summary>
internal sealed class WordPieceDecoder(string prefix, bool cleanup) : ITokenDecoder
{
    public void DecodeChain(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (i != 0)
            {
                token = token.StartsWith(prefix, StringComparison.Ordinal) ? token[prefix.Length..] : " " + token;
            }

            tokens[i] = cleanup ? CleanUp.Tokenization(token, doNot: true) : token;
        }
    }
}
