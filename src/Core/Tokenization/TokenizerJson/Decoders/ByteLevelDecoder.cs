using System.Text;
using TuningService.Core.Tokenization.TokenizerJson.PreTokenizers;

namespace TuningService.Core.Tokenization.TokenizerJson.Decoders;

/// <summary>
/// tokenizers' ByteLevel decoder: every token's characters back to the bytes they stand for (a token with a
/// character outside the table, such as an added token written as plain text, gives its own UTF-8 bytes), all
/// bytes read as one UTF-8 string, invalid sequences becoming U+FFFD (String::from_utf8_lossy).
/// </summary>
internal sealed class ByteLevelDecoder : ITokenDecoder
{
    public void DecodeChain(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            if (!ByteLevelAlphabetMap.TryUnmap(token, bytes))
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(token));
            }
        }

        tokens.Clear();
        tokens.Add(Utf8Lossy.Decode(bytes));
    }
}
