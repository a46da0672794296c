namespace TuningService.Core.Tokenization.TokenizerJson.Decoders;

/// <summary>tokenizers' Strip decoder: up to <c>start</c> leading and <c>stop</c> trailing <c>content</c> characters off each token.</summary>
internal sealed class StripDecoder(char content, int start, int stop) : ITokenDecoder
{
    public void DecodeChain(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var from = 0;
            while (from < start && from < token.Length && token[from] == content)
            {
                from++;
            }

            var to = token.Length;
            while (token.Length - to < stop && to > from && token[to - 1] == content)
            {
                to--;
            }

            tokens[i] = token[from..to];
        }
    }
}
