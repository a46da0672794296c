namespace TuningService.Core.Tokenization.ByteLevelBpe;

/// <summary>
/// GPT-2's byte-to-character table (bytes_to_unicode in OpenAI's encoder.py): printable Latin-1 bytes stand for
/// themselves, the other 68 are shifted to U+0100 onwards (space becomes 'Ġ'). Microsoft.ML.Tokenizers keeps its
/// copy internal; this one is only used to check that a vocabulary really is byte-level before trusting it.
/// </summary>
internal static class ByteLevelAlphabet
{
    public static IReadOnlyList<string> Symbols { get; } = Build();

    private static string[] Build()
    {
        var symbols = new string[256];
        var shifted = 0;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            symbols[b] = ((char)(printable ? b : 256 + shifted++)).ToString();
        }

        return symbols;
    }
}
